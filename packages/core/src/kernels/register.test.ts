// The kernel-patch registry refuses a second patch for a (kernel, backend) pair.
import { describe, expect, it } from 'vitest';
import { listKernelPatches, registerKernelPatch, type KernelPatch } from './patches';

const patch = (kernelName: string, backendName: string): KernelPatch => ({
  kernelName,
  backendName,
  reason: 'test',
  make: (stock) => stock!,
});

describe('registerKernelPatch', () => {
  it('refuses a duplicate (kernel, backend) pair with a CamtlError, and keeps the first', () => {
    const first = patch('Square', 'test-backend');
    registerKernelPatch(first);
    registerKernelPatch(patch('Square', 'other-backend')); // same kernel, another backend: fine
    expect(() => registerKernelPatch(patch('Square', 'test-backend'))).toThrowError(
      expect.objectContaining({
        name: 'CamtlError',
        code: 'BAD_CONFIG',
        message: 'a kernel patch for Square on test-backend is already registered',
      }),
    );
    expect(listKernelPatches('test-backend')).toEqual([first]);
  });

  it("refuses to patch again one of core's own wasm patches", () => {
    expect(() => registerKernelPatch(patch('BatchMatMul', 'wasm'))).toThrowError(/BatchMatMul on wasm/);
  });
});
