// Test-only: random parameter stores and tensors, and the row-by-row check
// that a mixed-task batch computes what each example computes alone.
import * as tf from '@tensorflow/tfjs-core';
import { initTensor, normal } from '../params/init';
import { instantiate, type ParamSpec } from '../params/spec';
import type { ParamStore } from '../params/store';
import { Rng } from '../rng';
import { expect } from 'vitest';

/** A store from specs, then every parameter overwritten with N(0, std²) so nothing is trivially 0 or 1. */
export function randomStore(specs: ParamSpec[], seed = 1, std = 0.3): ParamStore {
  const rng = new Rng(seed);
  const store = instantiate(specs, rng);
  for (const v of store.vars.values()) {
    const noise = initTensor(normal(std), v.shape, rng);
    tf.tidy(() => v.assign(tf.add(v, noise)));
    noise.dispose();
  }
  return store;
}

export function randn(shape: number[], seed: number, std = 1): tf.Tensor {
  return initTensor(normal(std), shape, new Rng(seed));
}

/** Row-slices of the leading axis. */
export function row<T extends tf.Tensor>(t: T, b: number): T {
  return tf.slice(t, [b, ...Array(t.rank - 1).fill(0)], [1, ...t.shape.slice(1)]) as T;
}

/** `run` on the whole batch equals `run` on each example alone, row by row (within 1e-5). */
export function expectRowByRow(B: number, run: (pick: <T extends tf.Tensor>(t: T) => T) => tf.Tensor): void {
  const whole = run((t) => t);
  for (let b = 0; b < B; b++) {
    const alone = run((t) => row(t, b));
    const diff = tf.max(tf.abs(tf.sub(row(whole, b), alone))).dataSync()[0];
    expect(diff, `row ${b}`).toBeLessThan(1e-5);
  }
}

/** Runs forward+backward `n` times and checks that no tensor leaks between runs. */
export function expectNoLeak(step: () => void, n = 4): void {
  step(); // warm-up: kernels and backend caches
  const before = tf.memory().numTensors;
  for (let i = 0; i < n; i++) step();
  expect(tf.memory().numTensors).toBe(before);
}
