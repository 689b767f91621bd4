import { bestEval, collect, mainEvals, selectedScore, selectionName, type RunView } from './collect';
import { numAt, own } from './columns';
import { formatCount, formatMetrics, formatNumber, formatPercent } from './format';
import type { LogRecord, Metrics, PerTask, TaskKind } from './types';

export interface FinalTaskRow {
  task: string;
  kind: TaskKind;
  trainSize: number;
  /** Metrics at the best evaluation (the best checkpoint). */
  best: Metrics | null;
  bestScore: number | null;
  /** Metrics at the end (the end record's, else the last evaluation's). */
  end: Metrics | null;
  endScore: number | null;
  /** Fraction of the task's training examples used. */
  dataUsed: number | null;
}

export interface FinalTable {
  /** The model-selection split the metrics are of (null: no evaluation). */
  split: string | null;
  bestStep: number | null;
  endStep: number | null;
  rows: FinalTaskRow[];
  bestAverage: number | null;
  endAverage: number | null;
  /** The selection score's name (e.g. 'paper'); null for logs written before it existed (the average selected). */
  selectBy: string | null;
  /** The selection score at the best evaluation and at the end. */
  bestSelected: number | null;
  endSelected: number | null;
  /** Fraction of all training examples used. */
  dataUsed: number | null;
}

interface Snapshot {
  step: number | null;
  metrics: PerTask<Metrics> | null;
  scores: PerTask | null;
  average: number | null;
  /** The selection score (the average in older logs). */
  score: number | null;
}

function endSnapshot(view: RunView): Snapshot {
  const last = mainEvals(view).at(-1);
  const final = view.end?.final;
  if (final && Object.keys(final.metrics).length) {
    const score = final.score !== undefined ? final.score : final.average;
    return { step: last?.step ?? view.end?.step ?? null, ...final, score };
  }
  return last
    ? { ...last, score: selectedScore(last) }
    : { step: null, metrics: null, scores: null, average: null, score: null };
}

function dataUsed(view: RunView): { overall: number | null; perTask: PerTask | null } {
  const final = view.end?.final;
  if (final && final.dataUsed !== null) return { overall: final.dataUsed, perTask: final.perTaskDataUsed };
  const last = view.steps.at(-1);
  return { overall: last?.dataUsed ?? null, perTask: last?.perTaskDataUsed ?? null };
}

function metricsOf(snapshot: Pick<Snapshot, 'metrics'> | null, task: string): Metrics | null {
  const m = own(snapshot?.metrics, task);
  return typeof m === 'object' && m !== null ? (m as Metrics) : null;
}

/** The final table of a run built from its records or {@link RunView}. */
export function finalTable(source: LogRecord[] | RunView): FinalTable {
  const view = Array.isArray(source) ? collect(source) : source;
  const best = bestEval(view);
  const end = endSnapshot(view);
  const used = dataUsed(view);
  const rows = view.tasks.map((t) => ({
    task: t.name,
    kind: t.kind,
    trainSize: t.trainSize,
    best: metricsOf(best, t.name),
    bestScore: numAt(best?.scores, t.name),
    end: metricsOf(end, t.name),
    endScore: numAt(end.scores, t.name),
    dataUsed: numAt(used.perTask, t.name),
  }));
  return {
    split: view.mainSplit,
    bestStep: best?.step ?? null,
    endStep: end.step,
    rows,
    bestAverage: best?.average ?? null,
    endAverage: end.average,
    selectBy: selectionName(view),
    bestSelected: best ? selectedScore(best) : null,
    endSelected: end.score,
    dataUsed: used.overall,
  };
}

function alignRows(rows: string[][], rightAligned: Set<number>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
  return rows.map((r) => line(r).trimEnd()).join('\n');
}

/**
 * The final table as plain text for a terminal: per task its train size, metrics at
 * the best evaluation and at the end, and the fraction of its data used; then the
 * averages (the mean of the task scores) and, when the log names it, the score that
 * selected the best checkpoint. Columns are aligned with spaces; missing values are `-`.
 */
export function summaryTable(records: LogRecord[]): string {
  const t = finalTable(records);
  if (!t.rows.length) return 'no tasks logged\n';
  const at = (label: string, step: number | null) => (step === null ? label : `${label} @${step}`);
  const split = t.split ? ` (${t.split})` : '';
  const header = ['task', 'train', at('best', t.bestStep) + split, at('end', t.endStep) + split, 'data used'];
  const rows = t.rows.map((r) => [
    r.task,
    formatCount(r.trainSize).replace(/,/g, ''),
    formatMetrics(r.best),
    formatMetrics(r.end),
    formatPercent(r.dataUsed),
  ]);
  const average = ['average', '', formatNumber(t.bestAverage), formatNumber(t.endAverage), formatPercent(t.dataUsed)];
  const selected = t.selectBy
    ? [[`score (${t.selectBy})`, '', formatNumber(t.bestSelected), formatNumber(t.endSelected), '']]
    : [];
  return `${alignRows([header, ...rows, average, ...selected], new Set([1, 4]))}\n`;
}
