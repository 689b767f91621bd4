// MT-Uncertainty on every backend: exact top-b against a plain-JS computation
// of both formulas, ties, short candidate lists, regression uncertainty
// (residual, prior, mc-dropout), scorer call pattern, errors, tensor hygiene,
// exact resume and usage. Quantile (the default), borrow, score modes and
// stream restarts: mt-uncertainty-modes.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { Draw } from '@camtl/core';
import { describeEachBackend } from '@camtl/testkit';
import { expect, it } from 'vitest';
import type { MtUncertaintyOptions } from './mt-uncertainty';
import {
  K,
  checkSelections,
  entropyOf,
  expectCamtlError,
  gridPrediction,
  noisyPrediction,
  otherTarget,
  residualTarget,
} from './mtu-check';
import { context, fakeScorer, hashUnit, mtuWith, run, type ScorerSlot } from './test-helpers';

describeEachBackend('mtUncertainty', () => {
  const cls3 = context([40, 25, 17], 4);

  for (const formula of ['reference', 'paper'] as const) {
    it(`selects exactly the top-b of the ${formula} score`, async () => {
      await checkSelections(cls3, { score: formula }, 12);
      await checkSelections(context([40, 25, 17], 5), { score: formula, candidatesPerTask: 3 }, 12);
    });
  }

  it('the two formulas rank differently (the reference weights by task mean)', async () => {
    const a = await run(mtuWith({}, fakeScorer({ entropy: entropyOf(cls3) }).scorer)(cls3), 6);
    const b = await run(mtuWith({ score: 'paper' }, fakeScorer({ entropy: entropyOf(cls3) }).scorer)(cls3), 6);
    expect(a).not.toEqual(b);
  });

  it('breaks ties by pool order (task order, then candidate order)', async () => {
    const { calls, sampler } = await checkSelections(cls3, {}, 3, { entropy: () => 0.25 });
    expect(sampler.usage().perTask[1]).toBe(0); // all equal: task 0 always wins
    const ctx = context([12, 12, 12], 4);
    const tiedInTask = (d: Draw) => (d.task === 2 ? 0.5 : d.task === 1 && d.index % 2 === 0 ? 0.5 : 0.125);
    await checkSelections(ctx, {}, 6, { entropy: tiedInTask });
    await checkSelections(ctx, { score: 'paper' }, 6, { entropy: tiedInTask });
    await checkSelections(ctx, {}, 3, { entropy: () => 0 }); // Ĥ = 0: scores 0, not NaN
    expect(calls.every((c) => !c.dropout)).toBe(true);
  });

  it('handles tasks with fewer candidates than requested (small tasks, ends of passes)', async () => {
    const ctx = context([10, 3, 7], 4);
    const { calls, sampler } = await checkSelections(ctx, {}, 10);
    expect(calls.map((c) => c.draws.length).slice(0, 3)).toEqual([11, 10, 9]); // 4+3+4, 4+3+3, 2+3+4
    expect(sampler.epochLength()).toBe(3 * 3); // max_t ⌈n_t/c⌉ · T
    await checkSelections(context([2, 1], 4), {}, 4); // pool smaller than b: k = pool size
  });

  it('gives regression rows the prior (default 0.5, or a set value), never another task’s entropy', async () => {
    const ctx = context([20, 16, 12], 4, { kinds: ['classification', 'regression', 'classification'] });
    const { calls } = await checkSelections(ctx, { regression: { kind: 'prior' } }, 8);
    expect(calls.length).toBe(8); // one inference-mode call per step, nothing more
    const high = await checkSelections(ctx, { regression: { kind: 'prior', value: 1 } }, 8);
    expect(high.sampler.usage().perTask[1]).toBeGreaterThan(0);
    await checkSelections(ctx, { score: 'paper', regression: { kind: 'prior', value: 0.3 } }, 8);
  });

  // Two classification and three regression tasks with different variances
  // (powers of 4: exact in float32), uneven sizes so passes end at different steps.
  const mixed = context([20, 16, 24, 12, 10], 4, {
    kinds: ['classification', 'regression', 'classification', 'regression', 'regression'],
    targetVariances: [undefined, 0.25, undefined, 4, 1],
  });
  const onGrid = { prediction: gridPrediction };

  for (const formula of ['reference', 'paper'] as const) {
    it(`residual: selects exactly the top-b of the ${formula} score, u = min(1, (ŷ − y)²/Var_t)`, async () => {
      const a = await checkSelections(mixed, { score: formula, regression: { kind: 'residual' } }, 15, onGrid);
      expect(a.capped).toBeGreaterThan(10); // the cap at 1 is exercised …
      expect(a.uncapped).toBeGreaterThan(10); // … and so are scores below it
      expect(a.sampler.usage().perTask.every((u) => u > 0)).toBe(true);
      // One inference-mode call per step on the whole pool: no extra passes.
      expect(a.calls.length).toBe(15);
      expect(a.calls.every((c) => !c.dropout)).toBe(true);
      expect(a.calls[0].draws.map((d) => d.task)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]);
      // Explicitly asked for, with fewer candidates (short ends of passes) and errors
      // that do not scale with the task's variance.
      const b = await checkSelections(
        mixed,
        { score: formula, regression: { kind: 'residual' }, candidatesPerTask: 3 },
        15,
        {
          ...onGrid,
          target: otherTarget,
        },
      );
      expect(b.calls.length).toBe(15);
      // Variances that are not powers of two (rounded u, like real data).
      const rough = context([20, 16, 24, 12, 10], 4, {
        kinds: ['classification', 'regression', 'classification', 'regression', 'regression'],
        targetVariances: [undefined, 0.3, undefined, 2.5, 1.7],
      });
      await checkSelections(rough, { score: formula, regression: { kind: 'residual' } }, 15, {
        ...onGrid,
        target: otherTarget,
      });
    });
  }

  it('quantile is the default and differs from residual and the prior', async () => {
    const spec = { entropy: entropyOf(mixed), prediction: gridPrediction, target: residualTarget(mixed) };
    const byDefault = await run(mtuWith({}, fakeScorer(spec).scorer)(mixed), 8);
    expect(await run(mtuWith({ regression: { kind: 'quantile' } }, fakeScorer(spec).scorer)(mixed), 8)).toEqual(
      byDefault,
    );
    for (const kind of ['residual', 'prior'] as const) {
      const other = await run(mtuWith({ regression: { kind } }, fakeScorer(spec).scorer)(mixed), 8);
      expect(other).not.toEqual(byDefault);
    }
  });

  it('residual: each task is normalised by its own variance', async () => {
    // The same errors on two regression tasks: the low-variance task's rows score higher.
    const ctx = context([8, 8], 2, { kinds: ['regression', 'regression'], targetVariances: [4, 1] });
    const spec = { entropy: () => 0, prediction: () => 1, target: () => 2 }; // (ŷ − y)² = 1: u = ¼ vs 1
    const residual = { regression: { kind: 'residual' } } as const;
    const { sampler } = await checkSelections(ctx, residual, 4, spec);
    expect(sampler.usage().perTask).toEqual([0, 1]);
    // Swapping the variances swaps the winner.
    const swapped = context([8, 8], 2, { kinds: ['regression', 'regression'], targetVariances: [1, 4] });
    expect((await checkSelections(swapped, residual, 4, spec)).sampler.usage().perTask).toEqual([1, 0]);
  });

  it('residual: caps at 1 (ties with a uniform classifier go by pool order), 0 for an exact fit', async () => {
    for (const formula of ['reference', 'paper'] as const) {
      // Classification entropy 1; regression errors of 3σ, 9 uncapped: capped they tie, and task 0 wins.
      const far = (d: Draw) => gridPrediction(d) - 3 * 0.5;
      const ctx = context([8, 8], 4, { kinds: ['classification', 'regression'], targetVariances: [undefined, 0.25] });
      const residual = { score: formula, regression: { kind: 'residual' } } as const;
      const a = await checkSelections(ctx, residual, 4, { ...onGrid, entropy: () => 1, target: far });
      expect(a.capped).toBe(16);
      expect(a.sampler.usage().perTask).toEqual([1, 0]);
      // Regression first in task order: it wins the same ties.
      const flipped = context([8, 8], 4, { kinds: ['regression', 'classification'], targetVariances: [0.25] });
      const b = await checkSelections(flipped, residual, 4, { ...onGrid, entropy: () => 1, target: far });
      expect(b.sampler.usage().perTask).toEqual([1, 0]);
      // An exact fit scores 0 and loses to any uncertain classifier.
      const exact = await checkSelections(ctx, residual, 4, { ...onGrid, target: gridPrediction });
      expect(exact.uncapped).toBe(16);
      expect(exact.sampler.usage().perTask[1]).toBe(0);
    }
  });

  it('residual lets a poorly fit regression task compete where the prior 0.5 starves it', async () => {
    // Classifiers still uncertain (ĥ ∈ [0.75, 1)), regression errors about 1σ or worse.
    const ctx = context([32, 32], 4, { kinds: ['classification', 'regression'] });
    const spec = {
      ...onGrid,
      entropy: (d: Draw) => 0.75 + Math.floor(hashUnit(d.task, d.index) * 16) / 64,
      target: (d: Draw) => gridPrediction(d) - (1 + Math.floor(hashUnit(d.task, d.index, 7) * 8) / 8),
    };
    const prior = await checkSelections(ctx, { regression: { kind: 'prior' } }, 16, spec);
    expect(prior.sampler.usage().perTask[1]).toBe(0);
    const residual = await checkSelections(ctx, { regression: { kind: 'residual' } }, 16, spec);
    expect(residual.sampler.usage().perTask[1]).toBeGreaterThan(0.5);
  });

  it('residual: BAD_CONFIG at the factory when a regression task has no usable target variance', async () => {
    const kinds = ['classification', 'regression', 'classification', 'regression'] as const;
    for (const bad of [undefined, 0, -1, NaN, Infinity]) {
      const ctx = context([8, 8, 8, 8], 4, { kinds: [...kinds], targetVariances: [undefined, 1, undefined, bad] });
      const none = fakeScorer({ entropy: () => 0 }).scorer;
      await expectCamtlError(() => mtuWith({}, none)(ctx), 'BAD_CONFIG', '"task3"');
      await expectCamtlError(() => mtuWith({ regression: { kind: 'residual' } }, none)(ctx), 'BAD_CONFIG', '"task3"');
      // The other uncertainties do not need it, nor do classification-only runs.
      expect(mtuWith({ regression: { kind: 'prior' } }, none)(ctx).kind).toBe('mt-uncertainty');
      expect(mtuWith({ regression: { kind: 'mc-dropout' } }, none)(ctx).kind).toBe('mt-uncertainty');
    }
    expect(mtuWith({}, fakeScorer({ entropy: () => 0 }).scorer)(context([8, 8], 4)).kind).toBe('mt-uncertainty');
  });

  it('residual: an error at next() when the scorer returns no targets, without losing the candidates', async () => {
    const spec = { entropy: entropyOf(mixed), prediction: gridPrediction };
    const slot: ScorerSlot = { scorer: fakeScorer(spec).scorer };
    const a = mtuWith({}, slot)(mixed);
    const before = tf.memory().numTensors;
    await expectCamtlError(() => a.next({ step: 0, epoch: 1 }), 'BAD_INPUT', 'target');
    const wrongShape = fakeScorer(spec).scorer;
    slot.scorer = (draws, o) => ({ ...wrongShape(draws, o), target: tf.tensor1d([1]) });
    await expectCamtlError(() => a.next({ step: 0, epoch: 1 }), 'SHAPE_MISMATCH', 'target');
    expect(tf.memory().numTensors).toBe(before);
    expect(a.usage().overall).toBe(0);
    const withTargets = { ...spec, target: residualTarget(mixed) };
    slot.scorer = fakeScorer(withTargets).scorer;
    expect(await run(a, 6)).toEqual(await run(mtuWith({}, fakeScorer(withTargets).scorer)(mixed), 6));
    // Classification-only pools never need targets.
    expect(await run(mtuWith({}, fakeScorer({ entropy: entropyOf(cls3) }).scorer)(cls3), 2)).toHaveLength(2);
  });

  it('mc-dropout: variance over K dropout passes, normalised by the running prediction spread', async () => {
    const ctx = context([20, 16, 12, 9], 4, {
      kinds: ['classification', 'regression', 'classification', 'regression'],
    });
    const { calls } = await checkSelections(ctx, { regression: { kind: 'mc-dropout', samples: K } }, 10);
    expect(calls.length).toBe(10 * (1 + K));
    for (let s = 0; s < 10; s++) {
      const [main, ...extra] = calls.slice(s * (1 + K), (s + 1) * (1 + K));
      expect(main.dropout).toBe(false);
      expect(extra.every((c) => c.dropout && c.draws.every((d) => d.task === 1 || d.task === 3))).toBe(true);
      expect(extra[0].draws).toEqual(main.draws.filter((d) => d.task === 1 || d.task === 3));
    }
    await checkSelections(
      ctx,
      { score: 'paper', regression: { kind: 'mc-dropout', samples: K, referenceVariance: 1 } },
      6,
    );
  });

  it('mc-dropout calls the scorer only once per step when no task is a regression task', async () => {
    const { calls } = await checkSelections(cls3, { regression: { kind: 'mc-dropout', samples: K } }, 5);
    expect(calls.length).toBe(5);
  });

  it('scoreWithDropout scores in train mode, like the reference', async () => {
    const { scorer, calls } = fakeScorer({ entropy: entropyOf(cls3) });
    await run(mtuWith({ scoreWithDropout: true }, scorer)(cls3), 3);
    expect(calls.map((c) => c.dropout)).toEqual([true, true, true]);
  });

  it('keeps tensor counts flat across steps', async () => {
    const ctx = context([20, 16, 12], 4, { kinds: ['classification', 'regression', 'classification'] });
    const regressions = [
      undefined, // quantile, the default
      { kind: 'residual' },
      { kind: 'borrow', from: 'task0' },
      { kind: 'prior' },
      { kind: 'mc-dropout', samples: K },
    ] as const;
    for (const regression of regressions) {
      const { scorer } = fakeScorer({
        entropy: entropyOf(ctx),
        prediction: noisyPrediction,
        target: residualTarget(ctx),
      });
      const s = mtuWith({ regression }, scorer)(ctx);
      await s.next({ step: 0, epoch: 1 }); // mc-dropout keeps one [T] running average
      const before = tf.memory().numTensors;
      await run(s, 10, 1);
      expect(tf.memory().numTensors).toBe(before);
      (s as unknown as { dispose(): void }).dispose();
    }
  });

  it('consumes candidates without replacement; unselected ones wait for the next pass', async () => {
    const ctx = context([12, 8], 2);
    const { scorer, calls } = fakeScorer({ entropy: entropyOf(ctx) });
    const s = mtuWith({ candidatesPerTask: 4 }, scorer)(ctx);
    await run(s, 6);
    const seen = (t: number, steps: number) =>
      calls.slice(0, steps).flatMap((c) => c.draws.filter((d) => d.task === t).map((d) => d.index));
    expect([...seen(0, 3)].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect([...seen(1, 2)].sort((a, b) => a - b)).toEqual([...Array(8).keys()]);
    // usage counts selected draws only
    const selected = new Set(
      (await run(mtuWith({ candidatesPerTask: 4 }, fakeScorer({ entropy: entropyOf(ctx) }).scorer)(ctx), 6))
        .flat()
        .map((d) => `${d.task}:${d.index}`),
    );
    expect(s.usage().overall).toBeCloseTo(selected.size / 20, 12);
    expect(s.usage().overall).toBeLessThan(1);
  });

  it('resumes exactly through JSON, with quantile (default), residual, the prior and mc-dropout', async () => {
    const ctx = context([30, 14, 9], 4, { kinds: ['classification', 'regression', 'classification'] });
    const all: MtUncertaintyOptions[] = [
      {},
      { regression: { kind: 'residual' }, score: 'paper' },
      { regression: { kind: 'prior' } },
      { regression: { kind: 'mc-dropout', samples: K } },
    ];
    for (const options of all) {
      const spec = { entropy: entropyOf(ctx), prediction: noisyPrediction, target: residualTarget(ctx) };
      const sampler = (seed: number) => mtuWith(options, fakeScorer(spec).scorer)({ ...ctx, seed });
      const a = sampler(ctx.seed);
      await run(a, 7);
      const b = sampler(1);
      await b.setState(JSON.parse(JSON.stringify(await a.getState())));
      expect(b.usage()).toEqual(a.usage());
      expect(await run(b, 15, 7)).toEqual(await run(a, 15, 7));
      expect(JSON.stringify(await b.getState())).toBe(JSON.stringify(await a.getState()));
      expect(await run(sampler(ctx.seed), 7)).not.toEqual(await run(sampler(2), 7));
    }
  });

  it('rolls back the candidates of a step whose scorer throws', async () => {
    const slot: ScorerSlot = {
      scorer: () => {
        throw new Error('boom');
      },
    };
    const a = mtuWith({ scoreWithDropout: true }, slot)(cls3);
    const b = mtuWith({ scoreWithDropout: true }, fakeScorer({ entropy: entropyOf(cls3) }).scorer)(cls3);
    await expect(a.next({ step: 0, epoch: 1 })).rejects.toThrow('boom');
    slot.scorer = fakeScorer({ entropy: entropyOf(cls3) }).scorer;
    expect(await run(a, 3)).toEqual(await run(b, 3));
    expect(JSON.stringify(await a.getState())).toBe(JSON.stringify(await b.getState()));
  });
});
