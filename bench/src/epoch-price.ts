// `bench epoch` against PyTorch with the same batches: the worker returns, per
// task, how many sample rows each plan pads to each length; the torch script
// times a train step at every one of those (batch, length) shapes; this prices
// both plans with torch's times exactly as camtl's are priced. Pure.
import type { EpochResult, EpochTaskResult } from './epoch';
import { ratio, round } from './stats';

export interface TorchEpochColumns {
  torch_fixed_epoch_ms: number | null;
  torch_bucketed_epoch_ms: number | null;
  /** PyTorch's own fixed / bucketed. */
  torch_speedup: number | null;
  /** camtl / PyTorch, fixed 128 padding. */
  fixed_ratio: number | null;
  /** camtl / PyTorch, bucketed (dynamic padding). */
  bucketed_ratio: number | null;
}

export type EpochTaskReport = EpochTaskResult & TorchEpochColumns;

export interface EpochReport extends EpochResult {
  tasks: EpochTaskReport[];
  overall: EpochResult['overall'] & TorchEpochColumns;
  torch_config: string | null;
  torch_threads: number | null;
  /** PyTorch's median train step per padded length (batch `batch`); null without PyTorch. */
  torch_step_ms: Record<string, number> | null;
}

/**
 * An epoch's cost from rows per padded length: each batch costs its shape's
 * step time, partial batches pro rata by rows (as `planCost`), scaled from the
 * sample to the train split. null when a length has no time.
 */
export function priceShapes(
  shapes: Record<string, number>,
  stepMs: Record<string, number>,
  batch: number,
  scale: number,
): number | null {
  let total = 0;
  for (const [length, rows] of Object.entries(shapes)) {
    const ms = stepMs[length];
    if (ms == null || !Number.isFinite(ms)) return null;
    total += (ms * rows) / batch;
  }
  return total * scale;
}

function columns(
  camtlFixed: number | null,
  camtlBucketed: number | null,
  fixed: number | null,
  bucketed: number | null,
) {
  return {
    torch_fixed_epoch_ms: round(fixed, 0),
    torch_bucketed_epoch_ms: round(bucketed, 0),
    torch_speedup: round(ratio(fixed, bucketed), 3),
    fixed_ratio: round(ratio(camtlFixed, fixed), 3),
    bucketed_ratio: round(ratio(camtlBucketed, bucketed), 3),
  };
}

export function taskColumns(t: EpochTaskResult, stepMs: Record<string, number> | null, batch: number) {
  const scale = t.train_size / t.sample;
  const fixed = stepMs ? priceShapes(t.fixed_shapes, stepMs, batch, scale) : null;
  const bucketed = stepMs ? priceShapes(t.bucketed_shapes, stepMs, batch, scale) : null;
  return columns(t.fixed_epoch_ms, t.bucketed_epoch_ms, fixed, bucketed);
}

const sum = (xs: (number | null)[]): number | null =>
  xs.some((x) => x == null) ? null : xs.reduce<number>((a, x) => a + x!, 0);

/** The worker's result with PyTorch's cost of the same batches per task and overall. */
export function withTorch(
  r: EpochResult,
  torch: { config: string; threads: number; stepMs: Record<string, number> } | null,
): EpochReport {
  const tasks = r.tasks.map((t) => ({ ...t, ...taskColumns(t, torch?.stepMs ?? null, r.batch) }));
  const fixed = torch ? sum(tasks.map((t) => t.torch_fixed_epoch_ms)) : null;
  const bucketed = torch ? sum(tasks.map((t) => t.torch_bucketed_epoch_ms)) : null;
  return {
    ...r,
    tasks,
    overall: { ...r.overall, ...columns(r.overall.fixed_epoch_ms, r.overall.bucketed_epoch_ms, fixed, bucketed) },
    torch_config: torch?.config ?? null,
    torch_threads: torch?.threads ?? null,
    torch_step_ms: torch ? Object.fromEntries(Object.entries(torch.stepMs).map(([k, v]) => [k, round(v)!])) : null,
  };
}
