import { describe, expect, it } from 'vitest';
import { buildRow } from './row';
import { aggregateRuns } from './runs';
import { formatMs, formatRatio } from './stats';
import { memoryTable, range, speedTable, withSpread } from './tables';

const config = { name: 'bert-mini', batch: 16, seq: 128, torchConfig: 'bert-mini', kind: 'bert' };
const torch = { config: 'bert-mini', train_ms_median: 1000, infer_ms_median: 340, peak_rss_mb: 1000 };
const row = (train: number) =>
  buildRow({
    backend: 'wasm',
    config,
    worker: {
      train_median_ms: train,
      infer_median_ms: 510,
      peak_rss_mb: 1300,
      num_tensors_before: 120,
      num_tensors_after: 120,
    },
    torch,
    torchThreads: 2,
  });

describe('range and withSpread', () => {
  it('writes a shared unit once', () => {
    expect(range('980 ms', '1040 ms')).toBe('980–1040 ms');
    expect(range('0.98×', '1.12×')).toBe('0.98–1.12×');
    expect(range('980 ms', '12.3 s')).toBe('980 ms–12.3 s');
  });
  it('shows the spread only for several runs that differ', () => {
    expect(withSpread('1.05×', [0.98, 1.12], formatRatio, 3)).toBe('1.05× (0.98–1.12×)');
    expect(withSpread('1.05×', [1.05, 1.05], formatRatio, 3)).toBe('1.05×');
    expect(withSpread('1000 ms', [900, 1100], formatMs, 1)).toBe('1000 ms');
    expect(withSpread('—', null, formatMs, 3)).toBe('—');
  });
});

describe('speedTable and memoryTable', () => {
  it('print median, spread and target per row', () => {
    const report = aggregateRuns([row(900), row(1500), row(1000)]);
    const lines = speedTable([report]).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('1000 ms (900–1500 ms)');
    expect(lines[2]).toContain('1.00× (0.90–1.50×)');
    expect(lines[2]).toContain('≤ 1.0 met');
    expect(lines[2]).toContain('≤ 1.0 NOT met'); // inference 1.5×
    expect(lines[2]).toContain('120→120');
    expect(memoryTable([report]).split('\n')[2]).toContain('≤ 1.3 met');
  });
});
