import { describe, expect, it } from 'vitest';
import { buildRow } from './row';

const config = { name: 'bert-mini', batch: 16, seq: 128, torchConfig: 'bert-mini', kind: 'bert' };
const worker = {
  train_median_ms: 1500,
  infer_median_ms: 510,
  train_first_ms: 2000,
  infer_first_ms: 600,
  train_steps: 8,
  infer_steps: 10,
  peak_rss_mb: 1300,
  num_tensors_before: 120,
  num_tensors_after: 120,
  threads: 1,
  params: 11_000_000,
  device: 'CPU (wasm, SIMD, 1 thread)',
  notes: ['a note'],
};
const torch = { config: 'bert-mini', train_ms_median: 1000, infer_ms_median: 340, peak_rss_mb: 1000 };

describe('buildRow', () => {
  it('has the contract keys and the camtl/PyTorch ratios', () => {
    const row = buildRow({ backend: 'wasm', config, worker, torch, torchThreads: 2 });
    expect(row).toMatchObject({
      backend: 'wasm',
      config: 'bert-mini',
      train_median_ms: 1500,
      infer_median_ms: 510,
      train_ratio: 1.5,
      infer_ratio: 1.5,
      rss_ratio: 1.3,
      torch_threads: 2,
      threads: 1,
      notes: ['a note'],
    });
    expect(Object.keys(row).slice(0, 4)).toEqual(['backend', 'config', 'train_median_ms', 'infer_median_ms']);
  });

  it('gives null ratios and says why without torch', () => {
    const row = buildRow({ backend: 'wasm', config, worker, torchThreads: 2, torchNote: 'PyTorch not importable' });
    expect(row.train_ratio).toBeNull();
    expect(row.torch_train_median_ms).toBeNull();
    expect(row.torch_threads).toBeNull();
    expect(row.notes).toContain('PyTorch not importable');
  });

  it('keeps partial results of a failed worker and records the failure', () => {
    const row = buildRow({
      backend: 'cpu',
      config,
      worker: { train_median_ms: 9000, train_steps: 1 },
      error: 'killed',
      torchThreads: 2,
    });
    expect(row.train_median_ms).toBe(9000);
    expect(row.infer_median_ms).toBeNull();
    expect(row.notes).toEqual(['failed: killed']);
  });

  it('names the torch stand-in of a CA-MTL config', () => {
    const camtl = { ...config, name: 'camtl-mini', kind: 'camtl' };
    expect(buildRow({ backend: 'wasm', config: camtl, worker, torch, torchThreads: 2 }).notes.at(-1)).toMatch(
      /plain bert-mini BERT/,
    );
  });
});
