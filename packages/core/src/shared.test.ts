import { expect, it, vi } from 'vitest';
import type { KernelPatch } from './kernels/patches';

// Two module instances of the patch registry stand for core's ESM and CJS builds in one
// process (scripts/check-dist.mjs does it with the real dist files).
it('two copies of core share one kernel-patch registry, and the second loads its built-in patches without a conflict', async () => {
  const first = await import('./kernels/patches');
  vi.resetModules();
  const second = await import('./kernels/patches');
  expect(second).not.toBe(first);
  expect(second.listKernelPatches().length).toBe(first.listKernelPatches().length);
  const patch: KernelPatch = { kernelName: 'Acosh', backendName: 'nowhere', reason: 'test', make: (s) => s! };
  first.registerKernelPatch(patch);
  expect(second.listKernelPatches('nowhere')).toEqual([patch]);
  expect(() => second.registerKernelPatch({ ...patch })).toThrow(/already registered/);
});
