import { describe, expect, it } from 'vitest';
import { REFERENCE_TASKS } from '@camtl/ca-mtl';
import { resolveTrainConfig } from './config';

const GLUE = { model: './bert-base-cased', data: './glue' };

describe('--preset reference', () => {
  it("resolves to every behaviour of the official code's README command", () => {
    const cfg = resolveTrainConfig({}, { ...GLUE, preset: 'reference' });
    expect(cfg).toMatchObject({
      preset: 'reference',
      tasks: REFERENCE_TASKS, // 9, WNLI included
      variant: 'base',
      caMtl: { cln: { conditionShift: false }, alignment: { mode: 'film' }, headDropout: 0.1 },
      freeze: [0, 4],
      fixQuirk: false,
      sampler: 'mt-uncertainty',
      samplerOptions: {
        score: 'reference',
        scoreMode: 'reference',
        regression: { kind: 'borrow', from: 'mrpc' },
        streams: 'restart-each-epoch',
      },
      batchSize: 8,
      learningRate: 2e-5,
      epochs: 5,
      seed: 12,
      warmupRatio: 0.1,
      weightDecay: 0,
      maxGradNorm: 1,
      maxSeqLength: 128,
      padding: 'max',
      truncation: 'longest-first-reference',
      trainer: { decay: 'linear', adamEpsilon: 1e-8 },
    });
    expect(cfg.tasks).toHaveLength(9);
    expect(resolveTrainConfig({}, { ...GLUE, preset: 'reference', variant: 'large' }).freeze).toEqual([0, 11]);
  });

  it('gives way to the config file and the flags', () => {
    const cfg = resolveTrainConfig(
      {
        preset: 'reference',
        sampler: { name: 'mt-uncertainty', candidatesPerTask: 4 },
        model: { cln: { conditionRows: 'per-example' } },
      },
      { ...GLUE, 'batch-size': '32', freeze: '0-5', tasks: 'rte,mrpc' },
    );
    expect(cfg).toMatchObject({ batchSize: 32, freeze: [0, 5], tasks: ['rte', 'mrpc'], padding: 'max' });
    expect(cfg.samplerOptions).toEqual({
      score: 'reference',
      scoreMode: 'reference',
      regression: { kind: 'borrow', from: 'mrpc' },
      streams: 'restart-each-epoch',
      candidatesPerTask: 4,
    });
    expect(cfg.caMtl.cln).toEqual({ conditionShift: false, conditionRows: 'per-example' });
    expect(resolveTrainConfig({}, { ...GLUE, preset: 'reference', sampler: 'proportional' }).samplerOptions).toEqual(
      {},
    );
  });
});

describe('--preset paper', () => {
  it("resolves to the paper's behaviours", () => {
    const cfg = resolveTrainConfig({ preset: 'paper', ...GLUE }, {});
    expect(cfg).toMatchObject({
      preset: 'paper',
      tasks: ['cola', 'mnli', 'rte', 'qqp', 'sts-b', 'sst-2', 'qnli', 'mrpc'], // 8, no WNLI
      caMtl: { cln: { conditionShift: true }, alignment: { mode: 'matrix' } },
      freeze: [0, 5], // the bottom half
      fixQuirk: true,
      sampler: 'mt-uncertainty',
      samplerOptions: { score: 'paper', scoreMode: 'eval', regression: { kind: 'quantile' }, streams: 'continue' },
      batchSize: 32,
      learningRate: 2e-5,
      padding: 'longest',
      truncation: 'longest-first',
    });
    expect(resolveTrainConfig({}, { ...GLUE, preset: 'paper', variant: 'large' }).freeze).toEqual([0, 11]);
  });

  it('keeps the synthetic suite and custom tasks their own task lists, and no freezing from scratch', () => {
    const synthetic = resolveTrainConfig({}, { preset: 'paper' });
    expect(synthetic.tasks).toBeUndefined();
    expect(synthetic.freeze).toBeUndefined();
    expect(resolveTrainConfig({}, { ...GLUE, preset: 'paper', 'task-def': 'mine.json' }).tasks).toBeUndefined();
  });
});
