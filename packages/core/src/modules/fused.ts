import * as tf from '@tensorflow/tfjs-core';
import { simdKernelReady } from '../kernels/simd/simd-kernels';

/**
 * LayerNorm and exact GELU as single tape nodes (tf.customGrad). Autodiff of
 * the decomposed ops keeps every intermediate (and its gradient) alive until
 * the backward pass ends: for a bert-mini step that is most of the peak
 * memory, and many extra element-wise passes. Here the forward's temporaries
 * are freed at once, only the inputs are saved, and the backward is the
 * closed form. Same maths; float32 rounding differs at ~1e-7.
 */

/** Sums `g` down to `shape` (undoing broadcasting), as tfjs's own gradients do. */
function reduceTo(g: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, g.shape);
  return tf.reshape(axes.length ? tf.sum(g, axes) : g, shape);
}

/** (x − mean)·rstd over the last axis, with rstd = 1/√(var + eps) [..., 1]. */
function normalize(x: tf.Tensor, eps: number) {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  return { xhat: tf.mul(tf.sub(x, mean), rstd), rstd };
}

/**
 * torch.nn.LayerNorm over the last axis (biased variance); weight and bias
 * broadcast against x (per-example [B, 1, H] for conditional layer norm).
 * Backward: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·weight.
 */
export function fusedLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  return simdLayerNormFits(x, weight, bias)
    ? simdLayerNorm(x, weight, bias, eps)
    : compositeLayerNorm(x, weight, bias, eps);
}

function compositeLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, w, b] = args as tf.Tensor[];
    (args[3] as tf.GradSaveFunc)([xs, w]);
    const value = tf.add(tf.mul(normalize(xs, eps).xhat, w), b);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x0, w0] = saved;
      const { xhat, rstd } = normalize(x0, eps);
      const g = tf.mul(dy, w0);
      const meanG = tf.mean(g, -1, true);
      const meanGx = tf.mean(tf.mul(g, xhat), -1, true);
      const dx = tf.mul(rstd, tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGx)));
      return [reduceTo(dx, x0.shape), reduceTo(tf.mul(dy, xhat), w0.shape), reduceTo(dy, b.shape)];
    };
    return { value, gradFunc };
  });
  return f(x, weight, bias);
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Φ(x) = ½(1 + erf(x/√2)). */
const normalCdf = (x: tf.Tensor) => tf.mul(tf.add(tf.erf(tf.mul(x, SQRT1_2)), 1), 0.5);

/** Exact GELU x·Φ(x); backward dy·(Φ(x) + x·φ(x)), recomputed from the saved x. */
const compositeGelu: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  const gradFunc = (dy: tf.Tensor, [x0]: tf.Tensor[]) => {
    const pdf = tf.mul(tf.exp(tf.mul(tf.square(x0), -0.5)), INV_SQRT_2PI);
    return tf.mul(dy, tf.add(normalCdf(x0), tf.mul(x0, pdf)));
  };
  return { value: tf.mul(x, normalCdf(x)), gradFunc };
});

/** The same node with camtl's SIMD kernels (wasm): one pass forward, one backward. */
const simdGelu: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  const gradFunc = (dy: tf.Tensor, [x0]: tf.Tensor[]) => tf.engine().runKernel('CamtlGeluGrad', { x: x0, dy }, {});
  return { value: tf.engine().runKernel('CamtlGelu', { x }, {}) as tf.Tensor, gradFunc: gradFunc as never };
});

/** Exact GELU as one tape node: SIMD kernels where they run, tensor ops elsewhere. */
export function fusedGelu(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' && simdKernelReady('CamtlGelu') && simdKernelReady('CamtlGeluGrad')
    ? simdGelu(x)
    : compositeGelu(x);
}

/** The SIMD kernels take a float32 x with a last axis of 4k and one weight and bias [h] (not CLN's per-example ones). */
function simdLayerNormFits(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): boolean {
  const h = x.shape[x.rank - 1];
  const vector = (t: tf.Tensor) => t.rank === 1 && t.shape[0] === h && t.dtype === 'float32';
  return (
    x.dtype === 'float32' &&
    h % 4 === 0 &&
    x.size > 0 &&
    vector(weight) &&
    vector(bias) &&
    simdKernelReady('CamtlLayerNorm') &&
    simdKernelReady('CamtlLayerNormGrad')
  );
}

function simdLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, w, b] = args as tf.Tensor[];
    (args[3] as tf.GradSaveFunc)([xs, w]);
    const value = tf.engine().runKernel('CamtlLayerNorm', { x: xs, weight: w, bias: b }, { eps }) as tf.Tensor;
    const gradFunc = (dy: tf.Tensor, [x0, w0]: tf.Tensor[]) =>
      tf.engine().runKernel('CamtlLayerNormGrad', { x: x0, weight: w0, dy }, { eps }) as tf.Tensor[];
    return { value, gradFunc };
  });
  return f(x, weight, bias);
}
