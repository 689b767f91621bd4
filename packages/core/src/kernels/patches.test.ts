import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { diffsFromCpu, matMulCombinations } from '../testing/backend-cases';
import { maxAbsDiff } from '../testing/fixtures';
import { applyKernelPatches, isKernelPatched, listKernelPatches } from './patches';

async function on<T>(backend: string, f: () => T): Promise<T> {
  await useBackend(backend);
  return f();
}

function fixed(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed); // same values on every backend
}

describe('wasm kernel patches', () => {
  it('are registered once and idempotently', async () => {
    await useBackend('wasm');
    expect(
      listKernelPatches('wasm')
        .map((p) => p.kernelName)
        .sort(),
    ).toEqual([
      'BatchMatMul',
      'CamtlAdamW',
      'CamtlGelu',
      'CamtlGeluGrad',
      'CamtlLayerNorm',
      'CamtlLayerNormGrad',
      'GatherV2',
      'Identity',
      'Sum',
      'UnsortedSegmentSum',
      '_FusedMatMul',
    ]);
    expect(isKernelPatched('UnsortedSegmentSum', 'wasm')).toBe(true);
    expect(isKernelPatched('BatchMatMul', 'wasm')).toBe(true);
    expect(applyKernelPatches('wasm')).toEqual([]);
    expect(isKernelPatched('BatchMatMul', 'cpu')).toBe(false);
  });

  it('UnsortedSegmentSum equals the cpu kernel, incl. the gather gradient', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = fixed([6, 3, 2], 1);
        const seg = tf.tensor1d([0, 2, 2, 4, 0, 1], 'int32');
        const sum = tf.unsortedSegmentSum(x, seg, 5);
        const table = fixed([7, 4], 2);
        const g = tf.grad((t: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.gather(
                t,
                tf.tensor2d(
                  [
                    [1, 3],
                    [3, 6],
                  ],
                  [2, 2],
                  'int32',
                ),
              ),
              fixed([2, 2, 4], 3),
            ),
          ),
        )(table);
        return [Array.from(sum.dataSync()), Array.from(g.dataSync())];
      });
    // Both backends run camtl's scatter-add (cpu's stock kernel is a pass per segment): check it against plain JS.
    const [x, w] = await on('cpu', () =>
      tf.tidy(() => [fixed([6, 3, 2], 1), fixed([2, 2, 4], 3)].map((t) => Array.from(t.dataSync()))),
    );
    const wantSum = new Array<number>(5 * 6).fill(0);
    [0, 2, 2, 4, 0, 1].forEach((s, i) => x.slice(i * 6, i * 6 + 6).forEach((v, k) => (wantSum[s * 6 + k] += v)));
    const wantGrad = new Array<number>(7 * 4).fill(0);
    [1, 3, 3, 6].forEach((r, p) => w.slice(p * 4, p * 4 + 4).forEach((v, k) => (wantGrad[r * 4 + k] += v)));
    for (const backend of ['cpu', 'wasm']) {
      const [sum, grad] = await on(backend, run);
      expect(isKernelPatched('UnsortedSegmentSum', backend)).toBe(true);
      expect(maxAbsDiff(sum, wantSum)).toBeLessThan(1e-6);
      expect(maxAbsDiff(grad, wantGrad)).toBeLessThan(1e-6);
    }
  });

  it('Sum over leading axes (bias and LayerNorm gradients) equals the cpu kernel; other sums keep the stock kernel', async () => {
    const sums = () => [
      tf.sum(fixed([37, 9], 21), 0),
      tf.sum(fixed([4, 6, 5], 22), [0, 1]),
      tf.sum(fixed([4, 6, 5], 23), [1, 0], true),
      tf.sum(fixed([4, 6, 5], 24), -3),
      tf.sum(fixed([4, 6, 5], 25), [0, 2]), // not leading: stock
      tf.sum(fixed([4, 6, 5], 26), -1),
      tf.sum(fixed([4, 6, 5], 27)),
      tf.sum(
        tf.tensor2d(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          'int32',
        ),
        0,
      ),
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.add(x, fixed([5], 28)), fixed([3, 5], 29))))(fixed([3, 5], 30)),
    ];
    const shapes = await on('wasm', () => tf.tidy(() => sums().map((t) => t.shape)));
    expect(shapes).toEqual([[9], [5], [1, 1, 5], [6, 5], [6], [4, 6], [], [2], [3, 5]]);
    // A sum used as the bias of a fused product: tfjs-wasm reads the bias rank from its buffer's shape.
    const fusedWithSum = () =>
      tf.tidy(() =>
        Array.from(
          tf.fused
            .matMul({
              a: fixed([3, 4], 31) as tf.Tensor2D,
              b: fixed([4, 5], 32) as tf.Tensor2D,
              bias: tf.sum(fixed([6, 5], 33), 0),
            })
            .dataSync(),
        ),
      );
    expect(maxAbsDiff(await on('wasm', fusedWithSum), await on('cpu', fusedWithSum))).toBeLessThan(1e-5);
    const diffs = await diffsFromCpu(sums, 'wasm', useBackend);
    diffs.forEach((d, i) => expect(d, `sum ${i}`).toBeLessThan(1e-5));
    expect(isKernelPatched('Sum', 'wasm')).toBe(true);
  });

  it('GatherV2 along axis 0 (embedding lookups) equals the cpu kernel; other gathers keep the stock kernel', async () => {
    const gathers = () => {
      const table = fixed([11, 3, 2], 31);
      const ids = tf.tensor2d(
        [
          [4, 0, 10],
          [10, 2, 2],
        ],
        [2, 3],
        'int32',
      );
      return [
        tf.gather(table, ids), // [2, 3, 3, 2]
        tf.gather(fixed([9, 4], 32), tf.tensor1d([8, 0], 'int32')),
        tf.gather(fixed([9, 4], 33), tf.tensor1d([], 'int32')),
        tf.gather(fixed([5, 4], 34), tf.tensor1d([3, 1], 'int32'), 1), // another axis: stock
        tf.gather(
          tf.tensor2d(
            [
              [1, 2],
              [3, 4],
            ],
            [2, 2],
            'int32',
          ),
          tf.tensor1d([1], 'int32'),
        ), // int data: stock
        tf.gather(
          fixed([2, 5, 4], 35),
          tf.tensor2d(
            [
              [0, 4],
              [2, 2],
            ],
            [2, 2],
            'int32',
          ),
          1,
          1,
        ), // batch dims: stock
      ];
    };
    const shapes = await on('wasm', () => tf.tidy(() => gathers().map((t) => t.shape)));
    expect(shapes).toEqual([
      [2, 3, 3, 2],
      [2, 4],
      [0, 4],
      [5, 2],
      [1, 2],
      [2, 2, 4],
    ]);
    const diffs = await diffsFromCpu(gathers, 'wasm', useBackend);
    diffs.forEach((d, i) => expect(d, `gather ${i}`).toBe(0));
    expect(isKernelPatched('GatherV2', 'wasm')).toBe(true);
  });

  it('transposed BatchMatMul and fused MatMul equal the cpu kernels', async () => {
    const diffs = await diffsFromCpu(matMulCombinations, 'wasm', useBackend);
    diffs.forEach((d, i) => expect(d, `product ${i}`).toBeLessThan(1e-5));
  });

  it('batched and broadcast products (attention shapes) equal the cpu kernels, forward and backward', async () => {
    const run = () =>
      tf.tidy(() => {
        const q = fixed([2, 3, 7, 4], 11); // [B, h, S, d]
        const k = fixed([2, 3, 7, 4], 12);
        const w = fixed([1, 4, 6], 13); // broadcast over the batch
        const bias = fixed([6], 14);
        const [gq, gk] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, true))))([
          q,
          k,
        ]);
        const fused = tf.fused.matMul({
          a: tf.reshape(q, [6, 7, 4]) as tf.Tensor3D,
          b: tf.tile(w, [6, 1, 1]) as tf.Tensor3D,
          bias,
          activation: 'relu',
        });
        const dy = fixed([64, 32], 15); // a weight gradient dyᵀ·x, computed as (xᵀ·dy)ᵀ
        const x = fixed([64, 4], 16);
        const dW = tf.matMul(dy, x, true, false);
        return [tf.matMul(q, k, false, true), tf.matMul(tf.reshape(q, [6, 7, 4]), w), gq, gk, fused, dW].map((t) =>
          Array.from(t.dataSync()),
        );
      });
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    cpu.forEach((c, i) => expect(maxAbsDiff(wasm[i], c)).toBeLessThan(1e-5));
  });

  it('transposed operands with sides of 4k (the SIMD transpose) equal the cpu kernels', async () => {
    const run = () =>
      tf.tidy(() =>
        [
          tf.matMul(fixed([3, 8, 12], 41), fixed([3, 8, 16], 42), true, false), // batched Aᵀ·B
          tf.matMul(fixed([3, 12, 8], 43), fixed([3, 16, 8], 44), false, true), // batched A·Bᵀ
          tf.matMul(fixed([64, 32], 45), fixed([64, 8], 46), true, false), // a weight gradient
          tf.matMul(fixed([20, 12], 47), fixed([16, 12], 48), false, true), // linear: x·Wᵀ
        ].map((t) => Array.from(t.dataSync())),
      );
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    cpu.forEach((c, i) => expect(maxAbsDiff(wasm[i], c), `product ${i}`).toBeLessThan(1e-5));
  });

  it('Identity shares the buffer: clones outlive their source, variables stay independent', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(y);
    const snapshot = tf.clone(v);
    const next = tf.tensor1d([7, 8, 9]);
    v.assign(next);
    next.dispose();
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([y, v, snapshot]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leak no tensors', async () => {
    await useBackend('wasm');
    const a = fixed([3, 4], 1);
    const b = fixed([5, 4], 2);
    const c = fixed([4, 3, 4], 3); // batched: split into batch-1 products
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) tf.matMul(a, b, false, true).dispose();
    for (let i = 0; i < 3; i++) tf.matMul(c, c, true, false).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, c]);
  });
});
