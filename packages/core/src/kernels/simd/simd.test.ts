import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../backend';
import { fusedGelu, fusedLayerNorm } from '../../modules/fused';
import { AdamW, type AdamWOptions } from '../../optim/adamw';
import { maxAbsDiff } from '../../testing/fixtures';
import { simdKernelReady } from './simd-kernels';

/** Values that exercise erf's tails, zero, and a length that is not a multiple of 4. */
function inputs(): Float32Array {
  const xs = [0, -0, 1e-8, -1e-8, 0.5, -0.5, 3, -3, 8, -8, 12, -12, 40, -40, 1e4, -1e4];
  for (let i = 0; i < 1003; i++) xs.push(Math.sin(i * 12.9898) * 6);
  return Float32Array.from(xs);
}

/** erf in float64: its Taylor series near 0, a continued fraction for erfc in the tails. */
function erf64(x: number): number {
  const z = Math.abs(x);
  if (z < 2.5) {
    let sum = 0;
    let term = z;
    for (let n = 0; n < 80; n++) {
      sum += term / (2 * n + 1);
      term *= (-z * z) / (n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let t = z;
  for (let k = 80; k >= 1; k--) t = z + k / 2 / t;
  return Math.sign(x) * (1 - Math.exp(-z * z) / Math.sqrt(Math.PI) / t);
}

describe('camtl SIMD kernels on wasm', () => {
  it('load on the wasm backend (threaded build: shared memory) and not elsewhere', async () => {
    await useBackend('wasm');
    expect(simdKernelReady('CamtlGelu')).toBe(true);
    expect(simdKernelReady('CamtlAdamW')).toBe(true);
    await useBackend('cpu');
    expect(simdKernelReady('CamtlGelu')).toBe(false);
  });

  it('GELU and its gradient match float64 within 2e-7·max(1, |x|), tails and all', async () => {
    await useBackend('wasm');
    const xs = inputs();
    const dys = xs.map((_, i) => ((i % 7) - 3) / 3);
    const [y, dx] = tf.tidy(() => {
      const x = tf.tensor1d(xs);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(fusedGelu(t), tf.tensor1d(dys))))(x);
      return [fusedGelu(x).dataSync(), g.dataSync()];
    });
    xs.forEach((x, i) => {
      const cdf = 0.5 * (1 + erf64(x / Math.SQRT2));
      const pdf = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
      expect(Math.abs(y[i] - x * cdf), `gelu(${x})`).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(x)));
      expect(Math.abs(dx[i] - dys[i] * (cdf + x * pdf)), `gelu'(${x})`).toBeLessThanOrEqual(
        3e-7 * Math.max(1, Math.abs(x)),
      );
    });
  });

  it('GELU equals the tensor-op path on cpu within 1e-6', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([3, 5, 7], 0, 2, 'float32', 4);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(fusedGelu(t))))(x);
        return [fusedGelu(x).dataSync(), g.dataSync()].map((a) => Array.from(a));
      });
    await useBackend('cpu');
    const cpu = run();
    await useBackend('wasm');
    const wasm = run();
    expect(maxAbsDiff(wasm[0], cpu[0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(wasm[1], cpu[1])).toBeLessThan(1e-6);
  });

  it('LayerNorm and its gradients equal the tensor-op path on cpu within 1e-5; CLN-shaped weights keep the ops', async () => {
    const cases = (): Array<[number[], number[]]> => [
      [[3, 5, 8], [8]],
      [[2, 256], [256]],
      [[2, 3, 6], [6]], // last axis not a multiple of 4: ops
      [
        [2, 3, 8],
        [2, 1, 8],
      ], // per-example weight (conditional layer norm): ops
    ];
    const run = async () => {
      const names = new Set<string>();
      const out: number[][] = [];
      for (const [i, [shape, wShape]] of cases().entries()) {
        const info = await tf.profile(() =>
          tf.tidy(() => {
            const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 40 + i), 3), 1);
            const w = tf.randomNormal(wShape, 1, 0.2, 'float32', 50 + i);
            const b = tf.randomNormal(wShape, 0, 0.2, 'float32', 60 + i);
            const dy = tf.randomNormal(shape, 0, 1, 'float32', 70 + i);
            const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(fusedLayerNorm(a, c, d, 1e-12), dy));
            const grads = tf.grads(f)([x, w, b]);
            out.push(...[fusedLayerNorm(x, w, b, 1e-12), ...grads].map((t) => Array.from(t.dataSync())));
          }),
        );
        info.kernelNames.forEach((k) => names.add(`${i}:${k}`));
      }
      return { out, names };
    };
    await useBackend('cpu');
    const cpu = await run();
    await useBackend('wasm');
    const wasm = await run();
    wasm.out.forEach((w, i) => expect(maxAbsDiff(w, cpu.out[i]), `output ${i}`).toBeLessThan(1e-5));
    for (const i of [0, 1]) expect(wasm.names.has(`${i}:CamtlLayerNormGrad`), `case ${i}`).toBe(true);
    for (const i of [2, 3]) expect(wasm.names.has(`${i}:CamtlLayerNorm`), `case ${i}`).toBe(false);
  });

  for (const options of [
    { variant: 'torch', weightDecay: 0.01 },
    { variant: 'hf', weightDecay: 0.01 },
    { variant: 'hf', weightDecay: 0, correctBias: false },
  ] as AdamWOptions[]) {
    it(`AdamW (${JSON.stringify(options)}) gives the same bits as its tensor ops on cpu`, async () => {
      const kernels = new Set<string>();
      const run = async () => {
        const params = new Map([
          ['w', tf.tidy(() => tf.variable(tf.randomNormal([7, 9], 0, 1, 'float32', 1)))],
          ['b.bias', tf.tidy(() => tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2)))],
        ]);
        const opt = new AdamW(params, { lr: 1e-3, ...options });
        for (let step = 0; step < 3; step++) {
          const grads = new Map(
            [...params].map(([n, p], i) => [n, tf.randomNormal(p.shape, 0, 1, 'float32', 100 + 10 * step + i)]),
          );
          (await tf.profile(() => opt.step(grads))).kernelNames.forEach((k) => kernels.add(k));
          tf.dispose([...grads.values()]);
        }
        const state = opt.getState();
        const out = [...params.values(), ...state.m.values(), ...state.v.values()].map((t) =>
          Array.from(t instanceof tf.Tensor ? t.dataSync() : t),
        );
        opt.dispose();
        tf.dispose([...params.values()]);
        return out;
      };
      await useBackend('cpu');
      const cpu = await run();
      expect(kernels.has('CamtlAdamW')).toBe(false);
      await useBackend('wasm');
      const before = tf.memory().numTensors;
      const wasm = await run();
      expect(tf.memory().numTensors).toBe(before);
      expect(kernels.has('CamtlAdamW')).toBe(true); // the fused kernel ran, not the ops
      wasm.forEach((w, i) => expect(w, `tensor ${i}`).toEqual(cpu[i]));
    });
  }

  it('the committed module is what kernels.wat compiles to (node scripts/build-simd.mjs)', async () => {
    // @ts-expect-error a plain .mjs script without types
    const { compileSimd } = await import('../../../scripts/build-simd.mjs');
    const committed = readFileSync(new URL('./kernels-wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await compileSimd());
  });
});
