import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng';

/**
 * Initialisers generate values in JS from a camtl Rng, so a seed gives the
 * same weights on every backend (tfjs's own random ops differ per backend).
 */
export type Initializer =
  | { kind: 'normal'; std: number; mean?: number; zeroRow?: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'constant'; value: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

export const zeros: Initializer = { kind: 'zeros' };
export const ones: Initializer = { kind: 'ones' };
export type NormalInit = Extract<Initializer, { kind: 'normal' }>;
export const normal = (std: number, mean = 0): NormalInit => ({ kind: 'normal', std, mean });
export const uniform = (low: number, high: number): Initializer => ({ kind: 'uniform', low, high });
export const constant = (value: number): Initializer => ({ kind: 'constant', value });

/** PyTorch's default nn.Linear init for weight and bias: U(±1/√fan_in). */
export const torchLinearDefault = (fanIn: number): Initializer => uniform(-1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));

export function initValues(init: Initializer, size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'uniform':
      for (let i = 0; i < size; i++) out[i] = init.low + (init.high - init.low) * rng.next();
      return out;
    case 'normal':
      for (let i = 0; i < size; i++) out[i] = (init.mean ?? 0) + init.std * rng.normal();
      return out;
  }
}

export function initTensor(init: Initializer, shape: number[], rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = initValues(init, size, rng);
  // HF zeroes the padding row of nn.Embedding(padding_idx) after the normal init.
  if (init.kind === 'normal' && init.zeroRow !== undefined && shape.length >= 1) {
    const row = size / shape[0];
    values.fill(0, init.zeroRow * row, (init.zeroRow + 1) * row);
  }
  return tf.tensor(values, shape, 'float32');
}
