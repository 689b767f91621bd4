import { bestEval, selectedScore, type RunView } from './collect';
import type { Column, EvalColumns, ReportData, StepColumns, TaskMetricColumns } from './report-data';
import type { EvalRecord, StepRecord } from './types';

/** A record's own property (never one inherited from Object.prototype, e.g. a task named "constructor"). */
export function own(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** The own numeric value of `o[key]`, else null. */
export function numAt(o: unknown, key: string): number | null {
  const v = own(o, key);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function mean(values: unknown[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : null;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function stepColumns(steps: StepRecord[], tasks: string[], bucket: number): StepColumns {
  const groups = chunks(steps, bucket);
  const last = (g: StepRecord[]) => g[g.length - 1];
  const col = (f: (g: StepRecord[]) => number | null): Column => groups.map(f);
  const meanOf = (f: (s: StepRecord) => unknown) => col((g) => mean(g.map(f)));
  return {
    step: groups.map((g) => last(g).step),
    epoch: groups.map((g) => last(g).epoch),
    lr: col((g) => last(g).lr),
    loss: meanOf((s) => s.loss),
    gradNorm: meanOf((s) => s.gradNorm),
    examplesPerSecond: meanOf((s) => s.examplesPerSecond),
    dataUsed: col((g) => last(g).dataUsed),
    perTaskLoss: tasks.map((t) => meanOf((s) => own(s.perTaskLoss, t))),
    // A task missing from a step's mix had no share of it.
    taskMix: tasks.map((t) => meanOf((s) => numAt(s.taskMix, t) ?? 0)),
    perTaskDataUsed: tasks.map((t) => col((g) => numAt(last(g).perTaskDataUsed, t))),
  };
}

function metricColumns(evals: EvalRecord[], task: string): TaskMetricColumns {
  const names: string[] = [];
  for (const e of evals) {
    const m = own(e.metrics, task);
    if (typeof m === 'object' && m !== null) names.push(...Object.keys(m).filter((k) => !names.includes(k)));
  }
  return { names, values: names.map((name) => evals.map((e) => numAt(own(e.metrics, task), name))) };
}

function evalColumns(split: string, evals: EvalRecord[], tasks: string[]): EvalColumns {
  return {
    split,
    step: evals.map((e) => e.step),
    average: evals.map((e) => e.average),
    score: evals.map(selectedScore),
    selectBy: evals.find((e) => typeof e.selectBy === 'string')?.selectBy ?? null,
    scores: tasks.map((t) => evals.map((e) => numAt(e.scores, t))),
    metrics: tasks.map((t) => metricColumns(evals, t)),
  };
}

export interface ReportDataOptions {
  /** Most points per step series; longer logs are averaged over buckets of steps. Default 4000. */
  maxPoints?: number;
}

/** The plot data of a run: step and eval columns, checkpoints and the best step. */
export function buildReportData(view: RunView, options: ReportDataOptions = {}): ReportData {
  const tasks = view.tasks.map((t) => t.name);
  const maxPoints = Math.max(1, Math.floor(options.maxPoints ?? 4000));
  const bucket = Math.max(1, Math.ceil(view.steps.length / maxPoints));
  const splits = [...view.evals.keys()].sort((a, b) => Number(b === view.mainSplit) - Number(a === view.mainSplit));
  return {
    tasks,
    steps: stepColumns(view.steps, tasks, bucket),
    evals: splits.map((split) => evalColumns(split, view.evals.get(split) ?? [], tasks)),
    checkpoints: view.checkpoints.map((c) => ({ step: c.step, best: c.best })),
    bestStep: bestEval(view)?.step ?? null,
    bucket,
  };
}
