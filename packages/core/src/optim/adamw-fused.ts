import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { simdKernelReady, type AdamWAttrs } from '../kernels/simd/simd-kernels';

/** What one fused update needs of an AdamW slot. */
export interface FusedSlot {
  param: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
  /** This parameter's update count, already incremented. */
  t: number;
  decays: boolean;
}

export interface FusedConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  correctBias: boolean;
  variant: 'hf' | 'torch';
}

/**
 * One AdamW update as a single kernel (wasm SIMD: one pass instead of ~10
 * tensor ops and their allocations). The scalars are the ones AdamW's tensor
 * ops use, and the kernel applies them in the same order in float32, so the
 * parameters and moments come out bit for bit the same. Returns false (and
 * does nothing) where the kernel cannot run; the caller then uses the ops.
 */
export function fusedAdamWUpdate(s: FusedSlot, grad: tf.Tensor, lr: number, cfg: FusedConfig): boolean {
  if (grad.dtype !== 'float32' || !simdKernelReady('CamtlAdamW')) return false;
  const { beta1, beta2, weightDecay } = cfg;
  const torch = cfg.variant === 'torch';
  const bc1 = 1 - beta1 ** s.t;
  const hfStep = cfg.correctBias ? (lr * Math.sqrt(1 - beta2 ** s.t)) / bc1 : lr;
  const attrs: AdamWAttrs = {
    beta1,
    oneMinusBeta1: 1 - beta1,
    beta2,
    oneMinusBeta2: 1 - beta2,
    biasCorrection2: torch ? Math.sqrt(1 - beta2 ** s.t) : 1,
    eps: cfg.eps,
    stepSize: torch ? lr / bc1 : hfStep,
    decay: torch ? 1 - lr * weightDecay : -lr * weightDecay,
    torch,
    decays: weightDecay > 0 && s.decays,
  };
  const inputs = { param: s.param, m: s.m, v: s.v, grad };
  const [p, m, v] = tf.engine().runKernel('CamtlAdamW', inputs, attrs as unknown as NamedAttrMap) as tf.Tensor[];
  s.param.assign(p);
  s.m.assign(m);
  s.v.assign(v);
  tf.dispose([p, m, v]);
  return true;
}
