// MT-U's per-task floor (minRowsPerTask, camtl's default 1): exact selections
// against plain JS, the starvation it prevents, how it shrinks when the batch
// is small, and that 0 is the reference's plain top-b.
import * as tf from '@tensorflow/tfjs-core';
import type { Draw } from '@camtl/core';
import { countReads } from '@camtl/core/testing';
import { describeEachBackend } from '@camtl/testkit';
import { expect, it } from 'vitest';
import { checkSelections, entropyOf, expectCamtlError, jsScores, jsTopK } from './mtu-check';
import { rankGrid, rankKeys } from './task-floor';
import { context, fakeScorer, hashUnit, mtuWith, run, taskCounts } from './test-helpers';

/** Four near-uniform classifiers at random init; task 2 is a hair more uncertain than the rest. */
const ctx = context([40, 32, 24, 16], 8);
const nearUniform = {
  entropy: (d: Draw) => (d.task === 2 ? 0.984375 : 0.953125) + Math.floor(hashUnit(d.task, d.index) * 2) / 64,
};

describeEachBackend('mtUncertainty minRowsPerTask', () => {
  it('the reference formula gives every slot to the leading task; the floor gives each task its best rows', async () => {
    const plain = await checkSelections(ctx, { minRowsPerTask: 0 }, 6, nearUniform);
    expect(
      taskCounts((await run(mtuWith({ minRowsPerTask: 0 }, fakeScorer(nearUniform).scorer)(ctx), 6)).flat(), 4),
    ).toEqual([0, 0, 48, 0]); // starved by noise-level differences
    expect(plain.sampler.usage().perTask.filter((u) => u > 0)).toHaveLength(1);
    const { scorer, calls } = fakeScorer(nearUniform);
    const steps = await run(mtuWith({}, scorer)(ctx), 6);
    steps.forEach((batch, s) => {
      const counts = taskCounts(batch, 4);
      expect(counts.every((c) => c >= 1)).toBe(true); // every task, every step
      expect(counts[2]).toBe(5); // the rest still by the score
      // Each task's floor row is its best candidate (ties to the lower position).
      for (const t of [0, 1, 3]) {
        const own = calls[s].draws.filter((d) => d.task === t);
        const best = own.reduce((a, d) => (nearUniform.entropy(d) > nearUniform.entropy(a) ? d : a));
        expect(batch.find((d) => d.task === t)).toEqual(best);
      }
    });
    await checkSelections(ctx, {}, 6, nearUniform);
    await checkSelections(ctx, { score: 'paper' }, 6, nearUniform);
  });

  it('0 reproduces the plain top-b exactly (the reference), on both formulas', async () => {
    for (const score of ['reference', 'paper'] as const) {
      const { scorer, calls } = fakeScorer({ entropy: entropyOf(ctx) });
      const got = await run(mtuWith({ score, minRowsPerTask: 0 }, scorer)(ctx), 8);
      got.forEach((batch, s) => {
        const pool = calls[s].draws;
        const want = jsTopK(jsScores(pool, pool.map(entropyOf(ctx)), score, 4), 8).map((i) => pool[i]);
        expect(batch).toEqual(want);
      });
    }
  });

  it('larger floors, floors that shrink to ⌊b/T⌋, and short candidate lists', async () => {
    for (const minRowsPerTask of [1, 2, 3, 5]) {
      // b = 8, T = 4: m = min(minRows, 2).
      const { sampler } = await checkSelections(ctx, { minRowsPerTask }, 6, nearUniform);
      const floor = Math.min(minRowsPerTask, 2);
      const counts = taskCounts(
        (await run(mtuWith({ minRowsPerTask }, fakeScorer(nearUniform).scorer)(ctx), 6)).flat(),
        4,
      );
      expect(Math.min(...counts)).toBe(6 * floor);
      expect(sampler.usage().perTask.every((u) => u > 0)).toBe(true);
    }
    // b = 3 < T = 4: the floor is 0, the plain top-b.
    const small = context([40, 32, 24, 16], 3);
    await checkSelections(small, {}, 5, nearUniform);
    const a = await run(mtuWith({}, fakeScorer(nearUniform).scorer)(small), 5);
    expect(a).toEqual(await run(mtuWith({ minRowsPerTask: 0 }, fakeScorer(nearUniform).scorer)(small), 5));
    // Tasks with fewer candidates than the floor (3 rows, ends of passes) give what they have.
    await checkSelections(context([10, 3, 7], 6), { minRowsPerTask: 3 }, 8);
    await checkSelections(context([2, 1], 4), { minRowsPerTask: 2 }, 4); // pool smaller than b
  });

  it('ranks on a grid: scores closer than its step tie, and the lower pool position wins', async () => {
    const G = rankGrid(4);
    const noise = 0.1 / G; // below the grid step: a backend's rounding, not a real difference
    const scores = tf.tensor1d([0.5, 0.5 + noise, 0.75, 0.5 - noise]);
    const keys = rankKeys(scores);
    const top = tf.topk(keys, 3, true).indices;
    expect(Array.from(await top.data())).toEqual([2, 0, 1]); // 0.75, then the tie by position
    const k = Array.from(await keys.data());
    expect(new Set(k).size).toBe(4); // distinct exact integers
    expect(k.every((x) => Number.isInteger(x) && x < 2 ** 24)).toBe(true);
    expect(jsTopK([0.5, 0.5 + noise, 0.75, 0.5 - noise], 3)).toEqual([0, 1, 2]);
    tf.dispose([scores, keys, top]);
  });

  it('keeps one device read per step and no leaked tensors', async () => {
    const sampler = mtuWith({ minRowsPerTask: 2 }, fakeScorer(nearUniform).scorer)(ctx);
    await sampler.next({ step: 0, epoch: 1 });
    const before = tf.memory().numTensors;
    for (let step = 1; step < 4; step++) {
      const { reads } = await countReads(() => sampler.next({ step, epoch: 1 }));
      expect(reads).toBe(1);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a floor that is not an integer ≥ 0 (BAD_CONFIG, at the factory)', async () => {
    const none = fakeScorer({ entropy: () => 0 }).scorer;
    for (const bad of [-1, 1.5, NaN, '1' as unknown as number]) {
      await expectCamtlError(() => mtuWith({ minRowsPerTask: bad }, none), 'BAD_CONFIG', 'minRowsPerTask');
    }
  });
});
