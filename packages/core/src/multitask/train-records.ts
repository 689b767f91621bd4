import type { EvalResult } from './evaluate';
import type { Draw } from './sampler';
import type { BestEvaluation, SelectBy } from './selection';
import type { ResolvedTrainerOptions, TrainLogRecord } from './trainer-options';

/**
 * The records of `train.jsonl` (the shapes @camtl/report reads), built from
 * what the trainer knows at that moment. Pure functions: the trainer writes them.
 */

type Usage = { overall: number; perTask: number[] };

const byTask = <T>(names: readonly string[], value: (t: number) => T) =>
  Object.fromEntries(names.map((n, t) => [n, value(t)]));

/** The first line: seed, tasks with their sizes, and the configuration. */
export function runRecord(
  o: ResolvedTrainerOptions,
  run: { totalSteps: number; epochLength: number; sampler: string },
): TrainLogRecord {
  const devSize = (t: number) => o.dev.find((d) => d.taskIndex === t)?.rows.length;
  return {
    type: 'run',
    version: 1,
    time: Date.now(),
    seed: o.seed,
    backend: 'unknown',
    model: { name: 'model' },
    ...o.runInfo,
    tasks: o.tasks.map((t, i) => ({
      name: t.name,
      kind: t.kind,
      numLabels: t.numLabels,
      trainSize: o.train[i].length,
      devSize: devSize(i),
    })),
    config: {
      learningRate: o.learningRate,
      epochs: o.epochs,
      batchSize: o.batchSize,
      ...run,
      warmupRatio: o.warmupRatio,
      padding: o.padding,
      selectBy: o.selectBy.name,
      ...(o.runInfo?.config as object),
    },
  };
}

export interface StepFacts {
  step: number;
  /** The epoch the step belonged to. */
  epoch: number;
  draws: Draw[];
  loss: number;
  perTaskLoss: Array<number | null>;
  lr: number;
  examplesPerSecond: number;
  gradNorm?: number;
}

/** One training step: losses, the task mix of its batch and the data used so far. */
export function stepRecord(names: readonly string[], s: StepFacts, usage: Usage): TrainLogRecord {
  const counts = names.map((_, t) => s.draws.filter((d) => d.task === t).length);
  return {
    type: 'step',
    step: s.step,
    epoch: s.epoch,
    time: Date.now(),
    lr: s.lr,
    loss: s.loss,
    gradNorm: s.gradNorm,
    perTaskLoss: byTask(names, (t) => s.perTaskLoss[t]),
    examplesPerTask: byTask(names, (t) => counts[t]),
    taskMix: byTask(names, (t) => counts[t] / s.draws.length),
    dataUsed: usage.overall,
    perTaskDataUsed: byTask(names, (t) => usage.perTask[t]),
    examplesPerSecond: s.examplesPerSecond,
  };
}

/**
 * The summary in the last line: the best step with its mean (`bestAverage`)
 * and selected score (`bestScore`, named by `selectBy`), the last evaluation
 * (its mean `average` and selected `score`), the data used.
 */
export function finalSummary(
  names: readonly string[],
  best: BestEvaluation | null,
  lastEval: EvalResult | undefined,
  usage: Usage,
  selectBy: SelectBy,
): Record<string, unknown> {
  return {
    selectBy: selectBy.name,
    bestStep: best?.step ?? null,
    bestAverage: best?.average ?? null,
    bestScore: best?.score ?? best?.average ?? null,
    metrics: lastEval?.metrics ?? {},
    scores: lastEval?.scores ?? {},
    average: lastEval?.average ?? null,
    score: lastEval ? selectBy.score(lastEval) : null,
    dataUsed: usage.overall,
    perTaskDataUsed: byTask(names, (t) => usage.perTask[t]),
  };
}
