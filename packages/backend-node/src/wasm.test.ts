import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { applyKernelPatches, isKernelPatched, listKernelPatches } from '@camtl/core';
import { diffsFromCpu, matMulCombinations, maxAbsDiff, tinyBertStep } from '@camtl/testkit';
import { useNodeBackend } from './select';
import { wasmBinaryFolder } from './wasm';
import { resolveWasmThreads } from './wasm-threads';
import { existsSync } from 'node:fs';

/** Selects `backend` the way camtl's Node users do: useNodeBackend (threaded wasm, kernel fixes). */
async function select(backend: string): Promise<void> {
  const r = await useNodeBackend({ prefer: backend });
  expect(r.backend).toBe(backend);
}

async function on<T>(backend: 'cpu' | 'wasm', f: () => T | Promise<T>): Promise<T> {
  await select(backend);
  return f();
}

/** Same values on every backend (seeded). */
function fixed(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

const PATCHED = [
  'UnsortedSegmentSum',
  'BatchMatMul',
  '_FusedMatMul',
  'Sum',
  'GatherV2',
  'CamtlGelu',
  'CamtlGeluGrad',
  'CamtlLayerNorm',
  'CamtlLayerNormGrad',
  'CamtlAdamW',
  'Identity',
];

describe('wasm through useNodeBackend', () => {
  it("loads the binaries from the package folder and reports SIMD and 'auto' threads", async () => {
    expect(existsSync(wasmBinaryFolder() + 'tfjs-backend-wasm-simd.wasm')).toBe(true);
    expect(existsSync(wasmBinaryFolder() + 'tfjs-backend-wasm-threaded-simd.wasm')).toBe(true);
    const threads = resolveWasmThreads(process.env.CAMTL_WASM_THREADS ?? 'auto'); // else min(2, cores)
    const r = await useNodeBackend({ prefer: 'wasm' });
    const detail = `SIMD, ${threads} thread${threads === 1 ? '' : 's'}`;
    expect(r).toMatchObject({ backend: 'wasm', choice: 'wasm', detail, skipped: [] });
    expect(r.notes.filter((n) => !n.startsWith('wasm threads'))).toEqual([
      'wasm kernel fixes: UnsortedSegmentSum, BatchMatMul, _FusedMatMul, Sum, GatherV2, Identity',
      'camtl SIMD kernels: Gelu, GeluGrad, LayerNorm, LayerNormGrad, AdamW',
    ]);
    expect(r.notes.filter((n) => n.startsWith('wasm threads'))).toEqual(
      threads > 1 ? [`wasm threads: ${threads} (tfjs's threaded SIMD build, workers started from a file)`] : [],
    );
  });

  it('registers the kernel patches once: selecting again changes nothing', async () => {
    await useNodeBackend({ prefer: 'wasm' });
    const before = PATCHED.map((k) => tf.getKernel(k, 'wasm'));
    await useNodeBackend({ prefer: 'wasm' });
    await useNodeBackend({ prefer: 'auto' });
    const after = PATCHED.map((k) => tf.getKernel(k, 'wasm'));
    after.forEach((k, i) => expect(k).toBe(before[i]));
    expect(listKernelPatches('wasm').length).toBe(PATCHED.length);
    for (const k of PATCHED) expect(isKernelPatched(k, 'wasm')).toBe(true);
    expect(applyKernelPatches('wasm')).toEqual([]);
    expect(isKernelPatched('BatchMatMul', 'cpu')).toBe(false);
  });

  it('matMul with every transpose combination (batched and fused) equals cpu', async () => {
    const diffs = await diffsFromCpu(matMulCombinations, 'wasm', select);
    diffs.forEach((d, i) => expect(d, `product ${i}`).toBeLessThan(1e-5));
  });

  it('gather gradients (UnsortedSegmentSum) equal cpu', async () => {
    const run = () =>
      tf.tidy(() => {
        const ids = tf.tensor2d(
          [
            [1, 3, 3],
            [0, 6, 1],
          ],
          [2, 3],
          'int32',
        );
        const w = fixed([2, 3, 4], 5);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(fixed([7, 4], 4));
        const s = tf.unsortedSegmentSum(fixed([5, 2], 6), tf.tensor1d([0, 2, 2, 4, 0], 'int32'), 5);
        return [Array.from(g.dataSync()), Array.from(s.dataSync())];
      });
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(maxAbsDiff(wasm[0], cpu[0])).toBeLessThan(1e-6);
    expect(maxAbsDiff(wasm[1], cpu[1])).toBeLessThan(1e-6);
  });

  it('a small BERT forward and backward equals cpu', async () => {
    const cpu = await on('cpu', () => tinyBertStep(7));
    const wasm = await on('wasm', () => tinyBertStep(7));
    expect(wasm.names).toEqual(cpu.names);
    expect(cpu.names.length).toBeGreaterThan(20);
    expect(maxAbsDiff(wasm.logits, cpu.logits)).toBeLessThan(1e-5);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5);
    cpu.grads.forEach((g, i) => expect(maxAbsDiff(wasm.grads[i], g), cpu.names[i]).toBeLessThan(1e-5));
  });
});
