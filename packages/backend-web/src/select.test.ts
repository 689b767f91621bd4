// useWebBackend outside a browser page: no navigator.gpu and no canvas, so it
// falls through to wasm (the package finds its own binaries in Node) with the
// reasons recorded; a stub navigator.gpu exercises the adapter checks.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { formatBackendSummary, isKernelPatched } from '@camtl/core';
import { parseWebPreference, useWebBackend } from './select';

describe('parseWebPreference (as backend-node)', () => {
  it('expands auto, lists and comma-separated names', () => {
    expect(parseWebPreference()).toEqual({ order: ['webgpu', 'webgl', 'wasm', 'cpu'], named: [], explicit: false });
    expect(parseWebPreference('wasm')).toEqual({ order: ['wasm'], named: ['wasm'], explicit: true });
    expect(parseWebPreference('WebGPU, auto')).toEqual({
      order: ['webgpu', 'webgl', 'wasm', 'cpu'],
      named: ['webgpu'],
      explicit: false,
    });
    expect(parseWebPreference(['cpu', 'wasm'])).toEqual({
      order: ['cpu', 'wasm'],
      named: ['cpu', 'wasm'],
      explicit: true,
    });
    expect(() => parseWebPreference('tpu')).toThrow(/unknown backend "tpu"/);
    expect(formatBackendSummary('wasm', 'SIMD, 1 thread', [{ choice: 'webgl', reason: 'r' }], ['n'])).toBe(
      'backend wasm (SIMD, 1 thread); skipped webgl: r; n',
    );
  });
});

describe('useWebBackend (Node, no GPU, no DOM)', () => {
  it('falls through webgpu and webgl to wasm, with reasons, versions and a summary', async () => {
    const r = await useWebBackend();
    expect(r.backend).toBe('wasm');
    expect(r.choice).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.device).toMatch(/^CPU \(WebAssembly, (no )?SIMD, 1 thread\)$/);
    expect(r.detail).toMatch(/^(no )?SIMD, 1 thread$/);
    expect(r.skipped.map((s) => s.choice)).toEqual(['webgpu', 'webgl']);
    expect(r.skipped[0].reason).toBe('no navigator.gpu: not a browser');
    expect(r.skipped[1].reason).toBe('no canvas to draw on: not a browser page or worker');
    expect(r.notes).toEqual([]);
    expect(r.versions['tfjs-core']).toBe(tf.version_core);
    expect(r.versions['tfjs-backend-wasm']).toBe('4.22.0');
    expect(r.versions.node).toBe(process.versions.node);
    expect(r.patches).toContain('BatchMatMul');
    expect(isKernelPatched('BatchMatMul', 'wasm')).toBe(true);
    expect(r.summary).toBe(
      `backend wasm (${r.detail}); skipped webgpu: no navigator.gpu: not a browser; webgl: no canvas to draw on: not a browser page or worker`,
    );
  });

  it('honours a single preference, and notes what it left untried', async () => {
    const r = await useWebBackend({ prefer: 'cpu' });
    expect(r.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.device).toMatch(/^CPU \(JavaScript, one thread/);
    expect(r.skipped).toEqual([]);
    expect(r.notes).toEqual(['not tried: webgpu, webgl, wasm (prefer: cpu)']);
    expect(r.summary).toBe('backend cpu (JavaScript, one thread); not tried: webgpu, webgl, wasm (prefer: cpu)');
    expect(r.versions['tfjs-backend-cpu']).toBe('4.22.0');
  });

  it('fails on a single name that cannot run, falls back with "auto", and fails when a whole list fails', async () => {
    await expect(useWebBackend({ prefer: 'webgl' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: 'backend webgl is not available: no canvas to draw on: not a browser page or worker',
      hint: expect.stringMatching(/add 'auto'/),
    });
    const r = await useWebBackend({ prefer: 'webgl,auto' });
    expect(r.backend).toBe('wasm');
    expect(r.skipped.map((s) => s.choice)).toEqual(['webgl', 'webgpu']);
    await expect(useWebBackend({ prefer: ['webgpu', 'webgl'] })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/^no backend could run: webgpu: .*; webgl: /),
    });
    await expect(useWebBackend({ prefer: 'tpu' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  describe('with a stub navigator.gpu', () => {
    const withGpu = async <T>(adapter: unknown, fn: () => Promise<T>): Promise<T> => {
      const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
      Object.defineProperty(globalThis, 'navigator', {
        value: { gpu: { requestAdapter: async () => adapter }, userAgent: 'test' },
        configurable: true,
        writable: true,
      });
      try {
        return await fn();
      } finally {
        if (had) Object.defineProperty(globalThis, 'navigator', had);
        else delete (globalThis as { navigator?: unknown }).navigator;
      }
    };
    const swiftshader = {
      info: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)' },
    };

    it('skips a missing adapter and, unless webgpu is named, a software one', async () => {
      const none = await withGpu(null, () => useWebBackend({ prefer: 'auto' }));
      expect(none.skipped[0]).toEqual({
        choice: 'webgpu',
        reason: expect.stringMatching(/requestAdapter\(\) found no adapter/),
        hint: expect.stringMatching(/--enable-unsafe-webgpu/),
      });
      const soft = await withGpu(swiftshader, () => useWebBackend());
      expect(soft.skipped[0]).toEqual({
        choice: 'webgpu',
        reason:
          'the only adapter is a software one (google swiftshader SwiftShader Device (Subzero)), slower than wasm',
        hint: "prefer: 'webgpu' uses it anyway",
      });
    });

    it('gives up on an adapter request that never answers, with the time it waited', async () => {
      const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
      Object.defineProperty(globalThis, 'navigator', {
        value: { gpu: { requestAdapter: () => new Promise(() => undefined) }, userAgent: 'test' },
        configurable: true,
        writable: true,
      });
      try {
        const r = await useWebBackend({ prefer: 'webgpu,cpu', timeoutMs: 50 });
        expect(r.backend).toBe('cpu');
        expect(r.skipped).toEqual([{ choice: 'webgpu', reason: 'webgpu initialisation did not finish within 50 ms' }]);
      } finally {
        if (had) Object.defineProperty(globalThis, 'navigator', had);
        else delete (globalThis as { navigator?: unknown }).navigator;
      }
    });

    it("uses a software adapter when webgpu is named, and keeps tfjs's reason when it fails", async () => {
      const r = await withGpu(swiftshader, () => useWebBackend({ prefer: 'webgpu,auto' }));
      expect(r.backend).toBe('wasm');
      // The stub adapter has no `features`: tfjs's own initialisation error is the reason.
      expect(r.skipped[0]).toEqual({
        choice: 'webgpu',
        reason: expect.stringMatching(/^initialisation failed: .*reading 'has'/),
      });
    });
  });
});
