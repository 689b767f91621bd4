import { describe, expect, it } from 'vitest';
import { bucketedPlan, fixedPlan, paddingEfficiency, planCost, roundUp, shapeCounts, shuffled } from './buckets';

const lengths = [10, 50, 12, 48, 11, 49, 13, 51, 9, 47];
const options = { batchSize: 2, chunkBatches: 5, multipleOf: 8, maxSeqLength: 128, seed: 1 };

describe('plans', () => {
  it('shuffles deterministically and completely', () => {
    const s = shuffled(10, 4);
    expect([...s].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(shuffled(10, 4)).toEqual(s);
  });

  it('pads every fixed batch to the fixed length and covers every row once', () => {
    const plan = fixedPlan(lengths, 3, 128, 1);
    expect(plan.map((b) => b.length)).toEqual([128, 128, 128, 128]);
    expect(plan.flatMap((b) => b.rows).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('buckets rows of similar length and pads to the longest, rounded up', () => {
    const plan = bucketedPlan(lengths, options);
    expect(plan.flatMap((b) => b.rows).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    for (const b of plan) {
      const longest = Math.max(...b.rows.map((r) => lengths[r]));
      expect(b.length).toBe(roundUp(longest, 8, 128));
    }
    // One chunk holds everything: 9,10 | 11,12 | 13,47 | 48,49 | 50,51.
    expect(plan.map((b) => b.length)).toEqual([16, 16, 48, 56, 56]);
  });

  it('sorts only within chunks', () => {
    const plan = bucketedPlan(lengths, { ...options, chunkBatches: 1 });
    expect(plan).toHaveLength(5);
    expect(plan.flatMap((b) => b.rows).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('rounds up and caps at the maximum', () => {
    expect(roundUp(9, 8, 128)).toBe(16);
    expect(roundUp(16, 8, 128)).toBe(16);
    expect(roundUp(127, 8, 126)).toBe(126);
  });
});

describe('costs', () => {
  it('counts rows per shape and prices a plan by shape', () => {
    const plan = [
      { rows: [0, 1], length: 16 },
      { rows: [2, 3], length: 56 },
      { rows: [4], length: 16 },
    ];
    expect(shapeCounts(plan)).toEqual(
      new Map([
        [16, 3],
        [56, 2],
      ]),
    );
    expect(
      planCost(
        plan,
        new Map([
          [16, 10],
          [56, 40],
        ]),
        2,
      ),
    ).toBe(10 + 40 + 5);
    expect(() => planCost(plan, new Map([[16, 10]]), 2)).toThrow(/no step time for padded length 56/);
  });

  it('measures the share of real tokens', () => {
    const plan = [{ rows: [0, 2], length: 16 }];
    expect(paddingEfficiency(plan, lengths)).toBeCloseTo(22 / 32);
    expect(paddingEfficiency(fixedPlan(lengths, 10, 128, 0), lengths)).toBeCloseTo(300 / 1280);
  });
});
