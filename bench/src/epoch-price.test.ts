import { describe, expect, it } from 'vitest';
import { bucketedPlan, fixedPlan, planCost, shapeCounts } from './buckets';
import type { EpochResult, EpochTaskResult } from './epoch';
import { priceShapes, withTorch } from './epoch-price';

describe('priceShapes', () => {
  it('prices rows per length as planCost prices the plan', () => {
    const lengths = [5, 9, 12, 30, 31, 64, 7, 8, 100, 17, 3, 40];
    const plan = bucketedPlan(lengths, { batchSize: 4, chunkBatches: 2, multipleOf: 8, maxSeqLength: 128, seed: 1 });
    const stepMs = { '8': 10, '16': 20, '32': 40, '40': 50, '64': 90, '104': 150, '128': 200 };
    const byLength = new Map(Object.entries(stepMs).map(([k, v]) => [Number(k), v]));
    const shapes = Object.fromEntries(shapeCounts(plan));
    expect(priceShapes(shapes, stepMs, 4, 1)).toBeCloseTo(planCost(plan, byLength, 4), 9);
    expect(priceShapes(shapes, stepMs, 4, 10)).toBeCloseTo(10 * planCost(plan, byLength, 4), 9);
    const fixed = Object.fromEntries(shapeCounts(fixedPlan(lengths, 4, 128, 1)));
    expect(priceShapes(fixed, stepMs, 4, 1)).toBe(600); // 12 rows, 3 batches of 200 ms
  });

  it('is null when a length was not timed', () => {
    expect(priceShapes({ '8': 4, '24': 4 }, { '8': 10 }, 4, 1)).toBeNull();
  });
});

function task(name: string, fixed: number, bucketed: number): EpochTaskResult {
  return {
    task: name,
    source: 'measured',
    train_size: 64,
    sample: 32,
    mean_length: 10,
    fixed_epoch_ms: fixed,
    bucketed_epoch_ms: bucketed,
    speedup: fixed / bucketed,
    fixed_efficiency: 0.1,
    bucketed_efficiency: 0.8,
    check_rows: 4,
    max_abs_diff_pooled: 0,
    max_abs_diff_logits: 0,
    fixed_shapes: { '128': 32 },
    bucketed_shapes: { '16': 16, '32': 16 },
  };
}

describe('withTorch', () => {
  const result = {
    batch: 16,
    tasks: [task('cola', 4000, 1000), task('rte', 8000, 2000)],
    overall: { fixed_epoch_ms: 12000, bucketed_epoch_ms: 3000, speedup: 4 },
  } as unknown as EpochResult;

  it('prices both plans with torch times and gives camtl / torch per task and overall', () => {
    // torch: fixed = 2 batches × 100 ms × 2 (scale) = 400; bucketed = (10 + 30) × 2 = 80.
    const r = withTorch(result, { config: 'bert-mini', threads: 2, stepMs: { '16': 10, '32': 30, '128': 100 } });
    expect(r.tasks[0]).toMatchObject({
      torch_fixed_epoch_ms: 400,
      torch_bucketed_epoch_ms: 80,
      torch_speedup: 5,
      fixed_ratio: 10,
      bucketed_ratio: 12.5,
    });
    expect(r.overall).toMatchObject({ torch_fixed_epoch_ms: 800, torch_bucketed_epoch_ms: 160, fixed_ratio: 15 });
    expect(r.overall.bucketed_ratio).toBe(18.75);
    expect(r.torch_config).toBe('bert-mini');
    expect(r.overall.speedup).toBe(4); // camtl's own keys stay
  });

  it('leaves the torch keys null without PyTorch', () => {
    const r = withTorch(result, null);
    expect(r.tasks[1].bucketed_ratio).toBeNull();
    expect(r.overall.torch_fixed_epoch_ms).toBeNull();
    expect(r.torch_step_ms).toBeNull();
  });
});
