import * as tf from '@tensorflow/tfjs-core';
import { dropout, oneHotFloat } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import {
  defaultKinds,
  headPrefix,
  HEAD_KINDS,
  isSentenceKind,
  kindHeads,
  kindHeadSpecs,
  type HeadKind,
  type KindHeads,
} from './kind-heads';
import type { TaskKind } from './tasks';

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

/**
 * Per-task heads (reference `Decoder`: dropout(0.1), Linear(H, C_t)) for a
 * batch that mixes tasks, without looping over tasks: every head is applied
 * to every row at once ([B, ΣC]), and a constant 0/1 selection picks each
 * row's own slice into [B, C_max]. Padding classes (c ≥ C_t) are 0 and masked
 * out of the loss (and of MT-U's entropy, core's `normalizedEntropy`).
 */
export interface HeadLayout {
  numLabels: number[];
  /** C_max over the sentence-level (classification and regression) tasks; 1 when there are none. */
  maxLabels: number;
  /** [T][ΣC][C_max] one-hot selection of task t's logits (ΣC over the sentence-level tasks; all 0 for other kinds). */
  selection: number[][][];
  /** Each task's kind; sentence-level tasks read `logits`, the others their own heads. */
  kinds: TaskKind[];
  /** The sentence-level tasks, in task order. */
  sentenceTasks: number[];
  /** The token, span and choice heads the model has (kinds without tasks left out). */
  kindHeads: KindHeads[];
}

/** The heads of tasks with `numLabels` classes each (1 = regression unless `kinds` says otherwise). */
export function headLayout(numLabels: number[], kinds: readonly TaskKind[] = defaultKinds(numLabels)): HeadLayout {
  const sentenceTasks = kinds.flatMap((k, t) => (isSentenceKind(k) ? [t] : []));
  const sentenceLabels = sentenceTasks.map((t) => numLabels[t]);
  const total = sentenceLabels.reduce((a, b) => a + b, 0);
  const maxLabels = Math.max(1, ...sentenceLabels);
  const selection = numLabels.map(() => Array.from({ length: total }, () => new Array<number>(maxLabels).fill(0)));
  let offset = 0;
  for (const t of sentenceTasks) {
    for (let k = 0; k < numLabels[t]; k++) selection[t][offset + k][k] = 1;
    offset += numLabels[t];
  }
  const heads = HEAD_KINDS.map((k) => kindHeads(k, kinds, numLabels)).filter((h) => h.tasks.length > 0);
  return { numLabels, maxLabels, selection, kinds: [...kinds], sentenceTasks, kindHeads: heads };
}

/** Per task index, the names of the parameters only that task uses: its head (`MultiTaskModel.taskParameters`). */
export function headParameterNames(numTasks: number, kinds?: readonly TaskKind[]): string[][] {
  return Array.from({ length: numTasks }, (_, t) => {
    const kind = kinds?.[t] ?? 'classification';
    const prefix = isSentenceKind(kind) ? `decoders.${t}.model` : headPrefix(kind as HeadKind, t);
    return [`${prefix}.weight`, `${prefix}.bias`];
  });
}

/**
 * The parameters of every task's head: `decoders.t.model` for sentence-level
 * tasks, HF's module names for the other kinds. To put per-task heads on your
 * own encoder, add these to its specs (`instantiate` / `storeFromSpecs`), build
 * a `headLayout(numLabels, kinds)` once, and call `multiTaskObjective` (heads +
 * loss) or `taskHeads` (sentence logits only) in its forward; `multiTaskBert`
 * is that composition over BERT.
 */
export function headSpecs(numLabels: number[], hidden: number, std: number, kinds?: readonly TaskKind[]): ParamSpec[] {
  const layout = headLayout(numLabels, kinds);
  return [
    ...layout.sentenceTasks.flatMap((t) => [
      { name: `decoders.${t}.model.weight`, shape: [numLabels[t], hidden], init: normal(std) },
      { name: `decoders.${t}.model.bias`, shape: [numLabels[t]], init: zeros },
    ]),
    ...layout.kindHeads.flatMap((h) => kindHeadSpecs(h, hidden, std)),
  ];
}

/**
 * Logits [B, C_max] of each row's own sentence-level task head, from the
 * pooled output [B, H] (parameters from `headSpecs` under `root`). `rate` is the
 * dropout before the heads (0.1 in the reference), active when `ctx.training`.
 */
export function taskHeads(
  root: Params,
  pooled: tf.Tensor2D,
  taskIds: tf.Tensor1D,
  layout: HeadLayout,
  rate: number,
  ctx: ModuleContext,
): tf.Tensor2D {
  const B = pooled.shape[0];
  if (layout.sentenceTasks.length === 0) return tf.zeros([B, 1]); // a model of token, span and choice tasks only
  const heads = layout.sentenceTasks.map((t) => root.at(`decoders.${t}.model`));
  const w = tf.concat(
    heads.map((h) => h.get('weight')),
    0,
  ); // [ΣC, H]
  const b = tf.concat(
    heads.map((h) => h.get('bias')),
    0,
  ); // [ΣC]
  const x = dropout(pooled, rate, ctx) as tf.Tensor2D;
  const all = tf.fused.matMul({ a: x, b: w as tf.Tensor2D, transposeB: true, bias: b }); // [B, ΣC]
  const select = tf.gather(tf.tensor3d(layout.selection), taskIds); // [B, ΣC, C_max]
  const picked = tf.matMul(tf.reshape(all, [B, 1, -1]), select); // [B, 1, ΣC] · [B, ΣC, C_max] → [B, 1, C_max]
  return tf.reshape(picked, [B, layout.maxLabels]) as tf.Tensor2D; // [B, C_max]
}

/** Per-row loss [B]: cross-entropy over the row's classes, or squared error for regression. */
export function perExampleLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  taskIds: tf.Tensor1D,
  layout: HeadLayout,
): tf.Tensor1D {
  const { classMask, isRegression } = rowClasses(taskIds, layout.numLabels, layout.maxLabels);
  const logp = maskedLogSoftmax(logits, classMask);
  // Regression labels (floats) never index a class: clamp, then mask their CE away.
  const classIds = tf.clipByValue(tf.cast(labels, 'int32'), 0, layout.maxLabels - 1) as tf.Tensor1D;
  const ce = tf.neg(tf.sum(tf.mul(oneHotFloat(classIds, layout.maxLabels), logp), -1)); // [B]
  const firstLogit = tf.reshape(tf.slice(logits, [0, 0], [-1, 1]), [-1]); // [B]
  const se = tf.square(tf.sub(firstLogit, tf.cast(labels, 'float32'))); // [B]
  return tf.add(tf.mul(isRegression, se), tf.mul(tf.sub(1, isRegression), ce)) as tf.Tensor1D;
}

/**
 * The reference loss: each task's mean over its rows (Σ losses / Σ weights
 * when rows carry weights), then the unweighted mean
 * over the tasks present. The per-task sums and counts are one [1, B]·[B, T]
 * product with a one-hot matrix: no loop over tasks, one small matmul whose
 * gradient is another matmul on every backend (unsortedSegmentSum would do
 * too; core patches it in for wasm).
 */
export function multiTaskLoss(
  perExample: tf.Tensor1D,
  taskIds: tf.Tensor1D,
  numTasks: number,
  weights?: tf.Tensor1D,
): { loss: tf.Scalar; perTask: tf.Tensor1D; present: tf.Tensor1D } {
  const onehot = oneHotFloat(taskIds, numTasks); // [B, T]
  const sums = tf.reshape(tf.matMul(tf.reshape(perExample, [1, -1]), onehot), [numTasks]); // [1, B]·[B, T] → [T]
  // Rows count 1 each, unless a kind weighs them (labelled tokens; a choice example's correct row).
  const counts = weights ? tf.reshape(tf.matMul(tf.reshape(weights, [1, -1]), onehot), [numTasks]) : tf.sum(onehot, 0); // [T]
  const present = tf.cast(tf.greater(counts, 0), 'float32') as tf.Tensor1D;
  const perTask = tf.div(sums, tf.maximum(counts, 1)) as tf.Tensor1D;
  const loss = tf.div(tf.sum(tf.mul(perTask, present)), tf.sum(present)) as tf.Scalar;
  return { loss, perTask, present };
}
