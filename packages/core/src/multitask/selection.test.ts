import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { describeEachBackend } from '../testing/backends';
import { TOY_TASKS, ToyModel, toyData, toySampler } from '../testing/toy-multitask';
import type { EvalResult, EvalSet } from './evaluate';
import { averageScore, judgeEvaluation, SELECT_BY_MEAN, type SelectBy } from './selection';
import { Trainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

const result = (average: number | null, first: number | null = average): EvalResult => ({
  metrics: { a: { accuracy: first }, b: { accuracy: 0 } },
  scores: { a: first, b: 0 },
  average,
});
const byFirst: SelectBy = { name: 'first', score: (r) => r.scores.a };

describe('selection', () => {
  it('averageScore is the mean of the defined, finite scores (null when none)', () => {
    expect(averageScore({ a: 0.5, b: null, c: 1, d: Number.NaN })).toBe(0.75);
    expect(averageScore({ a: null })).toBeNull();
    expect(averageScore({})).toBeNull();
  });

  it('judges on the selected score, keeps the mean beside it, and needs minDelta to reset the patience', () => {
    const first = judgeEvaluation(byFirst, result(0.2, 0.9), 10, null, 0.05);
    expect(first).toMatchObject({ score: 0.9, improved: true, progressed: true });
    expect(first.best).toEqual({ step: 10, average: 0.2, score: 0.9, selectBy: 'first' });
    // A better mean but a worse selected score is not an improvement.
    const second = judgeEvaluation(byFirst, result(0.8, 0.5), 20, first.best, 0.05);
    expect(second).toMatchObject({ score: 0.5, improved: false, progressed: false, best: first.best });
    const small = judgeEvaluation(byFirst, result(0.1, 0.92), 30, first.best, 0.05);
    expect(small).toMatchObject({ improved: true, progressed: false });
    expect(small.best!.step).toBe(30);
  });

  it('an undefined score is never best; a best restored without a score compares by its mean', () => {
    expect(judgeEvaluation(SELECT_BY_MEAN, result(null), 5, null, 0)).toMatchObject({ score: null, improved: false });
    const old = { step: 4, average: 0.6 };
    expect(judgeEvaluation(byFirst, result(0.1, 0.55), 8, old, 0).improved).toBe(false);
    expect(judgeEvaluation(byFirst, result(0.1, 0.65), 8, old, 0).improved).toBe(true);
  });
});

function options(model: ToyModel, extra: Partial<TrainerOptions>): TrainerOptions {
  const dev: EvalSet[] = [
    { key: 'cls', task: TOY_TASKS[0], taskIndex: 0, split: 'dev', rows: toyData(30, 3, 0) },
    { key: 'reg', task: TOY_TASKS[1], taskIndex: 1, split: 'dev', rows: toyData(20, 4, 1) },
  ];
  const train = [toyData(40, 1, 0), toyData(30, 2, 1)];
  const fs = memoryFileSystem();
  const base = { batchSize: 8, epochs: 3, learningRate: 0.05, seed: 5, outputDir: 'run', fs };
  return { model, tasks: TOY_TASKS, train, dev, sampler: toySampler(), ...base, ...extra };
}

function log(o: TrainerOptions): Array<Record<string, any>> {
  const fs = o.fs as ReturnType<typeof memoryFileSystem>;
  const text = new TextDecoder().decode(fs.files.get('run/train.jsonl'));
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describeEachBackend('Trainer selectBy', () => {
  it('by default selects by the mean: score = average, selectBy "mean", in eval and end records', async () => {
    const model = new ToyModel();
    const o = options(model, {});
    const run = await new Trainer(o).run();
    const evals = log(o).filter((r) => r.type === 'eval');
    expect(evals.length).toBe(3);
    for (const e of evals) expect(e).toMatchObject({ selectBy: 'mean', score: e.average });
    const final = log(o).at(-1)!.final;
    expect(final).toMatchObject({ selectBy: 'mean', bestStep: run.best!.step, bestScore: run.best!.average });
    expect(final.bestAverage).toBe(run.best!.average);
    model.store.dispose();
  });

  it('the best checkpoint and early stopping follow the selected score, not the mean', async () => {
    const model = new ToyModel();
    let calls = 0;
    const falling: SelectBy = { name: 'falling', score: () => 1 - 0.1 * calls++ }; // the first evaluation is best
    const o = options(model, { selectBy: falling, evalEvery: 2, epochs: 10, earlyStoppingPatience: 2 });
    const run = await new Trainer(o).run();
    expect(run.reason).toBe('early-stopping');
    expect(run.steps).toBe(6); // evaluations at 2 (best), 4 and 6 (no improvement twice)
    expect(run.best).toMatchObject({ step: 2, score: 1, selectBy: 'falling' });
    const evals = log(o).filter((r) => r.type === 'eval');
    expect(evals.map((e) => [e.step, e.best, e.selectBy])).toEqual([
      [2, true, 'falling'],
      [4, false, 'falling'],
      [6, false, 'falling'],
    ]);
    expect(evals.every((e) => typeof e.average === 'number' && typeof e.score === 'number')).toBe(true);
    const best = JSON.parse(new TextDecoder().decode((o.fs as any).files.get('run/checkpoints/best.json')));
    expect(best).toMatchObject({ step: 2, score: 1 });
    expect(log(o).at(-1)!.final).toMatchObject({ selectBy: 'falling', bestStep: 2, bestScore: 1 });
    model.store.dispose();
  });

  it('rejects a malformed selectBy with a one-line error', () => {
    const model = new ToyModel();
    expect(() => new Trainer(options(model, { selectBy: { name: 'x' } as SelectBy }))).toThrowError(/selectBy must be/);
    model.store.dispose();
  });
});
