import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-row views of a mixed-task batch's heads. A multi-task model returns
 * logits [B, C_max] in which row b uses the first C_t classes of its own
 * task t (the rest are padding, 0); these helpers mask the padding so every
 * row is read with its own head, with no loop over tasks. A regression head
 * is one "class" (its first logit is the prediction).
 */

/** Each row's class mask [B, C_max] (1 for the row's own classes), its C_t [B] and regression flag [B]. */
export function rowClasses(
  taskIds: tf.Tensor1D,
  numLabelsPerTask: readonly number[],
  maxLabels: number,
): { classMask: tf.Tensor2D; isRegression: tf.Tensor1D; numLabels: tf.Tensor1D } {
  const numLabels = tf.gather(tf.tensor1d([...numLabelsPerTask], 'float32'), taskIds) as tf.Tensor1D; // [B]
  const classes = tf.range(0, maxLabels, 1, 'float32'); // [C_max]
  const classMask = tf.cast(tf.less(tf.expandDims(classes, 0), tf.expandDims(numLabels, 1)), 'float32') as tf.Tensor2D;
  return { classMask, isRegression: tf.cast(tf.equal(numLabels, 1), 'float32') as tf.Tensor1D, numLabels };
}

/** log-softmax over each row's own classes (padding classes get about −1e9 before the softmax). */
export function maskedLogSoftmax(logits: tf.Tensor2D, classMask: tf.Tensor2D): tf.Tensor2D {
  return tf.logSoftmax(tf.add(logits, tf.mul(tf.sub(1, classMask), -1e9))) as tf.Tensor2D;
}

/**
 * Normalised entropy H(softmax)/(log C_t + 1e-5) of each row's own head, as
 * the reference's `Decoder.calculate_entropy`: 1 for a uniform classifier,
 * 0 for a certain one and for regression heads (one "class"). [B, C_max] → [B].
 */
export function normalizedEntropy(
  logits: tf.Tensor2D,
  taskIds: tf.Tensor1D,
  numLabelsPerTask: readonly number[],
): tf.Tensor1D {
  return tf.tidy(() => {
    const { classMask, numLabels } = rowClasses(taskIds, numLabelsPerTask, logits.shape[1]);
    const logp = maskedLogSoftmax(logits, classMask);
    const entropy = tf.neg(tf.sum(tf.mul(tf.exp(logp), tf.mul(logp, classMask)), -1)); // [B]
    return tf.div(entropy, tf.add(tf.log(numLabels), 1e-5)) as tf.Tensor1D;
  });
}
