import type * as tf from '@tensorflow/tfjs-core';
import { CamtlError, getActivation, linear, normal, zeros, type ParamSpec, type Params } from '@camtl/core';
import { film, filmSpecs } from '@camtl/core';

/**
 * The reference `ConditionalBottleNeck` (CA-MTL-base top layer, and the
 * CA-MTL-large parallel chain):
 *
 *   z″ = W_e z′ + b_e                              (`emb_transf`, Linear(H, H))
 *   x̃ = (1 + γ(z″)) ⊙ x + β(z″)                     (`hidden_modulation`, FiLM(H → H))
 *   out = W_up (W_down x̃ + b_down) + b_up         (`down_proj_layer` H → ⌊H/3⌋, `up_proj_layer` back)
 *
 * No non-linearity between down and up and no residual inside, by default
 * (the caller adds the residual: CLN₃(CB(z′, f) + a) in base).
 */
export interface BottleneckOptions {
  hiddenSize: number;
  /** Width of the condition z′; default hiddenSize. */
  conditionSize?: number;
  /** Units between down and up; default ⌊H/3⌋ as the reference. */
  bottleneckSize?: number;
  /** Activation between down and up (a core activation name); default none. */
  activation?: string;
  /** Std of every Linear weight init (CaMtl.init_weights: 0.02); biases start at 0. */
  std?: number;
}

export function bottleneckSize(options: BottleneckOptions): number {
  const size = options.bottleneckSize ?? Math.floor(options.hiddenSize / 3);
  if (!Number.isInteger(size) || size < 1) {
    throw new CamtlError('BAD_CONFIG', `conditional bottleneck size must be a positive integer, got ${size}`);
  }
  return size;
}

export function conditionalBottleneckSpecs(options: BottleneckOptions): ParamSpec[] {
  const H = options.hiddenSize;
  const C = options.conditionSize ?? H;
  const m = bottleneckSize(options);
  const std = options.std ?? 0.02;
  const lin = (name: string, out: number, inDim: number): ParamSpec[] => [
    { name: `${name}.weight`, shape: [out, inDim], init: normal(std) },
    { name: `${name}.bias`, shape: [out], init: zeros },
  ];
  return [
    ...lin('emb_transf', C, C),
    ...filmSpecs(C, H, std).map((s) => ({ ...s, name: `hidden_modulation.${s.name}` })),
    ...lin('down_proj_layer', m, H),
    ...lin('up_proj_layer', H, m),
  ];
}

/** CB(z′, x): x [B, …, H], condition z′ [B, d_c] (one row per example) → [B, …, H]. */
export function conditionalBottleneck(
  p: Params,
  x: tf.Tensor,
  condition: tf.Tensor2D,
  options: Pick<BottleneckOptions, 'activation'> = {},
): tf.Tensor {
  const z2 = linear(p.at('emb_transf'), condition) as tf.Tensor2D; // z″ [B, d_c]
  const modulated = film(p.at('hidden_modulation'), x, z2, { batched: true }); // [B, …, H]
  const down = linear(p.at('down_proj_layer'), modulated); // [B, …, m]
  const act = options.activation ? getActivation(options.activation) : (t: tf.Tensor) => t;
  return linear(p.at('up_proj_layer'), act(down)); // [B, …, H]
}
