// camtl train and eval on a model whose tasks span every kind: a regression (STS-B), a classification (CB),
// multiple choice (COPA), token classification (WNUT2017) and span extraction (SQuAD), read from a data
// root that holds each dataset in its own folder, as ../shared/data does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataRoot, run, tinyBertFolder, tmp } from './test-helpers';
import { expandSuites } from './train/data';

describe('camtl train with every task kind in one model', () => {
  let bert: string;
  let data: string;
  beforeAll(async () => {
    bert = await tinyBertFolder('wasm');
    data = dataRoot();
  });

  it('trains mixed batches and evaluates each task with its official metrics', async () => {
    const out = tmp();
    const tasks = 'sts-b,cb,copa,wnut17,squad';
    const flags = ['--batch-size', '8', '--max-steps', '3', '--max-seq-length', '48', '--backend', 'wasm'];
    const r = await run('train', '--model', bert, '--data', data, '--tasks', tasks, '--output', out, ...flags);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8'));
    expect(config.task_kinds).toEqual([
      'regression',
      'classification',
      'multiple-choice',
      'token-classification',
      'span-extraction',
    ]);
    const steps = readFileSync(join(out, 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'step');
    expect(steps).toHaveLength(3);
    steps.forEach((s) => expect(Number.isFinite(s.loss)).toBe(true));
    const e = await run('eval', '--model', join(out, 'model'), '--json', '--backend', 'wasm');
    expect(e.code).toBe(0);
    const metrics = JSON.parse(e.stdout).metrics;
    expect(Object.keys(metrics.squad).sort()).toEqual(['exact_match', 'f1']);
    expect(Object.keys(metrics.wnut17).sort()).toEqual(['f1', 'precision', 'recall']);
    expect(Object.keys(metrics.copa)).toEqual(['accuracy']);
    expect(Object.keys(metrics.cb).sort()).toEqual(['accuracy', 'f1']);
    for (const m of Object.values(metrics) as Record<string, number | null>[])
      for (const v of Object.values(m)) if (v !== null) expect(v).toBeGreaterThanOrEqual(-1);
    // camtl forward on the trained model: each kind's own logits, and every row's MT-U uncertainty.
    const input = join(out, 'in.json');
    const ids = { shape: [3, 5], dtype: 'int32', data: [2, 7, 8, 9, 3, 2, 10, 11, 3, 0, 2, 12, 3, 0, 0] };
    writeFileSync(input, JSON.stringify({ input_ids: ids, task_id: { shape: [3], dtype: 'int32', data: [1, 3, 4] } }));
    const f = await run('forward', '--model', join(out, 'model'), '--input', input, '--output', join(out, 'o.json'));
    expect(f.code).toBe(0);
    const o = JSON.parse(readFileSync(join(out, 'o.json'), 'utf8'));
    expect(o.token_logits.shape).toEqual([3, 5, 13]); // WNUT2017's 13 tags
    expect(o.start_logits.shape).toEqual([3, 5]);
    expect(o.choice_logits.shape).toEqual([3]);
    expect(o.per_task.cb.logits.shape).toEqual([1, 3]);
    expect(Object.keys(o.per_task.wnut17).sort()).toEqual(['normalized_entropy', 'rows']);
    for (const t of ['cb', 'wnut17', 'squad']) expect(o.per_task[t].normalized_entropy[0]).toBeGreaterThan(0);
  }, 120_000);

  it('spells out the paper’s suites in --tasks, each task once', () => {
    expect(expandSuites(['superglue'])).toEqual(['boolq', 'cb', 'copa', 'multirc', 'record', 'rte', 'wic', 'wsc']);
    expect(expandSuites(['rte', 'glue', 'wnut17'])).toEqual([
      'rte',
      'cola',
      'sst-2',
      'mrpc',
      'sts-b',
      'qqp',
      'mnli',
      'qnli',
      'wnli',
      'wnut17',
    ]);
    expect(expandSuites(['paper-24'])).toHaveLength(23);
    expect(expandSuites(['SciTail'])).toEqual(['scitail']);
  });
});
