import { describe, expect, it } from 'vitest';
import { buildRow, type SpeedRow } from './row';
import { aggregateRuns, medianOf, spread } from './runs';

const config = { name: 'bert-mini', batch: 16, seq: 128, torchConfig: 'bert-mini', kind: 'bert' };

/** One run's row: camtl's and PyTorch's medians of that run. */
function run(train: number, infer: number, torchTrain: number, torchInfer: number, extra = {}): SpeedRow {
  return buildRow({
    backend: 'wasm',
    config,
    worker: {
      train_median_ms: train,
      infer_median_ms: infer,
      train_steps: 10,
      infer_steps: 10,
      peak_rss_mb: 1300,
      num_tensors_before: 120,
      num_tensors_after: 120,
      threads: 2,
      notes: ['same note'],
      ...extra,
    },
    torch: { config: 'bert-mini', train_ms_median: torchTrain, infer_ms_median: torchInfer, peak_rss_mb: 1000 },
    torchThreads: 2,
    ort: {
      ort_infer_median_ms: infer / 2,
      ort_infer_first_ms: infer,
      ort_infer_steps: 10,
      ort_peak_rss_mb: 300,
      ort_max_abs_diff: 0,
      ort_version: '1.31.1',
      notes: [],
    },
  });
}

describe('spread and medianOf', () => {
  it('takes [min, max] and the median of the measured values only', () => {
    expect(spread([3, null, 1, 2])).toEqual([1, 3]);
    expect(spread([null, null])).toBeNull();
    expect(medianOf([3, null, 1, 2], 2)).toBe(2);
    expect(medianOf([1, 2], 2)).toBe(1.5);
    expect(medianOf([null], 2)).toBeNull();
  });
});

describe('aggregateRuns', () => {
  it('reports the median over runs of each run, and the median of the per-run ratios', () => {
    // Per-run train ratios 1.0, 2.0, 1.1: their median (1.1) is not the ratio of the medians (1100/1000).
    const rows = [run(1000, 500, 1000, 250), run(1100, 400, 550, 400), run(1210, 600, 1100, 300)];
    const r = aggregateRuns(rows);
    expect(r.runs).toBe(3);
    expect(r.train_median_ms).toBe(1100);
    expect(r.train_median_ms_spread).toEqual([1000, 1210]);
    expect(r.torch_train_median_ms).toBe(1000);
    expect(r.train_ratio).toBe(1.1);
    expect(r.train_ratio_spread).toEqual([1, 2]);
    expect(r.infer_ratio).toBe(2);
    expect(r.infer_ratio_spread).toEqual([1, 2]);
    expect(r.ort_infer_ratio).toBe(2);
    expect(r.ort_infer_median_ms_spread).toEqual([200, 300]);
    expect(r.train_steps).toBe(30);
    expect(r.notes).toEqual(['same note']);
    expect(r.runs_detail.map((d) => [d.run, d.train_ratio])).toEqual([
      [1, 1],
      [2, 2],
      [3, 1.1],
    ]);
  });

  it('marks the issue-12 targets on the medians', () => {
    const r = aggregateRuns([run(900, 500, 1000, 400), run(1100, 300, 1000, 400), run(950, 500, 1000, 400)]);
    expect(r.targets.train_ratio).toEqual({ max: 1, value: 0.95, met: true });
    expect(r.targets.infer_ratio).toEqual({ max: 1, value: 1.25, met: false });
    expect(r.targets.rss_ratio).toEqual({ max: 1.3, value: 1.3, met: true });
  });

  it('is the one run itself for --runs 1', () => {
    const one = run(1500, 510, 1000, 340);
    const r = aggregateRuns([one]);
    for (const key of ['train_median_ms', 'infer_median_ms', 'train_ratio', 'infer_ratio', 'rss_ratio'] as const) {
      expect(r[key]).toBe(one[key]);
    }
    expect(r.train_ratio_spread).toEqual([1.5, 1.5]);
  });

  it('skips a failed run in the medians and keeps the run whose tensor count moved', () => {
    const failed = run(1000, 500, 1000, 250, { infer_median_ms: undefined, num_tensors_after: 125 });
    const r = aggregateRuns([run(1000, 500, 1000, 250), failed, run(1200, 700, 1000, 250)]);
    expect(r.infer_median_ms).toBe(600);
    expect(r.infer_median_ms_spread).toEqual([500, 700]);
    expect(r.runs_detail[1].infer_median_ms).toBeNull();
    expect(r.num_tensors_after).toBe(125);
  });

  it('refuses no runs', () => {
    expect(() => aggregateRuns([])).toThrow(/no runs/);
  });
});
