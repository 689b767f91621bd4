/** Synthetic training logs for the tests (not exported by the package). */
import type { EvalRecord, LogRecord, RunRecord, StepRecord, TaskInfo } from './types';

export interface SyntheticOptions {
  tasks?: string[];
  steps?: number;
  evalEvery?: number;
  seed?: number;
  end?: boolean;
  /**
   * Log a selection score under this name (as trainers since selectBy do): the
   * average less 0.01 per step, so that it picks an early step where the
   * average picks the last.
   * Without it the log has the older shape (the average selects).
   */
  selectBy?: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const T0 = Date.UTC(2026, 10, 22, 3, 0, 0);

function runRecord(tasks: TaskInfo[], steps: number): RunRecord {
  return {
    type: 'run',
    version: 1,
    time: T0,
    config: {
      epochs: 3,
      batchSize: 32,
      learningRate: 2e-5,
      sampler: 'mt-uncertainty',
      maxSeqLength: 128,
      evalEvery: 10,
      steps,
    },
    tasks,
    model: { name: 'ca-mtl-base', parameters: 112_000_000, trainableParameters: 28_000_000 },
    backend: 'wasm',
    seed: 42,
  };
}

function stepRecord(
  step: number,
  tasks: TaskInfo[],
  random: () => number,
  totalSteps: number,
  drawn: number[],
): StepRecord {
  const mixRaw = tasks.map((_, i) => 1 + i + Math.sin(step / 7 + i) + random());
  const sum = mixRaw.reduce((a, b) => a + b, 0);
  const taskMix = Object.fromEntries(tasks.map((t, i) => [t.name, mixRaw[i] / sum]));
  const counts = tasks.map((_, i) => Math.round(32 * (mixRaw[i] / sum)));
  const perTaskLoss = Object.fromEntries(
    tasks.map((t, i) => [t.name, counts[i] ? (1 + i * 0.3) * Math.exp(-step / 40) + 0.3 * random() : null]),
  );
  counts.forEach((n, i) => (drawn[i] += n));
  // Unique examples: a sample with replacement covers 1 - e^(-draws/size) of the data.
  const used = (i: number) => 1 - Math.exp(-drawn[i] / tasks[i].trainSize);
  const perTaskDataUsed = Object.fromEntries(tasks.map((t, i) => [t.name, used(i)]));
  const total = tasks.reduce((a, t) => a + t.trainSize, 0);
  return {
    type: 'step',
    step,
    epoch: 1 + Math.floor((3 * (step - 1)) / totalSteps),
    time: T0 + step * 850,
    lr: 2e-5 * Math.min(1, step / 10) * (1 - step / (totalSteps + 1)),
    loss: 1.2 * Math.exp(-step / 50) + 0.2 * random(),
    perTaskLoss,
    examplesPerTask: Object.fromEntries(tasks.map((t, i) => [t.name, counts[i]])),
    taskMix,
    dataUsed: tasks.reduce((a, t, i) => a + used(i) * t.trainSize, 0) / total,
    perTaskDataUsed,
    examplesPerSecond: 37 + random() * 4,
    gradNorm: 1 + random(),
  };
}

function evalRecord(step: number, tasks: TaskInfo[], random: () => number, best: boolean): EvalRecord {
  const metrics: EvalRecord['metrics'] = {};
  const scores: EvalRecord['scores'] = {};
  tasks.forEach((t, i) => {
    const base = 0.5 + 0.4 * (1 - Math.exp(-step / (30 + 10 * i))) + 0.02 * random();
    metrics[t.name] =
      t.kind === 'regression' ? { pearson: base, spearmanr: base - 0.01 } : { acc: base, f1: base - 0.03 };
    scores[t.name] = t.kind === 'regression' ? base - 0.005 : base - 0.015;
  });
  const values = Object.values(scores) as number[];
  const average = values.reduce((a, b) => a + b, 0) / values.length;
  return { type: 'eval', step, epoch: 1, time: T0 + step * 850 + 400, split: 'dev', metrics, scores, average, best };
}

function withScore(e: EvalRecord, selectBy: string | undefined): EvalRecord {
  if (!selectBy) return e;
  return { ...e, score: e.average! - 0.01 * e.step, selectBy };
}

/** A plausible run: run, steps, periodic evals (with checkpoints at the best), end. */
export function syntheticLog(options: SyntheticOptions = {}): LogRecord[] {
  const names = options.tasks ?? ['cola', 'mrpc', 'sts-b', 'rte'];
  const steps = options.steps ?? 120;
  const evalEvery = options.evalEvery ?? 20;
  const random = rng(options.seed ?? 7);
  const tasks: TaskInfo[] = names.map((name, i) => ({
    name,
    kind: name.startsWith('sts') ? 'regression' : 'classification',
    numLabels: name.startsWith('sts') ? 1 : 2,
    trainSize: 2000 + 1500 * i,
    devSize: 400 + 50 * i,
  }));
  const out: LogRecord[] = [runRecord(tasks, steps)];
  let bestAverage = -Infinity;
  let bestSelected = -Infinity;
  const drawn = tasks.map(() => 0);
  for (let step = 1; step <= steps; step++) {
    out.push(stepRecord(step, tasks, random, steps, drawn));
    if (step % evalEvery !== 0) continue;
    const probe = withScore(evalRecord(step, tasks, random, false), options.selectBy);
    const selected = probe.score !== undefined ? probe.score : probe.average;
    const best = (selected ?? -Infinity) > bestSelected;
    if (best) [bestSelected, bestAverage] = [selected!, probe.average!];
    out.push({ ...probe, best });
    if (best) out.push({ type: 'checkpoint', step, path: `runs/demo/best`, best: true, time: probe.time + 100 });
  }
  if (options.end !== false) {
    const lastEval = [...out].reverse().find((r): r is EvalRecord => r.type === 'eval');
    const lastStep = [...out].reverse().find((r): r is StepRecord => r.type === 'step');
    out.push({
      type: 'end',
      step: steps,
      time: T0 + steps * 850 + 2000,
      reason: 'done',
      final: {
        bestStep: null,
        bestAverage: Number.isFinite(bestAverage) ? bestAverage : null,
        metrics: lastEval?.metrics ?? {},
        scores: lastEval?.scores ?? {},
        average: lastEval?.average ?? null,
        dataUsed: lastStep?.dataUsed ?? null,
        perTaskDataUsed: lastStep?.perTaskDataUsed ?? {},
        bestCheckpoint: 'runs/demo/best',
        ...(options.selectBy
          ? { selectBy: options.selectBy, bestScore: bestSelected, score: lastEval?.score ?? null }
          : {}),
      },
    });
  }
  return out;
}

export function toJsonl(records: LogRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
