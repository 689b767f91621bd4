import { describe, expect, it } from 'vitest';
import { isScope, profileLines, summariseKernels } from './profile';

describe('summariseKernels', () => {
  it('sums per kernel, sorts by time and gives shares', () => {
    const s = summariseKernels([
      { name: 'BatchMatMul', ms: 30 },
      { name: 'Add', ms: 5 },
      { name: 'BatchMatMul', ms: 50 },
      { name: 'Softmax', ms: 15 },
    ]);
    expect(s).toEqual([
      { kernel: 'BatchMatMul', ms: 80, calls: 2, share: 0.8 },
      { kernel: 'Softmax', ms: 15, calls: 1, share: 0.15 },
      { kernel: 'Add', ms: 5, calls: 1, share: 0.05 },
    ]);
  });
  it('keeps the top N and survives all-zero times', () => {
    expect(
      summariseKernels(
        [
          { name: 'a', ms: 1 },
          { name: 'b', ms: 2 },
        ],
        1,
      ),
    ).toHaveLength(1);
    expect(summariseKernels([{ name: 'a', ms: 0 }])[0].share).toBe(0);
  });
  it('prints a header line and one line per kernel', () => {
    const lines = profileLines('train step', {
      peak_mb: 10,
      kernel_ms: 100,
      wall_ms: 120,
      kernels: summariseKernels([{ name: 'Add', ms: 100 }]),
      largest: [{ kernel: 'OneHot', shape: '[[4096,30522]]', mb: 476.9 }],
    });
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('  largest outputs: OneHot [[4096,30522]] 476.9 MB');
    expect(lines[1]).toMatch(/Add +100 ms +100 %  ×1/);
  });
});

describe('isScope', () => {
  it('recognises op scopes that wrap kernels', () => {
    expect(isScope('fusedMatMul__op')).toBe(true);
    expect(isScope('_FusedMatMul')).toBe(false);
  });
});
