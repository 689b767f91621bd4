import { describe, expect, it } from 'vitest';
import { isCamtlError } from '../errors';
import { lrAt, type ScheduleSpec, warmupStepsFromRatio } from './schedule';

// Pure number functions: no tensors, so no per-backend runs.
// Common shape: 10 warmup steps, 110 in total (100 decay steps).
const base = { baseLr: 1, warmupSteps: 10, totalSteps: 110 } as const;
const at = (decay: ScheduleSpec['decay'], steps: number[], extra: Partial<ScheduleSpec> = {}) =>
  steps.map((s) => lrAt(s, { ...base, decay, ...extra }));

describe('lrAt', () => {
  it('linear = get_linear_schedule_with_warmup', () => {
    // 0: 0/10; 5: 5/10; 10: (110−10)/100; 60: 50/100; 85: 25/100; 110: 0; 150: max(0, −40/100)
    expect(at('linear', [0, 5, 10, 60, 85, 110, 150])).toEqual([0, 0.5, 1, 0.5, 0.25, 0, 0]);
  });

  it('cosine = get_cosine_schedule_with_warmup (half a wave by default)', () => {
    const got = at('cosine', [0, 5, 10, 35, 60, 110, 160]);
    // progress = (s − 10)/100; factor = ½(1 + cos(π·2·0.5·progress))
    //  35 → ½(1 + cos(π/4)) = ½(1 + 0.70710678) = 0.85355339
    //  60 → ½(1 + cos(π/2)) = 0.5;  110 → ½(1 + cos π) = 0
    //  160: progress 1.5 → ½(1 + cos(1.5π)) = 0.5 — HF does not clamp past the end.
    const want = [0, 0.5, 1, 0.8535533905932737, 0.5, 0, 0.5];
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 14));
  });

  it('cosine with numCycles = 1 goes down and back up', () => {
    const got = at('cosine', [10, 35, 60, 110], { numCycles: 1 });
    // progress 0, .25, .5, 1 → ½(1 + cos(2π·p)) = 1, 0.5, 0, 1
    [1, 0.5, 0, 1].forEach((w, i) => expect(got[i]).toBeCloseTo(w, 14));
  });

  it('constant = get_constant_schedule_with_warmup', () => {
    expect(at('constant', [0, 5, 10, 60, 110, 1000])).toEqual([0, 0.5, 1, 1, 1, 1]);
  });

  it('scales baseLr', () => {
    const s: ScheduleSpec = { baseLr: 2e-5, warmupSteps: 10, totalSteps: 110, decay: 'linear' };
    expect(lrAt(5, s)).toBeCloseTo(1e-5, 18);
    expect(lrAt(85, s)).toBeCloseTo(5e-6, 18);
  });

  it('no warmup: the first update runs at the full rate', () => {
    const s: ScheduleSpec = { baseLr: 1, warmupSteps: 0, totalSteps: 4, decay: 'linear' };
    // HF steps the scheduler after the optimizer: updates 1..4 use lrAt(0..3).
    expect([0, 1, 2, 3, 4].map((k) => lrAt(k, s))).toEqual([1, 0.75, 0.5, 0.25, 0]);
  });

  it('fractional warmup as CA-MTL passes it (0.07·100 = 7.000000000000001, in Python too)', () => {
    const warm = warmupStepsFromRatio(100, 0.07);
    expect(warm).toBe(7.000000000000001);
    const s: ScheduleSpec = { baseLr: 1, warmupSteps: warm, totalSteps: 100, decay: 'linear' };
    expect(lrAt(7, s)).toBe(7 / 7.000000000000001); // still warming up
    expect(lrAt(7, s)).toBeLessThan(1);
    expect(lrAt(8, s)).toBe(92 / (100 - 7.000000000000001));
    // Below one step, max(1, warmup) keeps the division sane: 0/1, then decay.
    const half: ScheduleSpec = { baseLr: 1, warmupSteps: 0.5, totalSteps: 10, decay: 'linear' };
    expect(lrAt(0, half)).toBe(0);
    expect(lrAt(1, half)).toBe(9 / 9.5);
  });

  it('rejects nonsense', () => {
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isCamtlError(e) && (e as { code: string }).code === 'BAD_CONFIG';
      }
      return false;
    };
    expect(bad(() => lrAt(-1, { ...base, decay: 'linear' }))).toBe(true);
    expect(bad(() => lrAt(0, { ...base, decay: 'step' as 'linear' }))).toBe(true);
    expect(bad(() => lrAt(0, { ...base, baseLr: NaN, decay: 'linear' }))).toBe(true);
    expect(bad(() => warmupStepsFromRatio(10, -0.1))).toBe(true);
  });
});

describe('warmupStepsFromRatio', () => {
  it("defaults to the reference's unrounded product; floor and ceil on request", () => {
    expect(warmupStepsFromRatio(1000, 0.1)).toBe(100);
    expect(warmupStepsFromRatio(1005, 0.1)).toBe(100.5);
    expect(warmupStepsFromRatio(1005, 0.1, 'floor')).toBe(100);
    expect(warmupStepsFromRatio(1005, 0.1, 'ceil')).toBe(101);
    expect(warmupStepsFromRatio(100, 0.07, 'floor')).toBe(7);
    expect(warmupStepsFromRatio(100, 0.07, 'ceil')).toBe(8); // 7.000000000000001 → 8, as math.ceil would
  });
});
