// Gradients of the reductions, softmaxes and scans. Ported from tfjs-core
// 4.22.0 src/gradients/*_grad.ts (Copyright 2020 Google LLC, Apache-2.0),
// written against tfjs-core's public API with the same ops in the same order.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];
type Axis = number | number[];

/** dy with the reduced axes of x put back as size-1 dims. */
function expandToKeepDims(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const axis of axes) shape[axis] = 1;
  return tf.reshape(dy, shape);
}

const sum: GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const axes = tf.util.parseAxisParam(attrs.axis as Axis, x.shape);
    const derX = tf.mul(expandToKeepDims(dy as tf.Tensor, x, axes), tf.ones(x.shape, 'float32'));
    return { x: () => derX };
  },
};

const mean: GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const axes = tf.util.parseAxisParam(attrs.axis as Axis, x.shape);
    const reduceSize = tf.util.sizeFromShape(tf.backend_util.computeOutAndReduceShapes(x.shape, axes)[1]);
    const derX = () =>
      tf.div(tf.mul(expandToKeepDims(dy as tf.Tensor, x, axes), tf.ones(x.shape, 'float32')), reduceSize);
    return { x: derX };
  },
};

/** Max / Min: dy flows to every element equal to the extreme (min_max_grad_util.ts). */
function extreme(kernelName: string, axisAttr: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, [x, y]: Saved, attrs: NamedAttrMap) => {
      const axes = tf.util.parseAxisParam(attrs[axisAttr] as Axis, x.shape);
      const keep = (t: tf.Tensor) =>
        t.rank < x.rank ? tf.reshape(t, tf.backend_util.expandShapeToKeepDim(t.shape, axes)) : t;
      const [yk, dyk] = [keep(y), keep(dy as tf.Tensor)];
      return { x: () => tf.mul(dyk, tf.cast(tf.equal(x, yk), dyk.dtype)) };
    },
  };
}

/** Product along one axis: dy times the exclusive products before and after each element. */
function prodAlong(x: tf.Tensor, dy: tf.Tensor, axis: number): tf.Tensor {
  const expandedDy = expandToKeepDims(dy, x, [axis]);
  const dx = tf.mul(tf.cumprod(x, axis, true, false), tf.cumprod(x, axis, true, true));
  return tf.mul(expandedDy, dx);
}

/** Product over several axes: moves them last, folds them into one, and undoes both. */
function prodGrad(x: tf.Tensor, dy: tf.Tensor, axes: number[]): tf.Tensor {
  const rank = x.shape.length;
  const permutation = tf.backend_util.getAxesPermutation(axes, rank);
  const permuted = permutation != null ? tf.transpose(x, permutation) : x;
  const shape = permuted.shape.slice();
  const removed = shape.splice(rank - axes.length, axes.length);
  shape.push(removed.reduce((p, c) => p * c, 1));
  let grad = tf.reshape(prodAlong(tf.reshape(permuted, shape), dy, rank - axes.length), permuted.shape);
  if (permutation != null) grad = tf.transpose(grad, tf.backend_util.getUndoAxesPermutation(permutation));
  return grad;
}

const prod: GradConfig = {
  kernelName: tf.Prod,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    // Unlike tfjs 4.22, negative axes are normalised (tfjs's permutation breaks on them).
    const axes = tf.util.parseAxisParam(attrs.axis as Axis, x.shape);
    return { x: () => prodGrad(x, dy as tf.Tensor, axes) };
  },
};

const softmax: GradConfig = {
  kernelName: tf.Softmax,
  outputsToSave: [true],
  gradFunc: (dy, [y]: Saved, attrs: NamedAttrMap) => {
    const dyTimesY = tf.mul(dy as tf.Tensor, y);
    return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [attrs.dim as number], true), y)) };
  },
};

const logSoftmax: GradConfig = {
  kernelName: tf.LogSoftmax,
  inputsToSave: [],
  outputsToSave: [true],
  gradFunc: (dy, [value]: Saved, attrs: NamedAttrMap) => ({
    logits: () => {
      const softmax = tf.exp(value);
      return tf.sub(dy as tf.Tensor, tf.mul(tf.sum(dy as tf.Tensor, attrs.axis as Axis, true), softmax));
    },
  }),
};

const cumsum: GradConfig = {
  kernelName: tf.Cumsum,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const { axis, exclusive, reverse } = attrs as { axis: number; exclusive: boolean; reverse: boolean };
    return {
      x: () => {
        // As tfjs: the permutation is null unless axis is not the last one.
        const permutation = tf.backend_util.getAxesPermutation([axis], x.rank);
        const out = tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse);
        return permutation != null ? tf.transpose(out, permutation) : out;
      },
    };
  },
};

/** ArgMax / ArgMin: integer outputs, zero gradient. */
const argExtreme = (kernelName: string): GradConfig => ({
  kernelName,
  inputsToSave: ['x'],
  gradFunc: (_dy, [x]: Saved) => ({ x: () => tf.zerosLike(x) }),
});

export const REDUCE_GRADIENTS: GradConfig[] = [
  sum,
  mean,
  extreme(tf.Max, 'reductionIndices'),
  extreme(tf.Min, 'axis'),
  // cumprod (Prod's gradient) is public from tfjs-core 4.1 on.
  ...(typeof tf.cumprod === 'function' ? [prod] : []),
  softmax,
  logSoftmax,
  cumsum,
  argExtreme(tf.ArgMax),
  argExtreme(tf.ArgMin),
];
