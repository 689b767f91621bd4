// Gradients of the kernels that index: gather, segment sums, one-hot and
// select. Ported from tfjs-core 4.22.0 src/gradients/*_grad.ts (Copyright
// 2020 Google LLC, Apache-2.0), written against tfjs-core's public API with
// the same ops in the same order.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];

const range = (start: number, stop: number) => Array.from({ length: Math.max(0, stop - start) }, (_, i) => start + i);

/** Scatters dy back onto the gathered axis of x with a segment sum (GatherV2_grad's derXBatch). */
function gatherGrad(x: tf.Tensor, indices: tf.Tensor, dy: tf.Tensor, axis: number, rawAxis: number): tf.Tensor {
  const outerShape = x.shape.slice(0, axis);
  // tfjs slices the inner shape with the attribute as given (a negative axis reads from the end).
  const innerShape = x.shape.slice(rawAxis, x.shape.length).slice(1);
  const outerDims = outerShape.length;
  const values = tf.reshape(dy, [...outerShape, indices.size, ...innerShape]);
  const perm = [outerDims, ...range(0, outerDims), ...range(outerDims + 1, outerDims + 1 + innerShape.length)];
  const grad = tf.unsortedSegmentSum(tf.transpose(values, perm), tf.reshape(indices, [indices.size]), x.shape[axis]);
  return tf.transpose(grad, tf.backend_util.getUndoAxesPermutation(perm));
}

const gatherV2: GradConfig = {
  kernelName: tf.GatherV2,
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy, [x, indices]: Saved, attrs: NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const { axis: rawAxis, batchDims } = attrs as { axis: number; batchDims: number };
    const axis = tf.util.parseAxisParam(rawAxis, x.shape)[0];
    if (batchDims !== 1) return { x: () => gatherGrad(x, indices, g, axis, rawAxis), indices: () => indices };
    const derXBatched = () => {
      const xs = tf.split(x, x.shape[0], 0);
      const per = xs.map((xi, i) => gatherGrad(xi, tf.slice(indices, i, 1), tf.slice(g, i, 1), axis, rawAxis));
      return tf.reshape(tf.stack(per), x.shape);
    };
    return { x: derXBatched, indices: () => indices };
  },
};

/** Gathers x at the segment ids, with 0 where an id is negative (tfjs's gatherDropNegatives). */
function gatherDropNegatives(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const gathered = tf.gather(x, tf.maximum(indices, tf.zerosLike(indices)));
  let isPositive: tf.Tensor = tf.greaterEqual(indices, tf.scalar(0, 'int32'));
  const extra = gathered.rank - isPositive.rank;
  for (let i = 0; i < extra; ++i) isPositive = tf.expandDims(isPositive, i + 1);
  isPositive = tf.logicalAnd(isPositive, tf.ones(gathered.shape, 'bool'));
  return tf.where(isPositive, gathered, tf.zerosLike(gathered));
}

const unsortedSegmentSum: GradConfig = {
  kernelName: tf.UnsortedSegmentSum,
  inputsToSave: ['segmentIds'],
  gradFunc: (dy, [segmentIds]: Saved) => ({ x: () => gatherDropNegatives(dy as tf.Tensor, segmentIds) }),
};

const oneHot: GradConfig = {
  kernelName: tf.OneHot,
  inputsToSave: ['indices'],
  gradFunc: (_dy, [indices]: Saved) => ({ indices: () => tf.zeros(indices.shape, 'float32') }),
};

const select: GradConfig = {
  kernelName: tf.Select,
  inputsToSave: ['condition'],
  gradFunc: (dy, [condition]: Saved) => {
    const g = dy as tf.Tensor;
    return {
      condition: () => tf.cast(tf.zerosLike(condition), 'float32'),
      t: () => tf.mul(g, tf.cast(condition, g.dtype)),
      e: () => tf.mul(g, tf.cast(tf.logicalNot(condition), g.dtype)),
    };
  },
};

export const GATHER_GRADIENTS: GradConfig[] = [gatherV2, unsortedSegmentSum, oneHot, select];
