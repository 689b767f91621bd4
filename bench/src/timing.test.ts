import { describe, expect, it } from 'vitest';
import { cutNote, fits, runPhase } from './timing';

/** A fake clock: each step advances it by the next duration in the list. */
function fake(durations: number[]) {
  let t = 0;
  let i = 0;
  return {
    now: () => t,
    step: async () => {
      t += durations[Math.min(i++, durations.length - 1)];
    },
    calls: () => i,
  };
}

describe('runPhase', () => {
  it('runs warmup then the measured steps when the budget allows', async () => {
    const f = fake([50, 10, 10, 10, 10, 10]);
    const r = await runPhase(f.step, { warmup: 2, steps: 3, budgetMs: 1e6, now: f.now });
    expect(r).toEqual({ firstMs: 50, warmMs: [10, 10, 10], warmupSteps: 2, cut: false });
    expect(f.calls()).toBe(5);
  });

  it('always runs one warmup and one measured step, even over budget', async () => {
    const f = fake([100]);
    const r = await runPhase(f.step, { warmup: 2, steps: 10, budgetMs: 50, now: f.now });
    expect(r.warmupSteps).toBe(1);
    expect(r.warmMs).toEqual([100]);
    expect(r.cut).toBe(true);
  });

  it('stops when the next step would overrun the budget', async () => {
    const f = fake([10]);
    const r = await runPhase(f.step, { warmup: 1, steps: 10, budgetMs: 45, now: f.now });
    // 10 (warmup) + 3 × 10 = 40; a fifth step would end at 50 > 45.
    expect(r.warmMs).toHaveLength(3);
    expect(r.cut).toBe(true);
  });

  it('treats warmup 0 as 1: the first step is never measured as warm', async () => {
    const f = fake([30, 5]);
    const r = await runPhase(f.step, { warmup: 0, steps: 1, budgetMs: 1e6, now: f.now });
    expect(r).toMatchObject({ firstMs: 30, warmMs: [5], warmupSteps: 1 });
  });
});

describe('notes', () => {
  it('fits uses the last step as the estimate', () => {
    expect(fits(40, 10, 50)).toBe(true);
    expect(fits(41, 10, 50)).toBe(false);
  });
  it('explains a cut, and says nothing otherwise', () => {
    const opts = { warmup: 2, steps: 10, budgetMs: 60_000 };
    expect(cutNote('train', { firstMs: 1, warmMs: [1], warmupSteps: 1, cut: true }, opts)).toBe(
      'train: the 60 s budget cut the run to 1 warmup + 1 measured step (asked 2 + 10)',
    );
    expect(cutNote('train', { firstMs: 1, warmMs: [1], warmupSteps: 2, cut: false }, opts)).toBeUndefined();
  });
});
