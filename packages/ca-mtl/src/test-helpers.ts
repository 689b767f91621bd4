// Test-only helpers: a small random BERT checkpoint and CA-MTL batches.
import * as tf from '@tensorflow/tfjs-core';
import { BertModel, memoryFileSystem, parseBertConfig, saveBertModel, type FileSystem } from '@camtl/core';
import type { CaMtlInputs } from './ca-mtl-definition';

export const SMALL_BERT = {
  model_type: 'bert',
  vocab_size: 50,
  hidden_size: 32,
  num_hidden_layers: 4,
  num_attention_heads: 2,
  intermediate_size: 48,
  max_position_embeddings: 40,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  num_labels: 2,
};

/** A random plain BERT saved as a HF folder "bert" in an in-memory FileSystem. */
export async function smallBertCheckpoint(
  overrides: Record<string, unknown> = {},
  seed = 3,
): Promise<{ fs: FileSystem; bert: BertModel }> {
  const bert = BertModel.create(parseBertConfig({ ...SMALL_BERT, ...overrides }), { seed });
  // Non-trivial LayerNorms and biases, so a wrong or ignored tensor shows in the outputs.
  for (const [name, v] of bert.store.vars) {
    if (/LayerNorm|bias/.test(name)) v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', name.length)));
  }
  const fs = memoryFileSystem();
  await saveBertModel(bert, 'bert', fs);
  return { fs, bert };
}

/** A mixed-task batch padded to `seqLen`, with the given real lengths. */
export function batch(lengths: number[], taskIds: number[], seqLen: number, labels?: number[]): CaMtlInputs {
  const ids = lengths.map((n, b) =>
    Array.from({ length: seqLen }, (_, j) => (j < n ? (j === 0 ? 2 : 5 + ((b * 7 + j * 3) % 40)) : 0)),
  );
  const types = lengths.map((n) => Array.from({ length: seqLen }, (_, j) => (j < n && j >= n / 2 ? 1 : 0)));
  const mask = lengths.map((n) => Array.from({ length: seqLen }, (_, j) => (j < n ? 1 : 0)));
  return {
    inputIds: tf.tensor2d(ids, undefined, 'int32'),
    tokenTypeIds: tf.tensor2d(types, undefined, 'int32'),
    attentionMask: tf.tensor2d(mask, undefined, 'int32'),
    taskIds: tf.tensor1d(taskIds, 'int32'),
    labels: labels && tf.tensor1d(labels, 'float32'),
  };
}

/** Row b of a batch as a batch of one. */
export function row(inputs: CaMtlInputs, b: number): CaMtlInputs {
  const r2 = (t?: tf.Tensor2D) => t && (tf.slice(t, [b, 0], [1, -1]) as tf.Tensor2D);
  const r1 = (t?: tf.Tensor1D) => t && (tf.slice(t, [b], [1]) as tf.Tensor1D);
  return {
    inputIds: r2(inputs.inputIds)!,
    tokenTypeIds: r2(inputs.tokenTypeIds),
    attentionMask: r2(inputs.attentionMask),
    taskIds: r1(inputs.taskIds)!,
    labels: r1(inputs.labels),
  };
}
