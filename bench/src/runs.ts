// `--runs N`: the same measurement N times, each run a PyTorch process and then
// a worker per backend, folded into one row per (config, backend). The reported
// numbers are medians over the runs of each run's own (per-step median) numbers,
// and every ratio is the median of the per-run ratios (each from one machine
// state), with [min, max] over the runs beside it. Pure, so it is tested.
import type { SpeedRow } from './row';
import { median, round } from './stats';
import { markTargets, type TargetMarks } from './targets';

export type Spread = [number, number] | null;

/** The per-run values of a row that are folded: medians with a spread. */
export const RUN_KEYS = [
  'train_median_ms',
  'infer_median_ms',
  'peak_rss_mb',
  'torch_train_median_ms',
  'torch_infer_median_ms',
  'torch_peak_rss_mb',
  'ort_infer_median_ms',
  'train_ratio',
  'infer_ratio',
  'rss_ratio',
  'ort_infer_ratio',
] as const;

export type RunKey = (typeof RUN_KEYS)[number];
export type RunDetail = { run: number } & Record<RunKey, number | null>;

export interface SpeedReport extends SpeedRow {
  runs: number;
  train_median_ms_spread: Spread;
  infer_median_ms_spread: Spread;
  peak_rss_mb_spread: Spread;
  torch_train_median_ms_spread: Spread;
  torch_infer_median_ms_spread: Spread;
  torch_peak_rss_mb_spread: Spread;
  ort_infer_median_ms_spread: Spread;
  train_ratio_spread: Spread;
  infer_ratio_spread: Spread;
  rss_ratio_spread: Spread;
  ort_infer_ratio_spread: Spread;
  /** Issue 12's targets for this config, judged on the medians. */
  targets: TargetMarks;
  runs_detail: RunDetail[];
}

const present = (values: readonly (number | null)[]): number[] =>
  values.filter((v): v is number => v != null && Number.isFinite(v));

/** [min, max] of the values that were measured; null when none was. */
export function spread(values: readonly (number | null)[]): Spread {
  const xs = present(values);
  return xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
}

/** The median of the values that were measured; null when none was (a failed run does not count as 0). */
export function medianOf(values: readonly (number | null)[], digits: number): number | null {
  return round(median(present(values)), digits);
}

const digitsOf = (key: RunKey): number => (key.endsWith('_ratio') ? 3 : key.endsWith('rss_mb') ? 1 : 2);

/** The run whose tensor count moved most (a leak in any run must show), else the first. */
function worstTensors(rows: readonly SpeedRow[]): SpeedRow {
  const moved = (r: SpeedRow) => Math.abs((r.num_tensors_after ?? 0) - (r.num_tensors_before ?? 0));
  return rows.reduce((worst, r) => (moved(r) > moved(worst) ? r : worst), rows[0]);
}

function firstOf<K extends keyof SpeedRow>(rows: readonly SpeedRow[], key: K): SpeedRow[K] {
  return rows.find((r) => r[key] != null)?.[key] ?? rows[0][key];
}

/** One row from the runs of one (config, backend), in run order. */
export function aggregateRuns(rows: readonly SpeedRow[]): SpeedReport {
  if (rows.length === 0) throw new Error('aggregateRuns: no runs');
  const folded = Object.fromEntries(
    RUN_KEYS.map((k) => [
      k,
      medianOf(
        rows.map((r) => r[k]),
        digitsOf(k),
      ),
    ]),
  ) as Record<RunKey, number | null>;
  const spreads = Object.fromEntries(RUN_KEYS.map((k) => [`${k}_spread`, spread(rows.map((r) => r[k]))]));
  const tensors = worstTensors(rows);
  const profiled = rows.find((r) => r.profile);
  return {
    ...rows[0],
    ...folded,
    train_first_ms: medianOf(
      rows.map((r) => r.train_first_ms),
      2,
    ),
    infer_first_ms: medianOf(
      rows.map((r) => r.infer_first_ms),
      2,
    ),
    train_steps: rows.reduce((a, r) => a + r.train_steps, 0),
    infer_steps: rows.reduce((a, r) => a + r.infer_steps, 0),
    num_tensors_before: tensors.num_tensors_before,
    num_tensors_after: tensors.num_tensors_after,
    threads: firstOf(rows, 'threads'),
    torch_threads: firstOf(rows, 'torch_threads'),
    params: firstOf(rows, 'params'),
    device: firstOf(rows, 'device'),
    torch_config: firstOf(rows, 'torch_config'),
    notes: [...new Set(rows.flatMap((r) => r.notes))],
    ...(profiled ? { profile: profiled.profile } : {}),
    runs: rows.length,
    ...spreads,
    targets: markTargets(rows[0].config, folded),
    runs_detail: rows.map((r, i) => ({
      run: i + 1,
      ...(Object.fromEntries(RUN_KEYS.map((k) => [k, r[k]])) as Record<RunKey, number | null>),
    })),
  } as SpeedReport;
}
