import { CamtlError } from '@camtl/core';
import type { ComparisonRow, ComparisonStat } from '@camtl/report';
import { parseLog, type EndRecord, type EvalRecord, type LogRecord } from '@camtl/report';

/** What one finished run of an ablation gave: `result.json` in its folder (its presence = done). */
export interface AblateRunResult {
  arm: string;
  seed: number;
  fraction: number;
  /** The step of the best evaluation (the kept model). */
  bestStep: number;
  steps: number;
  /** Task (dev set) → its main score at the best evaluation. */
  tasks: Record<string, number | null>;
  /** Run scores at the best evaluation: 'mean' (core's average) and, for GLUE, the paper's. */
  scores: Record<string, number | null>;
  /** Share of the run's training rows drawn at least once (0..1). */
  dataUsed: number | null;
  wallSeconds: number;
}

export const RESULT_FILE = 'result.json';

/**
 * The run scores of an evaluation: the selection score when it is not the
 * mean (for GLUE tasks the paper convention, WNLI left out: 'GLUE (paper)'),
 * then core's mean of the task scores.
 */
export function runScores(ev: EvalRecord): Record<string, number | null> {
  const selected = ev.selectBy && ev.selectBy !== 'mean' && ev.score !== undefined;
  const name = ev.selectBy === 'paper' ? 'GLUE (paper)' : String(ev.selectBy);
  return { ...(selected ? { [name]: ev.score ?? null } : {}), mean: ev.average };
}

/** Reads a finished run's log: the evaluation at its best step, or why it has none. */
export function runResult(
  log: string,
  run: { arm: string; seed: number; fraction: number; wallSeconds: number },
  where: string,
): AblateRunResult | 'interrupted' {
  const records: LogRecord[] = parseLog(log);
  const end = records.filter((r): r is EndRecord => r.type === 'end').pop();
  if (end?.reason === 'interrupted') return 'interrupted';
  const evals = records.filter((r): r is EvalRecord => r.type === 'eval');
  const best = evals.filter((r) => r.step === end?.final.bestStep).pop();
  if (!end || !best)
    throw new CamtlError('BAD_FILE', `${where}: the run ended without a best evaluation`, 'see its train.jsonl');
  return {
    ...run,
    bestStep: best.step,
    steps: end.step,
    tasks: { ...best.scores },
    scores: runScores(best),
    dataUsed: end.final.dataUsed,
  };
}

/** Mean and sample standard deviation (n − 1) of the finite values; sd null below two. */
export function stat(values: ReadonlyArray<number | null | undefined>): ComparisonStat {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, sd: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length < 2 ? null : Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return { mean, sd, n: xs.length };
}

/** One row per (arm, fraction) over the seeds that finished, in the arms' and fractions' order. */
export function aggregate(
  results: readonly AblateRunResult[],
  arms: readonly string[],
  fractions: readonly number[],
): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const fraction of fractions)
    for (const arm of arms) {
      const mine = results.filter((r) => r.arm === arm && r.fraction === fraction);
      if (mine.length === 0) continue;
      const keys = (pick: (r: AblateRunResult) => Record<string, unknown>) => [
        ...new Set(mine.flatMap((r) => Object.keys(pick(r)))),
      ];
      const over = (pick: (r: AblateRunResult) => Record<string, number | null>) =>
        Object.fromEntries(keys(pick).map((k) => [k, stat(mine.map((r) => pick(r)[k]))]));
      const wall = mine.reduce((a, r) => a + r.wallSeconds, 0);
      rows.push({
        arm,
        fraction,
        seeds: mine.map((r) => r.seed),
        tasks: over((r) => r.tasks),
        scores: over((r) => r.scores),
        dataUsed: stat(mine.map((r) => r.dataUsed)),
        wallSeconds: { total: wall, mean: wall / mine.length },
      });
    }
  return rows;
}
