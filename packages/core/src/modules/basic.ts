import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import type { Params } from '../params/store';
import type { ModuleContext } from './context';
import { dropoutMask } from './dropout-mask';
import { fusedGelu, fusedLayerNorm } from './fused';

/** y = x Wᵀ + b with W in HF layout [out, in]; x is [..., in]. */
export function linear(p: Params, x: tf.Tensor): tf.Tensor {
  const w = p.get('weight') as tf.Tensor2D; // [out, in]
  const bias = p.has('bias') ? p.get('bias') : undefined;
  const inDim = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const x2 = tf.reshape(x, [-1, inDim]) as tf.Tensor2D; // [N, in]
  const y = tf.fused.matMul({ a: x2, b: w, transposeB: true, bias }); // [N, out]
  return tf.reshape(y, [...lead, w.shape[0]]); // [..., out]
}

/** LayerNorm over the last axis with biased variance, as torch.nn.LayerNorm (one tape node: see fused.ts). */
export function layerNormWith(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  return fusedLayerNorm(x, weight, bias, eps);
}

export function layerNorm(p: Params, x: tf.Tensor, eps: number): tf.Tensor {
  return layerNormWith(x, p.get('weight'), p.get('bias'), eps);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Exact GELU, x·Φ(x) with erf, as HF's "gelu" (one tape node: see fused.ts). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return fusedGelu(x);
}

/** The tanh approximation (HF "gelu_new" / "gelu_pytorch_tanh"). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

export type Activation = (x: tf.Tensor) => tf.Tensor;

const ACTIVATIONS: Record<string, Activation> = {
  gelu,
  gelu_new: geluTanh,
  gelu_pytorch_tanh: geluTanh,
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  linear: (x) => x,
  identity: (x) => x,
};

export function activationNames(): string[] {
  return Object.keys(ACTIVATIONS);
}

export function getActivation(name: string): Activation {
  const f = ACTIVATIONS[name];
  if (!f) {
    throw new CamtlError('BAD_CONFIG', `unknown activation "${name}"`, `use one of: ${activationNames().join(', ')}`);
  }
  return f;
}

/**
 * Inverted dropout, seeded from ctx.rng so training runs are reproducible: x
 * times a scaled keep mask drawn in JS (see dropout-mask.ts), the same on
 * every backend. The mask is a constant, so the gradient is dy · mask.
 */
export function dropout(x: tf.Tensor, rate: number, ctx: ModuleContext): tf.Tensor {
  if (!ctx.training || rate <= 0) return x;
  if (!ctx.rng) throw new CamtlError('BAD_INPUT', 'dropout in training mode needs ctx.rng (a seeded Rng)');
  if (rate >= 1) throw new CamtlError('BAD_CONFIG', `dropout rate must be below 1, got ${rate}`);
  return tf.mul(x, tf.tensor(dropoutMask(x.size, rate, ctx.rng.seed()), x.shape, 'float32'));
}

/**
 * float32 one-hot [N, depth]; tf.oneHot refuses depth 1, which a single task
 * (or an all-regression head table) legitimately has.
 */
export function oneHotFloat(indices: tf.Tensor, depth: number): tf.Tensor {
  if (depth === 1) return tf.ones([indices.shape[0] ?? 1, 1]);
  return tf.cast(tf.oneHot(tf.cast(indices, 'int32') as tf.Tensor1D, depth), 'float32');
}
