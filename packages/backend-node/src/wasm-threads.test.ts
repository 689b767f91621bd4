// The threaded-SIMD wasm build in Node (wasmThreads), against tfjs's stock
// single-threaded SIMD build in the same process. Plain-Node runs (ESM, CJS,
// clean exit, the fallback) are in dist.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { isCamtlError } from '@camtl/core';
import { maxAbsDiff } from '@camtl/testkit';
import { useNodeBackend } from './select';
import { WASM_MAX_THREADS, resolveWasmThreads } from './wasm-threads';

type Factory = () => tf.KernelBackend | Promise<tf.KernelBackend>;
const registry = () =>
  (tf.engine() as unknown as { registryFactory: Record<string, { factory: Factory }> }).registryFactory;

// tfjs's own factory for 'wasm', taken before useNodeBackend replaces it: the
// single-threaded SIMD build, registered below as the reference 'wasm-1t'.
const stockFactory = registry().wasm.factory;

describe('resolveWasmThreads', () => {
  it("'auto' is min(2, cores); numbers 1–8 pass; anything else is BAD_INPUT", () => {
    expect(resolveWasmThreads('auto', 1)).toBe(1);
    expect(resolveWasmThreads('auto', 2)).toBe(2);
    expect(resolveWasmThreads('auto', 64)).toBe(2);
    expect(resolveWasmThreads(undefined, 8)).toBe(2);
    expect(resolveWasmThreads(1)).toBe(1);
    expect(resolveWasmThreads(WASM_MAX_THREADS)).toBe(8);
    expect(resolveWasmThreads('3')).toBe(3);
    for (const bad of [0, 9, 1.5, -1, Number.NaN, 'two', '']) {
      let err: unknown;
      try {
        resolveWasmThreads(bad as number);
      } catch (e) {
        err = e;
      }
      expect(isCamtlError(err) && (err as { code: string }).code, String(bad)).toBe('BAD_INPUT');
    }
  });

  it('useNodeBackend rejects a bad wasmThreads or CAMTL_WASM_THREADS before trying anything', async () => {
    await expect(useNodeBackend({ prefer: 'cpu', wasmThreads: 0 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: "wasmThreads must be 'auto' or an integer from 1 to 8, got 0",
    });
    await expect(useNodeBackend({ prefer: 'cpu', env: { CAMTL_WASM_THREADS: 'many' } })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: 'CAMTL_WASM_THREADS must be \'auto\' or an integer from 1 to 8, got "many"',
    });
    // The option wins over the environment.
    const r = await useNodeBackend({ prefer: 'cpu', wasmThreads: 1, env: { CAMTL_WASM_THREADS: 'many' } });
    expect(r.backend).toBe('cpu');
  });
});

describe('wasm with 2 threads in Node', () => {
  it('starts the threaded build: getThreadsCount() is 2 and the report says so', async () => {
    const r = await useNodeBackend({ prefer: 'wasm', wasmThreads: 2 });
    expect(r).toMatchObject({ backend: 'wasm', detail: 'SIMD, 2 threads', device: 'CPU (wasm, SIMD, 2 threads)' });
    expect(r.notes).toContain("wasm threads: 2 (tfjs's threaded SIMD build, workers started from a file)");
    expect(wasm.getThreadsCount()).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
    // emscripten's global Worker is removed again: Node has none.
    expect('Worker' in globalThis).toBe(false);
  });

  it('the thread count is fixed once initialised, and a different request is noted', async () => {
    const r = await useNodeBackend({ prefer: 'wasm', wasmThreads: 1 });
    expect(r.detail).toBe('SIMD, 2 threads');
    expect(r.notes).toContain(
      'wasm threads: 2, not 1: the backend was already initialised (the thread count is fixed then)',
    );
    const again = await useNodeBackend({ prefer: 'wasm', wasmThreads: 2 });
    expect(again.notes.filter((n) => n.startsWith('wasm threads'))).toEqual([]);
  });

  it('matMul, fused dense and transposed batched matMul equal the single-threaded build exactly', async () => {
    await useNodeBackend({ prefer: 'wasm', wasmThreads: 2 });
    // The reference: tfjs's single-threaded SIMD build with the same kernels (camtl's patches included).
    tf.registerBackend('wasm-1t', stockFactory, -1);
    for (const k of tf.getKernelsForBackend('wasm')) tf.registerKernel({ ...k, backendName: 'wasm-1t' });
    // Fixed pseudo-random values (cheaper than tf.randomNormal at this size).
    const fixed = (shape: number[], seed: number) => {
      const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < v.length; i++) v[i] = Math.sin(i * 12.9898 + seed * 78.233) * 2;
      return tf.tensor(v, shape);
    };
    const run = () => {
      const out = tf.tidy(() => {
        // bert-mini's FFN input at 16 × 128 tokens: big enough for XNNPACK to split across threads.
        const x = fixed([2048, 256], 1);
        const w = fixed([256, 1024], 2);
        const bias = fixed([1024], 3);
        const q = fixed([8, 128, 64], 4);
        const k = fixed([8, 128, 64], 5);
        return [
          tf.matMul(x, w),
          tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'relu' }),
          tf.matMul(q, k, false, true),
          tf.matMul(q, k, true, false),
        ];
      });
      // Read outside tidy: tidy would walk the returned arrays element by element.
      const values = out.map((t) => t.dataSync());
      tf.dispose(out);
      return values;
    };
    const threaded = run();
    expect(await tf.setBackend('wasm-1t')).toBe(true);
    const single = run();
    await tf.setBackend('wasm');
    threaded.forEach((t, i) => {
      expect(t.length).toBe(single[i].length);
      expect(maxAbsDiff(t, single[i]), `case ${i}`).toBe(0);
    });
    tf.removeBackend('wasm-1t');
  });
});
