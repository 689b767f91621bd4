import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { Rng } from '../rng';
import { dropout } from './basic';
import { trainContext } from './context';
import { dropoutMask } from './dropout-mask';

describe('dropoutMask', () => {
  it('drops each element with probability rate and scales the rest by 1/(1 − rate)', () => {
    for (const rate of [0.1, 0.5]) {
      const mask = dropoutMask(200_000, rate, 7);
      const keep = 1 / (1 - rate);
      expect(mask.every((v) => v === 0 || v === Math.fround(keep))).toBe(true);
      const dropped = mask.filter((v) => v === 0).length / mask.length;
      expect(Math.abs(dropped - rate)).toBeLessThan(0.005); // 5 σ at n = 2e5
    }
  });

  it('is a function of the seed, and neighbouring seeds give unrelated masks', () => {
    expect(dropoutMask(1000, 0.1, 3)).toEqual(dropoutMask(1000, 0.1, 3));
    const [a, b] = [dropoutMask(10_000, 0.5, 3), dropoutMask(10_000, 0.5, 4)];
    const same = a.filter((v, i) => v === b[i]).length / a.length;
    expect(Math.abs(same - 0.5)).toBeLessThan(0.03);
  });

  it('has no short period: no two 64-element windows of a long mask repeat', () => {
    const m = dropoutMask(64 * 4096, 0.5, 1);
    const seen = new Set<string>();
    for (let i = 0; i < m.length; i += 64) seen.add(m.subarray(i, i + 64).join());
    expect(seen.size).toBe(4096);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => dropoutMask(4, 1, 0)).toThrow(/\[0, 1\)/);
    expect(() => dropoutMask(4, -0.1, 0)).toThrow(/\[0, 1\)/);
  });
});

describe('dropout', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`on ${backend}: the same mask on every backend, and its gradient is dy · mask`, async () => {
      await useBackend(backend);
      const x = tf.randomNormal([4, 8, 16], 0, 1, 'float32', 2);
      const rng = new Rng(5);
      const seed = new Rng(5).seed();
      const mask = dropoutMask(x.size, 0.1, seed);
      const [y, g] = tf.tidy(() => {
        const out = dropout(x, 0.1, trainContext(rng));
        const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(dropout(t, 0.1, trainContext(new Rng(5))), 3)))(x);
        return [out.dataSync(), grad.dataSync()];
      });
      const xs = x.dataSync();
      expect(Array.from(y)).toEqual(Array.from(xs, (v, i) => Math.fround(v * mask[i])));
      expect(Array.from(g)).toEqual(Array.from(mask, (m) => Math.fround(3 * m)));
      x.dispose();
    });
  }
});
