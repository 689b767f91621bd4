// HF's token-classification, question-answering and multiple-choice heads and
// losses as functions over tensors, so that the HF architectures (task-model.ts)
// and CA-MTL's task heads compute the same thing.
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { dropout, linear } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import type { Params } from '../params/store';

/** torch.nn.CrossEntropyLoss's default ignore index (token labels of pads and later sub-tokens). */
export const IGNORE_INDEX = -100;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkShape(what: string, got: readonly number[], want: readonly number[], wantText: string): void {
  if (!sameShape(got, want)) {
    throw new CamtlError('BAD_INPUT', `${what}: expected shape ${wantText} = [${want}], got [${got}]`);
  }
}

/**
 * Cross-entropy of each row, logits [N, C] and integer targets [N] (int32 or
 * float holding integers): `losses` [N] is 0 where the target is `ignoreIndex`,
 * `weights` [N] is 1 for the rows that count and 0 for the ignored ones.
 */
export function maskedCrossEntropy(
  logits: tf.Tensor2D,
  targets: tf.Tensor1D,
  ignoreIndex: number = IGNORE_INDEX,
): { losses: tf.Tensor1D; weights: tf.Tensor1D } {
  const C = logits.shape[1];
  const t = tf.cast(targets, 'int32'); // [N]
  const keep = tf.notEqual(t, ignoreIndex); // [N]
  // oneHot of an ignored (out-of-range) target is backend-dependent: give it a valid class, then weight it 0.
  const safe = tf.where(keep, t, tf.zerosLike(t)) as tf.Tensor1D;
  const weights = tf.cast(keep, 'float32') as tf.Tensor1D;
  const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(safe, C), tf.logSoftmax(logits)), -1)); // [N]
  return { losses: tf.mul(nll, weights) as tf.Tensor1D, weights };
}

/** torch's CrossEntropyLoss(ignore_index) with mean reduction: NaN when every row is ignored, as in torch. */
export function meanCrossEntropyIgnoring(logits: tf.Tensor2D, targets: tf.Tensor1D, ignoreIndex = IGNORE_INDEX) {
  const { losses, weights } = maskedCrossEntropy(logits, targets, ignoreIndex);
  return tf.div(tf.sum(losses), tf.sum(weights)) as tf.Scalar;
}

/** HF BertForTokenClassification's head: dropout then Linear(H, C) on every token, [B, S, H] → [B, S, C]. */
export function tokenClassificationHead(p: Params, sequence: tf.Tensor3D, rate: number, ctx: ModuleContext) {
  return linear(p, dropout(sequence, rate, ctx)) as tf.Tensor3D;
}

/** HF's token-classification loss: logits [B, S, C], labels [B, S]; the mean CE over labels ≠ −100. */
export function tokenClassificationLoss(logits: tf.Tensor3D, labels: tf.Tensor): tf.Scalar {
  const [B, S, C] = logits.shape;
  checkShape('token-classification labels', labels.shape, [B, S], '[batch, seq]');
  return meanCrossEntropyIgnoring(tf.reshape(logits, [B * S, C]), tf.reshape(labels, [B * S]));
}

/** HF BertForQuestionAnswering's head: Linear(H, 2) split into start and end logits, each [B, S]. */
export function questionAnsweringHead(p: Params, sequence: tf.Tensor3D): { start: tf.Tensor2D; end: tf.Tensor2D } {
  const [B, S] = sequence.shape;
  const both = linear(p, sequence); // [B, S, 2]; HF's QA head has no dropout
  const [start, end] = tf.split(both, 2, -1).map((t) => tf.reshape(t, [B, S]) as tf.Tensor2D);
  return { start, end };
}

/** Positions [B] clamped to [0, S] as HF does; S is then the ignore index. */
function clampPositions(positions: tf.Tensor, S: number): tf.Tensor1D {
  return tf.cast(tf.clipByValue(tf.cast(positions, 'float32'), 0, S), 'int32') as tf.Tensor1D;
}

/**
 * HF's QA loss: start/end logits [B, S], start/end positions [B]. Positions are
 * clamped to [0, S] and S is ignored, so an answer outside the window counts
 * nowhere; loss = (CE(start) + CE(end)) / 2, each the mean over its kept rows.
 */
export function questionAnsweringLoss(
  startLogits: tf.Tensor2D,
  endLogits: tf.Tensor2D,
  startPositions: tf.Tensor,
  endPositions: tf.Tensor,
): tf.Scalar {
  const [B, S] = startLogits.shape;
  checkShape('end_logits', endLogits.shape, [B, S], 'of start_logits');
  checkShape('start_positions', startPositions.shape, [B], '[batch]');
  checkShape('end_positions', endPositions.shape, [B], '[batch]');
  const start = meanCrossEntropyIgnoring(startLogits, clampPositions(startPositions, S), S);
  const end = meanCrossEntropyIgnoring(endLogits, clampPositions(endPositions, S), S);
  return tf.div(tf.add(start, end), 2) as tf.Scalar;
}

/** [B, C, S] → [B·C, S]: each choice becomes its own row, as BertForMultipleChoice does. */
export function flattenChoices(t: tf.Tensor, what = 'input_ids'): tf.Tensor2D {
  if (t.rank !== 3) {
    throw new CamtlError('BAD_INPUT', `${what}: expected shape [batch, choices, seq], got [${t.shape}]`);
  }
  const [B, C, S] = t.shape;
  return tf.reshape(t, [B * C, S]) as tf.Tensor2D;
}

/** HF BertForMultipleChoice's head: pooled [B·C, H] → dropout → Linear(H, 1) → logits [B, C]. */
export function multipleChoiceHead(
  p: Params,
  pooled: tf.Tensor2D,
  numChoices: number,
  rate: number,
  ctx: ModuleContext,
): tf.Tensor2D {
  const scores = linear(p, dropout(pooled, rate, ctx)); // [B·C, 1]
  return tf.reshape(scores, [-1, numChoices]) as tf.Tensor2D;
}

/** HF's multiple-choice loss: CE over the choices, logits [B, C] and labels [B] (−100 ignored, as torch does). */
export function multipleChoiceLoss(logits: tf.Tensor2D, labels: tf.Tensor): tf.Scalar {
  checkShape('multiple-choice labels', labels.shape, [logits.shape[0]], '[batch]');
  return meanCrossEntropyIgnoring(logits, tf.reshape(labels, [-1]) as tf.Tensor1D);
}
