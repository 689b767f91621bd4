// Gradients of the one-operand elementwise kernels. Ported from tfjs-core
// 4.22.0 src/gradients/*_grad.ts (Copyright 2020 Google LLC, Apache-2.0),
// written against tfjs-core's public API with the same ops in the same order.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];
type Grad = (dy: tf.Tensor, saved: tf.Tensor) => tf.Tensor;

/** A kernel whose gradient reads its input x. */
const ofInput = (kernelName: string, grad: Grad): GradConfig => ({
  kernelName,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved) => ({ x: () => grad(dy as tf.Tensor, x) }),
});

/** A kernel whose gradient reads its output y. */
const ofOutput = (kernelName: string, grad: Grad): GradConfig => ({
  kernelName,
  outputsToSave: [true],
  gradFunc: (dy, [y]: Saved) => ({ x: () => grad(dy as tf.Tensor, y) }),
});

/** Piecewise-constant kernels: zero gradient (tfjs has no "no gradient" yet). */
const zero = (kernelName: string): GradConfig => ({
  kernelName,
  gradFunc: (dy) => ({ x: () => tf.zerosLike(dy as tf.Tensor) }),
});

const f32 = (x: tf.Tensor) => tf.cast(x, 'float32');

const ELEMENTWISE: GradConfig[] = [
  ofInput(tf.Abs, (dy, x) => tf.mul(dy, tf.step(f32(x), -1))),
  { kernelName: tf.Neg, gradFunc: (dy) => ({ x: () => tf.neg(dy as tf.Tensor) }) },
  ofOutput(tf.Exp, (dy, y) => tf.mul(dy, y)),
  ofInput(tf.Expm1, (dy, x) => tf.mul(dy, tf.exp(x))),
  ofInput(tf.Log, (dy, x) => tf.div(dy, f32(x))),
  ofInput(tf.Log1p, (dy, x) => tf.div(dy, tf.add(x, 1))),
  ofInput(tf.Sqrt, (dy, x) => tf.div(dy, tf.mul(tf.sqrt(f32(x)), 2))),
  ofInput(tf.Rsqrt, (dy, x) => tf.neg(tf.div(dy, tf.mul(tf.pow(x, 1.5), 2)))),
  ofInput(tf.Square, (dy, x) => tf.mul(dy, tf.mul(f32(x), 2))),
  ofInput(tf.Reciprocal, (dy, x) => tf.div(dy, tf.neg(tf.square(x)))),
  ofOutput(tf.Tanh, (dy, y) => tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy)),
  ofOutput(tf.Sigmoid, (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)))),
  ofInput(tf.Softplus, (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  ofInput(tf.Relu, (dy, x) => tf.mul(dy, f32(tf.step(x)))),
  ofInput(tf.Relu6, (dy, x) => tf.mul(dy, f32(tf.mul(tf.lessEqual(x, 6), tf.step(x))))),
  // EluGrad has no public op: run the kernel, as tfjs's own gradient does.
  ofOutput(tf.Elu, (dy, y) => tf.engine().runKernel(tf.EluGrad, { dy, y }) as tf.Tensor),
  ofInput(tf.Erf, (dy, x) => {
    const a = tf.mul(tf.exp(tf.neg(tf.square(x))), 2 / Math.sqrt(Math.PI));
    return tf.mul(dy, a);
  }),
  ofInput(tf.Sin, (dy, x) => tf.mul(tf.cos(f32(x)), dy)),
  ofInput(tf.Cos, (dy, x) => tf.mul(tf.neg(tf.sin(f32(x))), dy)),
];

const leakyRelu: GradConfig = {
  kernelName: tf.LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const mask = tf.greater(x, 0);
    return { x: () => tf.where(mask, dy as tf.Tensor, tf.mul(dy as tf.Tensor, attrs.alpha as number)) };
  },
};

const clipByValue: GradConfig = {
  kernelName: tf.ClipByValue,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const { clipValueMin, clipValueMax } = attrs as { clipValueMin: number; clipValueMax: number };
    const inside = () => tf.logicalAnd(tf.greaterEqual(x, clipValueMin), tf.lessEqual(x, clipValueMax));
    return { x: () => tf.where(inside(), dy as tf.Tensor, tf.zerosLike(dy as tf.Tensor)) };
  },
};

const PASS_THROUGH: GradConfig[] = [
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => (dy as tf.Tensor).clone() }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => f32(dy as tf.Tensor) }) },
];

const ZERO: GradConfig[] = [
  ...[tf.Floor, tf.Ceil, tf.Round, tf.Sign, tf.Step, tf.ZerosLike, tf.OnesLike].map(zero),
  ...[tf.IsNan, tf.IsInf, tf.IsFinite].map(zero),
  {
    kernelName: tf.GreaterEqual,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, [a, b]: Saved) => ({ a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) }),
  },
];

export const UNARY_GRADIENTS: GradConfig[] = [...ELEMENTWISE, leakyRelu, clipByValue, ...PASS_THROUGH, ...ZERO];
