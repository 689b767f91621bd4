// Test-only helpers (not exported from the package).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type ParamSpec } from '@camtl/core';

export interface JsTensor {
  shape: number[];
  data: Float32Array;
}

/** Random values for every spec (zeros-initialised ones too, so no parameter is trivially 0). */
export function randomValues(specs: ParamSpec[], seed: number, std = 0.3): Record<string, JsTensor> {
  const rng = new Rng(seed);
  const out: Record<string, JsTensor> = {};
  for (const s of specs) {
    const data = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
    out[s.name] = { shape: s.shape, data };
  }
  return out;
}

export function randomArray(shape: number[], seed: number, std = 1): JsTensor {
  return randomValues([{ name: 'x', shape, init: { kind: 'zeros' } }], seed, std).x;
}

export function toTensors(values: Record<string, JsTensor>): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v.data, v.shape, 'float32')]));
}

export function disposeAll(record: Record<string, tf.Tensor>): void {
  for (const t of Object.values(record)) t.dispose();
}
