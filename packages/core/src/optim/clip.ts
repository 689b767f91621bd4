import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { type GradMap, toGradMap } from './grads';

/**
 * Device-side gradient helpers. None of them reads data back (no dataSync),
 * so a training step can stay asynchronous; none disposes its inputs.
 */

/**
 * Global L2 norm sqrt(Σ‖g‖²) over all gradients, as a new scalar the caller
 * disposes (0 for no gradients). Like torch's clip_grad_norm_ it takes each
 * tensor's norm first; the float32 reductions differ from torch's by rounding.
 */
export function globalNorm(grads: GradMap): tf.Scalar {
  const list = [...toGradMap(grads).values()];
  return tf.tidy(() => {
    if (list.length === 0) return tf.scalar(0);
    const squares = list.map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(tf.sum(tf.stack(squares))) as tf.Scalar;
  });
}

/** A new bool scalar: true when any gradient holds a NaN or ±Inf. */
export function hasNonFinite(grads: GradMap): tf.Scalar {
  const list = [...toGradMap(grads).values()];
  return tf.tidy(() => {
    if (list.length === 0) return tf.scalar(false, 'bool');
    // Per tensor, not via the norm: a finite but huge gradient squares to Inf.
    const allFinite = list.map((g) => tf.all(tf.isFinite(g)));
    return tf.logicalNot(tf.all(tf.stack(allFinite))) as tf.Scalar;
  });
}

export interface ClipResult {
  /** Same names as the input; NEW tensors (even when nothing was clipped). */
  grads: Map<string, tf.Tensor>;
  /** The global norm BEFORE clipping (what torch's clip_grad_norm_ returns). */
  norm: tf.Scalar;
}

/**
 * torch.nn.utils.clip_grad_norm_(params, maxNorm) with norm 2 (torch 1.5, as
 * used by the transformers 2.11 Trainer): coef = maxNorm/(total + 1e-6), and
 * every gradient is multiplied by coef when coef < 1.
 *
 * Ownership: the input gradients are left alone (dispose them yourself);
 * every tensor in the result — each gradient and the norm — is new and the
 * caller must dispose it. The comparison happens on the device: the factor is
 * where(coef < 1, coef, 1), so an unclipped gradient is multiplied by exactly
 * 1 and keeps its values bit for bit, and a NaN norm leaves gradients as they
 * are (NaN < 1 is false, as in torch 1.5).
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): ClipResult {
  if (!(Number.isFinite(maxNorm) && maxNorm > 0)) {
    throw new CamtlError('BAD_INPUT', `clipByGlobalNorm: maxNorm must be a finite number > 0, got ${maxNorm}`);
  }
  const names = [...grads.keys()];
  // tidy cannot return a Map: pass [norm, ...grads] out and rebuild.
  const [norm, ...clipped] = tf.tidy(() => {
    const total = globalNorm(grads);
    const coef = tf.div(maxNorm, tf.add(total, 1e-6));
    const factor = tf.where(tf.less(coef, 1), coef, tf.onesLike(coef));
    return [total, ...names.map((n) => tf.mul(grads.get(n)!, factor))];
  });
  return { grads: new Map(names.map((n, i) => [n, clipped[i]])), norm: norm as tf.Scalar };
}
