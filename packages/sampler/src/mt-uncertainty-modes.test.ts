// MT-Uncertainty's default regression uncertainty ('quantile'): exact
// selections against plain JS and the starvation check of issue 10; the
// reference behaviours ('borrow', scoreMode, streams) and their resume.
import type { Draw } from '@camtl/core';
import { describeEachBackend } from '@camtl/testkit';
import { expect, it } from 'vitest';
import type { MtUncertaintyOptions } from './mt-uncertainty';
import { checkSelections, entropyOf, expectCamtlError, gridPrediction, otherTarget, residualTarget } from './mtu-check';
import { context, fakeScorer, hashUnit, mtuWith, run, taskCounts } from './test-helpers';

const mixed = context([20, 16, 24, 12, 10], 4, {
  kinds: ['classification', 'regression', 'classification', 'regression', 'regression'],
  targetVariances: [undefined, 0.25, undefined, 4, 1],
});

/**
 * A GLUE-like mix at random init: five near-uniform classifiers (ĥ in
 * [0.97, 1)) and an STS-B-like regression task (targets in [0, 5], variance
 * 2.25) whose head has learnt only the mean target (2.5, with a little noise).
 */
const glueLike = context([64, 96, 40, 48, 32, 16], 8, {
  kinds: ['classification', 'classification', 'classification', 'regression', 'classification', 'classification'],
  targetVariances: [undefined, undefined, undefined, 2.25, undefined, undefined],
});
const untrained = {
  entropy: (d: Draw) => (d.task === 3 ? 0 : 0.97 + 0.03 * hashUnit(d.task, d.index)),
  prediction: (d: Draw) => 2.5 + 0.1 * (hashUnit(d.task, d.index, 1) - 0.5),
  target: (d: Draw) => 5 * hashUnit(d.task, d.index, 2),
};

describeEachBackend('mtUncertainty modes', () => {
  for (const score of ['reference', 'paper'] as const) {
    it(`quantile (default): selects exactly the top-b of the ${score} score`, async () => {
      await checkSelections(mixed, { score }, 15, { prediction: gridPrediction });
      await checkSelections(mixed, { score, candidatesPerTask: 3 }, 15, {
        prediction: gridPrediction,
        target: otherTarget,
      });
      // Regression only: no classifier entropies to match, u = min(1, r).
      const reg = context([9, 7], 3, { kinds: ['regression', 'regression'], targetVariances: [1, 4] });
      await checkSelections(reg, { score }, 6, { prediction: gridPrediction, target: otherTarget });
    });
  }

  it('quantile: an untrained regression task gets rows from the first steps, where residual starves it', async () => {
    // The scores alone, without the per-task floor (which would hide the difference).
    const plain = { minRowsPerTask: 0 };
    const steps = 4;
    const quantile = await run(mtuWith(plain, fakeScorer(untrained).scorer)(glueLike), steps);
    const counts = taskCounts(quantile.flat(), 6);
    expect(counts.every((c) => c > 0)).toBe(true); // every task, in the first 4 steps
    // Level with the most uncertain classifier: about a classification task's share.
    const classifierMean = (counts.reduce((a, c) => a + c, 0) - counts[3]) / 5;
    expect(counts[3]).toBeGreaterThanOrEqual(classifierMean / 2);
    expect(taskCounts(quantile.slice(0, 2).flat(), 6)[3]).toBeGreaterThan(0);
    const residual = await run(
      mtuWith({ ...plain, regression: { kind: 'residual' } }, fakeScorer(untrained).scorer)(glueLike),
      steps,
    );
    expect(taskCounts(residual.flat(), 6)[3]).toBe(0); // the bug of issue 10, reproduced
    await checkSelections(glueLike, plain, 6, untrained);
    await checkSelections(glueLike, {}, 6, untrained);
  });

  it('quantile: a regression task loses ground as its error falls below the target variance', async () => {
    const share = async (scale: number) => {
      const spec = {
        ...untrained,
        prediction: (d: Draw) => untrained.target(d) + scale * (hashUnit(d.task, d.index, 3) - 0.5),
      };
      const draws = (await run(mtuWith({ minRowsPerTask: 0 }, fakeScorer(spec).scorer)(glueLike), 10)).flat();
      return taskCounts(draws, 6)[3];
    };
    const [bad, half, good] = [await share(20), await share(3), await share(0)];
    expect(bad).toBeGreaterThan(half);
    expect(half).toBeGreaterThan(0);
    expect(good).toBe(0); // an exact fit: u = 0
  });

  it("borrow: regression candidates take the donor's first scores by position (spec §4.2 item 6)", async () => {
    const named = {
      ...mixed,
      tasks: mixed.tasks.map((t, i) => ({ ...t, name: ['mrpc', 'sts-b', 'cola', 'r2', 'r3'][i] })),
    };
    for (const score of ['reference', 'paper'] as const) {
      const a = await checkSelections(named, { score, regression: { kind: 'borrow' } }, 12, {
        prediction: gridPrediction,
      });
      expect(a.sampler.usage().perTask[1]).toBeGreaterThan(0);
      await checkSelections(named, { score, candidatesPerTask: 3, regression: { kind: 'borrow', from: 'cola' } }, 12);
    }
    const none = fakeScorer({ entropy: () => 0 }).scorer;
    // Without the donor among the tasks nothing is copied (the reference's work-around does not fire).
    const alone = await checkSelections(mixed, { regression: { kind: 'borrow' } }, 6);
    const usage = alone.sampler.usage().perTask;
    expect(mixed.tasks.map((t, i) => (t.kind === 'regression' ? usage[i] : 0))).toEqual(mixed.tasks.map(() => 0));
    await expectCamtlError(
      () => mtuWith({ regression: { kind: 'borrow', from: 'sts-b' } }, none)(named),
      'BAD_CONFIG',
      'which is a regression task',
    );
  });

  it("scoreMode: 'eval' (default), 'train', and 'reference' (eval at the first step and after each evaluation)", async () => {
    const modes = async (options: MtUncertaintyOptions, evaluateAfter: number[] = []) => {
      const { scorer, calls } = fakeScorer({ entropy: entropyOf(mixed), target: residualTarget(mixed) });
      const s = mtuWith(options, scorer)(mixed);
      for (let step = 0; step < 6; step++) {
        await s.next({ step, epoch: 1 });
        if (evaluateAfter.includes(step)) s.onEvaluate?.();
      }
      return calls.map((c) => c.dropout);
    };
    expect(await modes({})).toEqual([false, false, false, false, false, false]);
    expect(await modes({ scoreMode: 'train' })).toEqual([true, true, true, true, true, true]);
    expect(await modes({ scoreWithDropout: true })).toEqual([true, true, true, true, true, true]);
    expect(await modes({ scoreMode: 'reference' }, [2])).toEqual([false, true, true, false, true, true]);
    expect(await modes({ scoreMode: 'eval' }, [2])).toEqual([false, false, false, false, false, false]);
    const none = fakeScorer({ entropy: () => 0 }).scorer;
    await expectCamtlError(
      () => mtuWith({ scoreMode: 'eval', scoreWithDropout: true }, none),
      'BAD_CONFIG',
      'scoreMode',
    );
    await expectCamtlError(() => mtuWith({ scoreMode: 'x' as never }, none), 'BAD_CONFIG', 'scoreMode');
    await expectCamtlError(() => mtuWith({ streams: 'x' as never }, none), 'BAD_CONFIG', 'streams');
  });

  it("streams: 'restart-each-epoch' starts every task's permutation afresh at each epoch", async () => {
    const ctx = context([10, 7], 2);
    const pools = async (streams: MtUncertaintyOptions['streams']) => {
      const { scorer, calls } = fakeScorer({ entropy: entropyOf(ctx) });
      await run(mtuWith({ candidatesPerTask: 3, epochLength: 3, streams }, scorer)(ctx), 7);
      return calls.map((c) => c.draws.filter((d) => d.task === 0).map((d) => d.index));
    };
    const cont = await pools('continue');
    const restart = await pools('restart-each-epoch');
    expect(restart.slice(0, 3)).toEqual(cont.slice(0, 3)); // the first epoch is the same
    expect(cont[3]).toHaveLength(1); // continuing: the one leftover of the pass
    expect(restart[3]).toHaveLength(3); // restarted: a new pass …
    expect(new Set(restart.slice(3, 6).flat()).size).toBe(9); // … that runs on without repeats
    expect(restart[6]).toHaveLength(3); // and restarts again at step 7 (9 of 10 taken)
  });

  it('resumes exactly with the new options, across evaluations and epoch restarts', async () => {
    const all: MtUncertaintyOptions[] = [
      { scoreMode: 'reference', streams: 'restart-each-epoch', epochLength: 4 },
      { regression: { kind: 'borrow', from: 'task0' }, scoreMode: 'reference' },
      { regression: { kind: 'quantile' }, streams: 'restart-each-epoch', candidatesPerTask: 3 },
    ];
    for (const options of all) {
      const spec = { entropy: entropyOf(mixed), prediction: gridPrediction, target: residualTarget(mixed) };
      const a = mtuWith(options, fakeScorer(spec).scorer)(mixed);
      const b = mtuWith(options, fakeScorer(spec).scorer)({ ...mixed, seed: 7 });
      await run(a, 5);
      a.onEvaluate?.(); // the saved state says: score the next step in eval mode
      await b.setState(JSON.parse(JSON.stringify(await a.getState())));
      const callsB = fakeScorer(spec);
      const c = mtuWith(options, callsB.scorer)(mixed);
      await c.setState(await a.getState());
      expect(await run(b, 12, 5)).toEqual(await run(a, 12, 5));
      await c.next({ step: 5, epoch: 2 });
      expect(callsB.calls[0].dropout).toBe(false);
      expect(JSON.stringify(await b.getState())).toBe(JSON.stringify(await a.getState()));
    }
  });
});
