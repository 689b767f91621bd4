// Statistical checks: empirical task frequencies against each sampler's p,
// by Pearson's chi-square at a fixed seed against the 0.1 % critical value.
import type { Draw } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import {
  annealedDistribution,
  annealingAlpha,
  proportionalDistribution,
  temperatureDistribution,
  uniformDistribution,
} from './distributions';
import { proportional } from './proportional';
import { annealed, roundRobin, temperature, uniform } from './task-mix';
import { CHI2_CRIT_001, chiSquare, context, run, taskCounts } from './test-helpers';

const SIZES = [5000, 1200, 300, 60];
const T = SIZES.length;
const CRIT = CHI2_CRIT_001[T - 1]; // 16.266 for 3 degrees of freedom
const B = 16;

describe('task distributions', () => {
  it('follow their closed forms', async () => {
    expect(proportionalDistribution([3, 1])).toEqual([0.75, 0.25]);
    expect(temperatureDistribution([3, 1], 1)[0]).toBeCloseTo(0.75, 12);
    const p2 = temperatureDistribution([400, 100], 2);
    expect(p2[0]).toBeCloseTo(2 / 3, 12);
    expect(uniformDistribution([7, 1, 2])).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(annealingAlpha(1, 5)).toBe(1);
    expect(annealingAlpha(3, 5)).toBeCloseTo(0.6, 12);
    expect(annealingAlpha(5, 5)).toBeCloseTo(0.2, 12);
    expect(annealingAlpha(9, 5)).toBeCloseTo(0.2, 12); // clamped past E
    expect(annealingAlpha(4, 1)).toBe(1); // E = 1
    expect(annealedDistribution([400, 100], 5, 5)[0]).toBeCloseTo(400 ** 0.2 / (400 ** 0.2 + 100 ** 0.2), 12);
  });
});

describe('empirical task frequencies (chi-square, α = 0.001)', () => {
  it('proportional: example-level shuffling over the union', async () => {
    const s = proportional()(context(SIZES, B));
    // 300 batches = 4800 of 6560 examples: a partial epoch, so not trivially exact.
    const counts = taskCounts((await run(s, 300)).flat(), T);
    const stat = chiSquare(counts, proportionalDistribution(SIZES));
    expect(stat).toBeLessThan(CRIT);
  });

  for (const temp of [1, 2, 10]) {
    it(`temperature T=${temp}, mixed batches`, async () => {
      const s = temperature({ T: temp })(context(SIZES, B));
      const counts = taskCounts((await run(s, 500)).flat(), T);
      expect(chiSquare(counts, temperatureDistribution(SIZES, temp))).toBeLessThan(CRIT);
    });
  }

  it('temperature T=10, single-task batches: one task per batch, batch tasks ~ p', async () => {
    const s = temperature({ T: 10, batches: 'single-task' })(context(SIZES, 4));
    const batches = await run(s, 4000);
    for (const batch of batches) expect(new Set(batch.map((d) => d.task)).size).toBe(1);
    const counts = taskCounts(
      batches.map((b) => b[0]),
      T,
    );
    expect(chiSquare(counts, temperatureDistribution(SIZES, 10))).toBeLessThan(CRIT);
  });

  it('annealed: p follows α(e) at several epochs', async () => {
    const E = 5;
    for (const epoch of [1, 3, 5]) {
      const s = annealed()(context(SIZES, B, { epochs: E, seed: 10 + epoch }));
      const draws: Draw[] = [];
      for (let step = 0; step < 500; step++) draws.push(...(await s.next({ step, epoch })));
      const p = annealedDistribution(SIZES, epoch, E);
      expect(chiSquare(taskCounts(draws, T), p)).toBeLessThan(CRIT);
      // and it is far from the other epochs' distributions
      const other = annealedDistribution(SIZES, epoch === 1 ? 5 : 1, E);
      expect(chiSquare(taskCounts(draws, T), other)).toBeGreaterThan(CRIT);
    }
  });

  it('uniform, mixed and single-task', async () => {
    const mixed = uniform()(context(SIZES, B));
    expect(chiSquare(taskCounts((await run(mixed, 500)).flat(), T), uniformDistribution(SIZES))).toBeLessThan(CRIT);
    const single = uniform({ batches: 'single-task' })(context(SIZES, B));
    const firsts = (await run(single, 4000)).map((b) => b[0]);
    expect(chiSquare(taskCounts(firsts, T), uniformDistribution(SIZES))).toBeLessThan(CRIT);
  });

  it('a wrong p is rejected by the same test (the check has power)', async () => {
    const s = temperature({ T: 2 })(context(SIZES, B));
    const counts = taskCounts((await run(s, 500)).flat(), T);
    expect(chiSquare(counts, temperatureDistribution(SIZES, 10))).toBeGreaterThan(CRIT);
    expect(chiSquare(counts, proportionalDistribution(SIZES))).toBeGreaterThan(CRIT);
  });
});

describe('round-robin', () => {
  it('single-task (default): batch k is task k mod T', async () => {
    const batches = await run(roundRobin()(context(SIZES, B)), 40);
    batches.forEach((batch, k) => {
      expect(batch.every((d) => d.task === k % T)).toBe(true);
    });
  });

  it('mixed: example j of the run is task j mod T', async () => {
    const flat = (await run(roundRobin({ batches: 'mixed' })(context(SIZES, 6)), 20)).flat();
    flat.forEach((d, j) => expect(d.task).toBe(j % T));
  });
});

describe('batch composition', () => {
  it('mixed batches mix tasks; single-task batches never do', async () => {
    const mixed = await run(temperature({ T: 1 })(context([100, 100], 8)), 50);
    expect(mixed.some((b) => new Set(b.map((d) => d.task)).size > 1)).toBe(true);
    const single = await run(temperature({ T: 1, batches: 'single-task' })(context([100, 100], 8)), 50);
    expect(single.every((b) => new Set(b.map((d) => d.task)).size === 1)).toBe(true);
  });
});
