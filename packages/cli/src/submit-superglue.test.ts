// camtl predict and camtl submit on models with SuperGLUE, token and span tasks: an untrained tiny CA-MTL
// model over the shipped slices (the files' shapes are under test, not the predictions).
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCaMtl, saveCaMtl } from '@camtl/ca-mtl';
import { nodeFileSystem } from '@camtl/backend-node';
import { CORE_FIXTURES, dataRoot, run, TESTKIT, tinyBertFolder, tmp } from './test-helpers';
import { resolveTasks } from './train/data';

/** A random CA-MTL model over `names` on the tiny BERT, saved with its tokenizer. */
async function tinyModel(bert: string, names: string[]): Promise<string> {
  const fs = nodeFileSystem();
  const tasks = resolveTasks('folder', names, []);
  const { model } = await createCaMtl({
    base: bert,
    fs,
    tasks: names,
    numLabels: tasks.map((t) => t.numLabels),
    taskKinds: tasks.map((t) => t.kind),
    maxSeqLength: 64,
    seed: 3,
  });
  const dir = join(tmp(), 'model');
  await saveCaMtl(model, dir, fs);
  model.dispose();
  for (const f of ['vocab.txt', 'tokenizer.json']) copyFileSync(join(CORE_FIXTURES, 'tokenizer', f), join(dir, f));
  return dir;
}

const jsonl = (bytes: Uint8Array | string) =>
  (typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const idxs = (file: string) => jsonl(readFileSync(file, 'utf8')).map((r) => r.idx);
const unzip = (dir: string) => unzipSync(new Uint8Array(readFileSync(join(dir, 'submission.zip'))));

describe('camtl submit --benchmark superglue', () => {
  let bert: string;
  let data: string;
  beforeAll(async () => {
    bert = await tinyBertFolder();
    data = dataRoot();
  });

  it('a SuperGLUE model: one JSONL per task, AX-b/AX-g by the RTE head, the missing files named', async () => {
    const model = await tinyModel(bert, ['cb', 'copa', 'multirc', 'record', 'rte']);
    const out = join(tmp(), 'sub');
    const r = await run('submit', '--model', model, '--data', data, '--output', out);
    expect(r.stderr).toMatch(/record test: \d+ predictions/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote 7 file(s) and ${join(out, 'submission.zip')} in ${out}`);
    expect(r.stdout).toContain('full SuperGLUE score): BoolQ.jsonl, WiC.jsonl, WSC.jsonl');
    const zip = unzip(out);
    expect(Object.keys(zip).sort()).toEqual([
      'AX-b.jsonl',
      'AX-g.jsonl',
      'CB.jsonl',
      'COPA.jsonl',
      'MultiRC.jsonl',
      'RTE.jsonl',
      'ReCoRD.jsonl',
    ]);
    const cb = jsonl(zip['CB.jsonl']);
    expect(cb.map((x) => x.idx)).toEqual(idxs(join(TESTKIT, 'superglue', 'CB', 'test.jsonl')));
    for (const x of cb) expect(['entailment', 'contradiction', 'neutral']).toContain(x.label);
    for (const x of jsonl(zip['COPA.jsonl'])) expect([0, 1]).toContain(x.label);
    for (const f of ['AX-b.jsonl', 'AX-g.jsonl', 'RTE.jsonl'])
      for (const x of jsonl(zip[f])) expect(['entailment', 'not_entailment']).toContain(x.label);
    expect(jsonl(zip['AX-b.jsonl']).map((x) => x.idx)).toEqual([0, 1, 2, 3, 4]);
    const queries = jsonl(readFileSync(join(TESTKIT, 'record', 'ReCoRD', 'test.jsonl'), 'utf8')).flatMap((p) =>
      p.qas.map((q: { idx: number }) => q.idx),
    );
    const record = jsonl(zip['ReCoRD.jsonl']);
    expect(record.map((x) => x.idx)).toEqual(queries);
    for (const x of record) expect(typeof x.label).toBe('string');
    const [multirc] = jsonl(zip['MultiRC.jsonl']);
    const source = jsonl(readFileSync(join(TESTKIT, 'superglue', 'MultiRC', 'test.jsonl'), 'utf8'))[0];
    expect(multirc.idx).toBe(source.idx);
    expect(multirc.passage.questions.map((q: { idx: number }) => q.idx)).toEqual(
      source.passage.questions.map((q: { idx: number }) => q.idx),
    );
    for (const q of multirc.passage.questions)
      for (const a of q.answers) expect(Object.keys(a).length === 2 && [0, 1].includes(a.label)).toBe(true);
    expect(new TextDecoder().decode(zip['CB.jsonl'])).toMatch(/^\{"idx": \d+, "label": "\w+"\}\n/);
  });

  it('a mixed model: glue/ and superglue/ zips by default; token and span predictions as JSONL', async () => {
    const model = await tinyModel(bert, ['sst-2', 'wsc', 'wnut17', 'record']);
    const out = join(tmp(), 'sub');
    const r = await run('submit', '--model', model, '--data', data, '--output', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no test-server file for: wnut17 (not submitted)');
    expect(Object.keys(unzip(join(out, 'glue')))).toEqual(['SST-2.tsv']);
    const sg = unzip(join(out, 'superglue'));
    expect(Object.keys(sg).sort()).toEqual(['ReCoRD.jsonl', 'WSC.jsonl']);
    for (const x of jsonl(sg['WSC.jsonl'])) expect(['True', 'False']).toContain(x.label);
    const only = join(tmp(), 'only');
    expect(
      (await run('submit', '--model', model, '--data', data, '--output', only, '--benchmark', 'superglue')).code,
    ).toBe(0);
    expect(Object.keys(unzip(only)).sort()).toEqual(['ReCoRD.jsonl', 'WSC.jsonl']);

    const preds = join(tmp(), 'preds');
    expect((await run('predict', '--model', model, '--data', data, '--output', preds)).code).toBe(0);
    const tags = jsonl(readFileSync(join(preds, 'wnut17.test.jsonl'), 'utf8'));
    expect(tags.length).toBeGreaterThan(0);
    for (const x of tags) expect(Object.keys(x)).toEqual(['id', 'prediction']);
    expect(
      tags.every((x) => x.prediction.length > 0 && x.prediction.every((t: string) => /^(O|[BI]-.+)$/.test(t))),
    ).toBe(true);
    const answers = jsonl(readFileSync(join(preds, 'record.test.jsonl'), 'utf8'));
    expect(answers.map((x) => typeof x.prediction)).toEqual(answers.map(() => 'string'));
    expect(readFileSync(join(preds, 'wsc.test.tsv'), 'utf8')).toMatch(/^index\tprediction\n\d+\t(true|false)\n/);
  });

  it('--benchmark names a known benchmark, and one the model has tasks of', async () => {
    const model = await tinyModel(bert, ['sst-2']);
    const bad = await run('submit', '--model', model, '--data', data, '--benchmark', 'glu');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--benchmark: unknown benchmark "glu"/);
    const none = await run('submit', '--model', model, '--data', data, '--benchmark', 'superglue');
    expect(none.stderr).toMatch(/no task of the model has a superglue test-server file/);
  });
});
