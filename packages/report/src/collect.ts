import type { CheckpointRecord, EndRecord, EvalRecord, LogRecord, RunRecord, StepRecord, TaskInfo } from './types';

/** A log's records sorted out: what a report and a summary are built from. */
export interface RunView {
  /** The first run record (the settings the run started with). */
  run: RunRecord | null;
  /** Run records after the first (resumptions). */
  resumes: RunRecord[];
  /** Tasks of the run record, then any other task names the records mention. */
  tasks: TaskInfo[];
  /** One per step, in step order; a repeated step (after a resume) keeps its last record. */
  steps: StepRecord[];
  /** Split → evaluations in step order (one per step, the last written). */
  evals: Map<string, EvalRecord[]>;
  /** The model-selection split: that of the evaluations marked best, else "dev", else the first. */
  mainSplit: string | null;
  checkpoints: CheckpointRecord[];
  /** The last end record, if the run ended cleanly enough to write one. */
  end: EndRecord | null;
  /** Time of the first and the last record that has one. */
  startTime: number | null;
  lastTime: number | null;
}

function byStep<T extends { step: number }>(records: T[]): T[] {
  const last = new Map<number, T>();
  for (const r of records) last.set(r.step, r);
  return [...last.values()].sort((a, b) => a.step - b.step);
}

function groupEvals(evals: EvalRecord[]): Map<string, EvalRecord[]> {
  const bySplit = new Map<string, EvalRecord[]>();
  for (const e of evals) {
    const list = bySplit.get(e.split) ?? [];
    list.push(e);
    bySplit.set(e.split, list);
  }
  for (const [split, list] of bySplit) bySplit.set(split, byStep(list));
  return bySplit;
}

function pickMainSplit(evals: EvalRecord[]): string | null {
  const best = evals.find((e) => e.best);
  if (best) return best.split;
  if (evals.some((e) => e.split === 'dev')) return 'dev';
  return evals[0]?.split ?? null;
}

/** Task names the step and eval records mention that the run record does not list. */
function extraTasks(known: Set<string>, steps: StepRecord[], evals: EvalRecord[]): TaskInfo[] {
  const names = new Set<string>();
  const add = (o: object) => Object.keys(o).forEach((k) => known.has(k) || names.add(k));
  for (const s of steps) [s.perTaskLoss, s.taskMix, s.perTaskDataUsed].forEach(add);
  for (const e of evals) add(e.scores);
  return [...names].map((name) => ({ name, kind: 'classification', numLabels: 0, trainSize: 0 }));
}

function timeRange(records: LogRecord[]): [number | null, number | null] {
  let first: number | null = null;
  let last: number | null = null;
  for (const r of records) {
    if (typeof r.time !== 'number') continue;
    first = first === null ? r.time : Math.min(first, r.time);
    last = last === null ? r.time : Math.max(last, r.time);
  }
  return [first, last];
}

export function collect(records: LogRecord[]): RunView {
  const of = <T extends LogRecord['type']>(type: T) =>
    records.filter((r): r is Extract<LogRecord, { type: T }> => r.type === type);
  const runs = of('run');
  const steps = byStep(of('step'));
  const evals = of('eval');
  const run = runs[0] ?? null;
  const listed = run?.tasks ?? [];
  const tasks = [...listed, ...extraTasks(new Set(listed.map((t) => t.name)), steps, evals)];
  const [startTime, lastTime] = timeRange(records);
  return {
    run,
    resumes: runs.slice(1),
    tasks,
    steps,
    evals: groupEvals(evals),
    mainSplit: pickMainSplit(evals),
    checkpoints: of('checkpoint'),
    end: of('end').at(-1) ?? null,
    startTime,
    lastTime,
  };
}

/** The main split's evaluations (empty without any). */
export function mainEvals(view: RunView): EvalRecord[] {
  return view.mainSplit === null ? [] : (view.evals.get(view.mainSplit) ?? []);
}

/** The score an evaluation was selected by: its `score`, else (older logs) its average. */
export function selectedScore(e: EvalRecord): number | null {
  return e.score !== undefined ? e.score : e.average;
}

/** The name of the selection score of the run's evaluations; null in logs written before it existed. */
export function selectionName(view: RunView): string | null {
  return mainEvals(view).find((e) => typeof e.selectBy === 'string')?.selectBy ?? null;
}

/** The best evaluation: the last marked best, else the one with the highest selected score. */
export function bestEval(view: RunView): EvalRecord | null {
  const evals = mainEvals(view);
  const marked = evals.filter((e) => e.best).at(-1);
  if (marked) return marked;
  let best: EvalRecord | null = null;
  for (const e of evals) {
    const s = selectedScore(e);
    if (s !== null && (best === null || s > (selectedScore(best) ?? -Infinity))) best = e;
  }
  return best;
}
