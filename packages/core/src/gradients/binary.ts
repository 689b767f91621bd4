// Gradients of the two-operand kernels (and AddN, BatchMatMul). Ported from
// tfjs-core 4.22.0 src/gradients/*_grad.ts (Copyright 2020 Google LLC,
// Apache-2.0), written against tfjs-core's public API with the same ops in
// the same order, so a gradient is bit-identical to the stock one. Where the
// stock gradient throws on broadcast operands (SquaredDifference, Maximum,
// Minimum, BatchMatMul's batch dims), these sum over the broadcast axes.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];

/** Sums `res` over the axes broadcasting added to `shape`, then reshapes to it (Add_grad's derA). */
function reduceTo(res: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
  return tf.reshape(axes.length > 0 ? tf.sum(res, axes) : res, shape);
}

/** As reduceTo, but returns `res` untouched when nothing was broadcast (Multiply_grad, RealDiv_grad's derA). */
function reduceIfBroadcast(res: tf.Tensor, shape: number[], outShape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
  return axes.length > 0 ? tf.reshape(tf.sum(res, axes), shape) : res;
}

const outShapeOf = (a: tf.Tensor, b: tf.Tensor) => tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);

const add: GradConfig = {
  kernelName: tf.Add,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    return { a: () => reduceTo(dy as tf.Tensor, a.shape, out), b: () => reduceTo(dy as tf.Tensor, b.shape, out) };
  },
};

const sub: GradConfig = {
  kernelName: tf.Sub,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    const derB = () => {
      const axes = tf.broadcast_util.getReductionAxes(b.shape, out);
      return tf.reshape(tf.neg(axes.length > 0 ? tf.sum(dy as tf.Tensor, axes) : (dy as tf.Tensor)), b.shape);
    };
    return { a: () => reduceTo(dy as tf.Tensor, a.shape, out), b: derB };
  },
};

const multiply: GradConfig = {
  kernelName: tf.Multiply,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    return {
      a: () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.cast(b, 'float32')), a.shape, out),
      b: () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.cast(a, 'float32')), b.shape, out),
    };
  },
};

/** RealDiv and FloorDiv share tfjs's gradient (FloorDiv's treats it as a real division). */
const divGrad =
  (): GradConfig['gradFunc'] =>
  (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    const derB = () => {
      let res = tf.mul(dy as tf.Tensor, tf.cast(a, 'float32'));
      const axes = tf.broadcast_util.getReductionAxes(b.shape, out);
      if (axes.length > 0) res = tf.reshape(tf.sum(res, axes), b.shape);
      return tf.neg(tf.div(res, tf.cast(tf.square(b), 'float32')));
    };
    return { a: () => reduceIfBroadcast(tf.div(dy as tf.Tensor, tf.cast(b, 'float32')), a.shape, out), b: derB };
  };

const realDiv: GradConfig = { kernelName: tf.RealDiv, inputsToSave: ['a', 'b'], gradFunc: divGrad() };
const floorDiv: GradConfig = { kernelName: tf.FloorDiv, inputsToSave: ['a', 'b'], gradFunc: divGrad() };

const pow: GradConfig = {
  kernelName: tf.Pow,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy, [base, exp, y]: Saved) => {
    const out = outShapeOf(base, exp);
    const derBase = () => {
      const expFloat = tf.cast(exp, 'float32');
      const res = tf.mul(dy as tf.Tensor, tf.mul(expFloat, tf.pow(base, tf.sub(expFloat, tf.scalar(1)))));
      return reduceTo(res, base.shape, out);
    };
    const derExp = () => {
      const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
      return reduceTo(tf.mul(dy as tf.Tensor, tf.mul(y, logBase)), exp.shape, out);
    };
    return { a: derBase, b: derExp };
  },
};

const squaredDifference: GradConfig = {
  kernelName: tf.SquaredDifference,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    const two = tf.scalar(2);
    return {
      a: () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.mul(two, tf.sub(a, b))), a.shape, out),
      b: () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.mul(two, tf.sub(b, a))), b.shape, out),
    };
  },
};

/** Maximum / Minimum: dy flows to the operand that won (ties go to a). */
function pick(kernelName: string, aWins: typeof tf.greaterEqual, bWins: typeof tf.less): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]: Saved) => {
      const out = outShapeOf(a, b);
      return {
        a: () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.cast(aWins(a, b), 'float32')), a.shape, out),
        b: () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.cast(bWins(a, b), 'float32')), b.shape, out),
      };
    },
  };
}

const mod: GradConfig = {
  kernelName: tf.Mod,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    const derB = () => reduceIfBroadcast(tf.mul(dy as tf.Tensor, tf.neg(tf.floor(tf.div(a, b)))), b.shape, out);
    return { a: () => reduceIfBroadcast(dy as tf.Tensor, a.shape, out), b: derB };
  },
};

const atan2: GradConfig = {
  kernelName: tf.Atan2,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved) => {
    const out = outShapeOf(a, b);
    const d = () => tf.add(tf.square(a), tf.square(b));
    return {
      a: () => reduceTo(tf.mul(dy as tf.Tensor, tf.div(b, d())), a.shape, out),
      b: () => reduceTo(tf.neg(tf.mul(dy as tf.Tensor, tf.div(a, d()))), b.shape, out),
    };
  },
};

const addN: GradConfig = {
  kernelName: tf.AddN,
  saveAllInputs: true,
  gradFunc: (dy, saved: Saved) => {
    const ders: Record<string, () => tf.Tensor> = {};
    saved.forEach((_, i) => (ders[i] = () => (dy as tf.Tensor).clone()));
    return ders;
  },
};

function batchMatMulDers(g: tf.Tensor, a: tf.Tensor, b: tf.Tensor, t: { transposeA: boolean; transposeB: boolean }) {
  if (!t.transposeA && !t.transposeB) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true) };
  if (!t.transposeA) return { a: () => tf.matMul(g, b), b: () => tf.matMul(g, a, true) };
  if (!t.transposeB) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g) };
  return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
}

const batchMatMul: GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, [a, b]: Saved, attrs: NamedAttrMap) => {
    const ders = batchMatMulDers(dy as tf.Tensor, a, b, attrs as { transposeA: boolean; transposeB: boolean });
    // A batch-broadcast operand gets its gradient summed over the batch dims it lacks.
    const fit = (g: tf.Tensor, x: tf.Tensor) => (g.rank > x.rank ? reduceTo(g, x.shape, g.shape) : g);
    return { a: () => fit(ders.a(), a), b: () => fit(ders.b(), b) };
  },
};

export const BINARY_GRADIENTS: GradConfig[] = [
  add,
  sub,
  multiply,
  realDiv,
  floorDiv,
  pow,
  squaredDifference,
  pick(tf.Maximum, tf.greaterEqual, tf.less),
  pick(tf.Minimum, tf.lessEqual, tf.greater),
  mod,
  atan2,
  addN,
  batchMatMul,
];
