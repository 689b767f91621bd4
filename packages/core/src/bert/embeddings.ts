import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { dropout, layerNorm } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, ones, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import type { BertConfig } from './config';

export function embeddingSpecs(c: BertConfig): ParamSpec[] {
  const std = c.initializerRange;
  return [
    {
      name: 'word_embeddings.weight',
      shape: [c.vocabSize, c.hiddenSize],
      init: { ...normal(std), zeroRow: c.padTokenId },
    },
    { name: 'position_embeddings.weight', shape: [c.maxPositionEmbeddings, c.hiddenSize], init: normal(std) },
    { name: 'token_type_embeddings.weight', shape: [c.typeVocabSize, c.hiddenSize], init: normal(std) },
    { name: 'LayerNorm.weight', shape: [c.hiddenSize], init: ones },
    { name: 'LayerNorm.bias', shape: [c.hiddenSize], init: zeros },
  ];
}

export function checkSequenceLength(seqLen: number, c: BertConfig): void {
  if (seqLen > c.maxPositionEmbeddings) {
    throw new CamtlError(
      'BAD_INPUT',
      `sequence length ${seqLen} is longer than max_position_embeddings ${c.maxPositionEmbeddings}`,
      `truncate inputs to at most ${c.maxPositionEmbeddings} tokens (tokenizer maxSeqLength)`,
    );
  }
}

/** The shape of a 2-D tensor, by duck typing: a tensor of another tfjs-core copy is not an instance of ours. */
function shape2d(t: unknown): number[] | undefined {
  const shape = (t as { shape?: unknown } | null)?.shape;
  return Array.isArray(shape) && shape.length === 2 ? (shape as number[]) : undefined;
}

function shapeOf(t: unknown): string {
  const shape = (t as { shape?: unknown } | null)?.shape;
  return Array.isArray(shape) ? `[${shape.join(', ')}]` : 'no tensor';
}

/**
 * input_ids must be a non-empty [B, S] tensor and every other per-token input
 * the same shape: tfjs would otherwise fail deep inside (a slice or broadcast
 * error naming none of them), or broadcast a mask silently.
 */
export function checkTokenInputs(inputIds: unknown, others: Record<string, unknown>): void {
  const ids = shape2d(inputIds);
  if (!ids || ids[0] === 0 || ids[1] === 0) {
    throw new CamtlError(
      'BAD_INPUT',
      `BERT input_ids: expected a [batch, sequence] tensor with at least one token, got ${shapeOf(inputIds)}`,
      'tokenize each text to at least [CLS] [SEP] and batch them as a 2-D int32 tensor',
    );
  }
  for (const [name, t] of Object.entries(others)) {
    if (t === undefined) continue;
    const shape = shape2d(t);
    const same = shape !== undefined && shape[0] === ids[0] && shape[1] === ids[1];
    if (!same) {
      throw new CamtlError(
        'SHAPE_MISMATCH',
        `BERT ${name}: shape ${shapeOf(t)} differs from input_ids [${ids.join(', ')}]`,
        `give ${name} the shape of input_ids (or leave it out)`,
      );
    }
  }
}

/** HF BertEmbeddings: word + position (arange) + token type, LayerNorm, dropout. */
export function bertEmbeddings(
  p: Params,
  inputIds: tf.Tensor2D,
  tokenTypeIds: tf.Tensor2D,
  c: BertConfig,
  ctx: ModuleContext,
): tf.Tensor3D {
  checkTokenInputs(inputIds, { token_type_ids: tokenTypeIds });
  const [, S] = inputIds.shape;
  checkSequenceLength(S, c);
  const words = tf.gather(p.get('word_embeddings.weight'), inputIds); // [B, S, H]
  const types = tf.gather(p.get('token_type_embeddings.weight'), tokenTypeIds); // [B, S, H]
  const positions = tf.slice(p.get('position_embeddings.weight'), [0, 0], [S, c.hiddenSize]); // [S, H]
  const sum = tf.add(tf.add(words, types), positions);
  return dropout(layerNorm(p.at('LayerNorm'), sum, c.layerNormEps), c.hiddenDropoutProb, ctx) as tf.Tensor3D;
}

/** (1 − mask) · −10000 as [B, 1, 1, S], the additive mask of HF BERT (transformers 2.x). */
export function additiveMask(attentionMask: tf.Tensor2D): tf.Tensor4D {
  const [B, S] = attentionMask.shape;
  const m = tf.reshape(tf.cast(attentionMask, 'float32'), [B, 1, 1, S]); // [B, 1, 1, S]
  return tf.mul(tf.sub(1, m), -10000) as tf.Tensor4D;
}
