import * as tf from '@tensorflow/tfjs-core';
import { dropout, linear } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import type { Params } from '../params/store';

/** HF BertPooler: tanh(W h[CLS] + b). */
export function bertPooler(p: Params, hidden: tf.Tensor3D): tf.Tensor2D {
  const [B, , H] = hidden.shape;
  const cls = tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, H]), [B, H]); // [B, H]
  return tf.tanh(linear(p.at('dense'), cls)) as tf.Tensor2D;
}

/** HF BertForSequenceClassification head: dropout then Linear(H, C). */
export function classifierHead(p: Params, pooled: tf.Tensor2D, rate: number, ctx: ModuleContext): tf.Tensor2D {
  return linear(p, dropout(pooled, rate, ctx)) as tf.Tensor2D;
}

/** Per-example cross-entropy [B] from logits [B, C] and int labels [B]. */
export function crossEntropyPerExample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const C = logits.shape[1];
  const logp = tf.logSoftmax(logits); // [B, C]
  const onehot = tf.oneHot(tf.cast(labels, 'int32'), C); // [B, C]
  return tf.neg(tf.sum(tf.mul(onehot, logp), -1)) as tf.Tensor1D;
}

/** Per-example squared error [B] from logits [B, 1] and float labels [B]. */
export function squaredErrorPerExample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const pred = tf.reshape(logits, [-1]); // [B]
  return tf.square(tf.sub(pred, tf.cast(labels, 'float32'))) as tf.Tensor1D;
}

/** HF's sequence-classification loss: MSE when one label (regression), else mean CE. */
export function sequenceClassificationLoss(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const perExample =
    logits.shape[1] === 1 ? squaredErrorPerExample(logits, labels) : crossEntropyPerExample(logits, labels);
  return tf.mean(perExample) as tf.Scalar;
}
