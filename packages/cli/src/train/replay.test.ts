import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadHfCheckpoint, parseSchedule } from '@camtl/core';
import { nodeFileSystem } from '@camtl/backend-node';
import { samplerNames } from '@camtl/sampler';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tmp } from '../test-helpers';
import { resolveTrainConfig } from './config';

// A few steps of the built-in suite (8 epochs planned), on 24 rows per split.
const QUICK = ['--limit', '24', '--batch-size', '4', '--seed', '3'];

const text = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const steps = (dir: string) =>
  text(dir, 'train.jsonl')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'step');

describe('camtl train: schedule.jsonl, --model CA-MTL checkpoint, --dropout', () => {
  let first: string;
  beforeAll(async () => {
    first = join(tmp(), 'first');
    const r = await run('train', '--output', first, '--max-steps', '3', '--backend', 'cpu', ...QUICK);
    expect(r.code, r.stderr).toBe(0);
  });

  it('every run writes schedule.jsonl: one line per step, rows named by task and train-split index', () => {
    const schedule = parseSchedule(text(first, 'schedule.jsonl'), 'schedule.jsonl');
    expect(schedule).toHaveLength(3);
    const tasks = JSON.parse(text(first, 'run.json')).tasks as string[];
    for (const line of schedule) {
      expect(line.rows).toHaveLength(4);
      for (const row of line.rows) {
        expect(tasks).toContain(row.task);
        expect(row.index).toBeGreaterThanOrEqual(0);
        expect(row.index).toBeLessThan(24); // --limit 24: the first 24 rows of the split
      }
    }
    expect(
      steps(first).map((s) => Object.values(s.examplesPerTask).reduce((a: number, b) => a + Number(b), 0)),
    ).toEqual([4, 4, 4]);
  });

  it('--model takes a CA-MTL checkpoint: training starts from all its weights, heads included', async () => {
    const out = join(tmp(), 'again');
    // One step; its update runs at lr 0 (warmup), so the step-1 checkpoint holds the starting weights.
    const r = await run(
      'train',
      '--model',
      join(first, 'model'),
      '--freeze',
      'none',
      '--dropout',
      '0',
      '--output',
      out,
      '--max-steps',
      '1',
      '--backend',
      'cpu',
      ...QUICK,
    );
    expect(r.code, r.stderr).toBe(0);
    const fs = nodeFileSystem();
    const start = await loadHfCheckpoint(join(first, 'model'), fs);
    const after = await loadHfCheckpoint(join(out, 'checkpoints', 'checkpoint-0000001'), fs);
    expect([...after.tensors.keys()].sort()).toEqual([...start.tensors.keys()].sort());
    expect([...start.tensors.keys()].some((k) => k.startsWith('decoders.'))).toBe(true);
    for (const [name, t] of start.tensors)
      expect(Array.from(after.tensors.get(name)!.data), name).toEqual(Array.from(t.data));
    // --dropout 0: hidden, attention and head dropout, saved with the model.
    expect(after.config).toMatchObject({
      hidden_dropout_prob: 0,
      attention_probs_dropout_prob: 0,
      camtl_options: { headDropout: 0 },
    });
  });

  it('a CA-MTL checkpoint of other tasks is a one-line error naming both lists', async () => {
    const r = await run(
      'train',
      '--model',
      join(first, 'model'),
      '--tasks',
      'synthetic-polarity',
      '--output',
      join(tmp(), 'x'),
      '--max-steps',
      '1',
      '--backend',
      'cpu',
      ...QUICK,
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /the checkpoint's tasks \(synthetic-sentiment, .*\) differ from the run's \(synthetic-polarity\)/,
    );
  });

  it.skipIf(!(samplerNames() as string[]).includes('replay'))(
    '--sampler replay reproduces the run: the same step losses on cpu, to 1e-4 on wasm',
    async () => {
      const original = steps(first).map((s) => s.loss as number);
      for (const backend of ['cpu', 'wasm']) {
        const out = join(tmp(), `replay-${backend}`);
        const schedule = join(first, 'schedule.jsonl');
        const r = await run(
          'train',
          '--sampler',
          'replay',
          '--schedule',
          schedule,
          '--output',
          out,
          '--backend',
          backend,
          ...QUICK,
        );
        expect(r.code, r.stderr).toBe(0);
        const losses = steps(out).map((s) => s.loss as number);
        expect(losses).toHaveLength(3); // the schedule's length, not 8 epochs of it
        if (backend === 'cpu') expect(losses).toEqual(original);
        else losses.forEach((l, i) => expect(Math.abs(l - original[i])).toBeLessThan(1e-4));
        expect(text(out, 'schedule.jsonl')).toEqual(text(first, 'schedule.jsonl'));
      }
    },
  );
});

describe('replay options', () => {
  it('--dropout is a probability; --schedule goes with --sampler replay and back', () => {
    expect(resolveTrainConfig({}, { dropout: '0', sampler: 'uniform' }).dropout).toBe(0);
    expect(resolveTrainConfig({}, { sampler: 'replay', schedule: 's.jsonl' }).schedule).toBe('s.jsonl');
    expect(() => resolveTrainConfig({}, { dropout: '1' })).toThrow(/--dropout: .*got 1/);
    expect(() => resolveTrainConfig({}, { sampler: 'replay' })).toThrow(/schedule/);
    expect(() => resolveTrainConfig({}, { sampler: 'uniform', schedule: 's' })).toThrow(/schedule/);
  });
});
