import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX } from '../bert/task-heads';

/**
 * Per-row losses and MT-U uncertainties of the token, span and choice heads.
 * Each loss comes as a sum and a weight per row, so that a task's loss is
 * Σ sums / Σ weights over its rows: the mean over labelled tokens for token
 * classification (HF's loss when a batch holds one task), the mean over
 * windows for span extraction, and the mean over examples (not choice rows)
 * for multiple choice. All are computed for every row and masked by kind.
 */
export interface RowLoss {
  /** [N] */
  sum: tf.Tensor1D;
  /** [N] */
  weight: tf.Tensor1D;
}

const NEG = -1e9;

/** log-softmax over the last axis with classes ≥ C_row masked out; classMask is [N, C] (1 = own class). */
function ownLogSoftmax3d(logits: tf.Tensor3D, classMask: tf.Tensor2D): tf.Tensor3D {
  const pad = tf.expandDims(tf.mul(tf.sub(1, classMask), NEG), 1); // [N, 1, C]
  return tf.logSoftmax(tf.add(logits, pad)) as tf.Tensor3D;
}

/** Token classification: Σ CE over tokens whose label is not −100, and their count. */
export function tokenRowLoss(tokenLogits: tf.Tensor3D, tokenLabels: tf.Tensor2D, classMask: tf.Tensor2D): RowLoss {
  const C = tokenLogits.shape[2];
  const valid = tf.cast(tf.notEqual(tokenLabels, IGNORE_INDEX), 'float32'); // [N, S]
  const ids = tf.clipByValue(tf.cast(tokenLabels, 'int32'), 0, C - 1); // [N, S]
  const logp = ownLogSoftmax3d(tokenLogits, classMask); // [N, S, C]
  const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(ids, C), logp), -1)); // [N, S]
  return { sum: tf.sum(tf.mul(ce, valid), -1) as tf.Tensor1D, weight: tf.sum(valid, -1) as tf.Tensor1D };
}

/** CE of logits [N, S] against positions [N] (clipped into [0, S), as every window's target is). */
function positionCe(logits: tf.Tensor2D, positions: tf.Tensor1D): tf.Tensor1D {
  const S = logits.shape[1];
  const ids = tf.clipByValue(tf.cast(positions, 'int32'), 0, S - 1) as tf.Tensor1D;
  return tf.neg(tf.sum(tf.mul(tf.oneHot(ids, S), tf.logSoftmax(logits)), -1)) as tf.Tensor1D; // [N]
}

/** Span extraction: (CE(start) + CE(end)) / 2 per row; logits at padding count, as in HF. */
export function spanRowLoss(
  start: tf.Tensor2D,
  end: tf.Tensor2D,
  startPositions: tf.Tensor1D,
  endPositions: tf.Tensor1D,
): RowLoss {
  const sum = tf.div(tf.add(positionCe(start, startPositions), positionCe(end, endPositions)), 2) as tf.Tensor1D;
  return { sum, weight: tf.ones([start.shape[0]]) }; // not onesLike(sum): a weight must stay off the tape
}

/** [N, N] 1 where two rows belong to the same example. */
export function sameExample(exampleIds: tf.Tensor1D): tf.Tensor2D {
  return tf.cast(tf.equal(tf.expandDims(exampleIds, 1), tf.expandDims(exampleIds, 0)), 'float32') as tf.Tensor2D;
}

/** log Σ over each row's example of exp(choice score) [N]: the softmax's normaliser, per row. */
function exampleLogSumExp(choice: tf.Tensor1D, same: tf.Tensor2D): tf.Tensor1D {
  const masked = tf.add(tf.expandDims(choice, 0), tf.mul(tf.sub(same, 1), -NEG)); // [N, N]: other examples −1e9
  return tf.logSumExp(masked, 1) as tf.Tensor1D;
}

/** Multiple choice: −log softmax(choice scores of the example)[correct], on the correct row only. */
export function choiceRowLoss(choice: tf.Tensor1D, isCorrect: tf.Tensor1D, same: tf.Tensor2D): RowLoss {
  const nll = tf.sub(exampleLogSumExp(choice, same), choice); // [N]
  return { sum: tf.mul(isCorrect, nll) as tf.Tensor1D, weight: isCorrect };
}

/** −Σ p log p / (log C + 1e-5) along the last axis of log-probabilities `logp`, with `mask` 1 on the support. */
function normalisedEntropyOf(logp: tf.Tensor, mask: tf.Tensor, classes: tf.Tensor): tf.Tensor {
  const h = tf.neg(tf.sum(tf.mul(tf.exp(logp), tf.mul(logp, mask)), -1));
  return tf.div(h, tf.add(tf.log(classes), 1e-5));
}

/**
 * camtl's MT-U uncertainty of a token-classification row: the mean over its
 * real tokens (attention mask 1, specials included) of each token's
 * normalised tag entropy H(p)/log C_t.
 */
export function tokenRowEntropy(
  tokenLogits: tf.Tensor3D,
  classMask: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
): tf.Tensor1D {
  const logp = ownLogSoftmax3d(tokenLogits, classMask); // [N, S, C]
  const classes = tf.expandDims(tf.sum(classMask, -1), 1); // [N, 1]
  const h = normalisedEntropyOf(logp, tf.expandDims(classMask, 1), classes); // [N, S]
  const real = tf.cast(attentionMask, 'float32'); // [N, S]
  return tf.div(tf.sum(tf.mul(h, real), -1), tf.maximum(tf.sum(real, -1), 1)) as tf.Tensor1D;
}

/**
 * camtl's MT-U uncertainty of a span row: the mean of the normalised
 * entropies of its start and end distributions, each a softmax over the
 * row's real tokens and divided by log(number of real tokens).
 */
export function spanRowEntropy(start: tf.Tensor2D, end: tf.Tensor2D, attentionMask: tf.Tensor2D): tf.Tensor1D {
  const real = tf.cast(attentionMask, 'float32'); // [N, S]
  const pad = tf.mul(tf.sub(1, real), NEG);
  const n = tf.sum(real, -1); // [N]
  const h = (x: tf.Tensor2D) => normalisedEntropyOf(tf.logSoftmax(tf.add(x, pad)), real, n);
  return tf.div(tf.add(h(start), h(end)), 2) as tf.Tensor1D;
}

/** camtl's MT-U uncertainty of a choice row: its example's normalised entropy over the C choices. */
export function choiceRowEntropy(choice: tf.Tensor1D, same: tf.Tensor2D): tf.Tensor1D {
  const logp = tf.sub(choice, exampleLogSumExp(choice, same)); // [N]
  const terms = tf.mul(tf.exp(logp), logp); // [N]
  const h = tf.neg(tf.squeeze(tf.matMul(same, tf.expandDims(terms, 1)), [1])); // [N, N]·[N, 1] → [N]
  return tf.div(h, tf.add(tf.log(tf.sum(same, 1)), 1e-5)) as tf.Tensor1D;
}
