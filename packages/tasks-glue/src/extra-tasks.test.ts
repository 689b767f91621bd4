import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { memoryFileSystem, type ReadResult } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { EXTRA_TASKS } from './extra-tasks';
import { newsqa } from './mrqa';
import type { OfficialTask } from './official-task';
import { record } from './record';
import { scitail } from './scitail';
import { snli } from './snli';
import { squad } from './squad';
import { TASK_SUITES } from './suites';
import { caught } from './test-helpers';
import { fixtureFs, folderFs, SHARED_DATA } from './test-fixtures';
import { WNUT17_LABELS, wnut17 } from './wnut17';

const read = (task: OfficialTask, folder: string, split: string): Promise<ReadResult> =>
  task.read('data', split, fixtureFs(folder));

describe('span tasks on the shipped slices', () => {
  it('SQuAD: one example per question, offsets pointing at the answers', async () => {
    const dev = await read(squad, 'squad', 'dev');
    expect(dev.examples).toHaveLength(6);
    const ex = dev.examples[0];
    expect(ex.id).toBe('56be4db0acb8001400a502ec');
    expect(ex.answers!.length).toBe(3);
    for (const e of dev.examples)
      for (const a of e.answers!) expect(e.textB!.slice(a.start, a.start + a.text.length)).toBe(a.text);
    expect(dev.quirks).toEqual({});
    expect((await read(squad, 'squad', 'train')).examples).toHaveLength(4);
  });
  it('MRQA: header skipped, code-point spans in UTF-16, extra gold texts kept for scoring', async () => {
    const dev = await read(newsqa, 'mrqa', 'dev');
    expect(dev.examples.map((e) => e.id)).toEqual(['d1', 'd2', 'd3']);
    expect(dev.examples[0].answers).toEqual([
      { text: 'Zaragoza', start: 32 },
      { text: 'zaragoza city', start: -1 },
    ]);
    expect(dev.quirks).toEqual({ 'header lines': 1 });
  });
  it('ReCoRD: @highlight markers become "- " and the answer offsets follow', async () => {
    const train = await read(record, 'record', 'train');
    expect(train.examples.length).toBeGreaterThanOrEqual(2);
    for (const e of train.examples) {
      expect(e.textB).not.toContain('@highlight');
      for (const a of e.answers!) expect(e.textB!.slice(a.start, a.start + a.text.length)).toBe(a.text);
    }
    expect(train.quirks!['@highlight markers']).toBeGreaterThan(0);
    const test = await read(record, 'record', 'test');
    expect(test.examples.every((e) => e.answers === undefined && e.textA.includes('@placeholder'))).toBe(true);
  });
  it('scores predictions with the SQuAD script, from JSON and per example', async () => {
    const json = { predictions: { a: 'The Broncos', b: 'x' }, references: { a: ['Denver Broncos'], b: ['x'] } };
    expect(squad.metricsFromJson(json, 'in.json')).toEqual({ exact_match: 0.5, f1: (2 / 3 + 1) / 2 });
    const dev = await read(squad, 'squad', 'dev');
    const m = squad.exampleMetrics!(
      dev.examples.map((e) => e.answers![0].text),
      dev.examples,
    );
    expect(m).toEqual({ exact_match: 1, f1: 1 });
    expect((await caught(() => squad.metricsFromJson({ predictions: {} }, 'in.json'))).message).toBe(
      'in.json: expected a key "references"',
    );
  });
});

describe('WNUT17, SciTail, SNLI on the shipped slices', () => {
  it('WNUT17: sentences with 13 tags, "\\t" separator lines counted', async () => {
    expect(wnut17).toMatchObject({ kind: 'token-classification', numLabels: 13 });
    expect(WNUT17_LABELS).toContain('B-creative-work');
    const train = await read(wnut17, 'wnut17', 'train');
    expect(train.examples).toHaveLength(4);
    expect(train.quirks).toEqual({ 'sentence separators that are whitespace, not empty': 4 });
    const ex = train.examples[0];
    expect(ex.words!.length).toBe(ex.tags!.length);
    expect(
      wnut17.exampleMetrics!(
        train.examples.map((e) => e.tags!),
        train.examples,
      ).f1,
    ).toBe(1);
    expect(
      wnut17.metricsFromJson({ predictions: [['B-person', 'O']], labels: [['B-person', 'I-person']] }, 'x'),
    ).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
  it('WNUT17: an unknown tag is a bad row naming file:line', async () => {
    const fs = memoryFileSystem({ 'd/wnut17train.conll': 'a\tO\nb\tB-thing\n\nc\tO\n' });
    expect((await caught(() => wnut17.read('d', 'train', fs))).message).toMatch(
      /^d\/wnut17train.conll:2: expected a tag in/,
    );
    const skipped = await wnut17.read('d', 'train', fs, { skipBadRows: true });
    expect(skipped.examples.map((e) => e.words)).toEqual([['c']]);
  });
  it('SciTail and SNLI: labels, and SNLI\'s "-" dropped and counted', async () => {
    const dev = await read(scitail, 'scitail', 'dev');
    expect(dev.examples).toHaveLength(5);
    expect(dev.examples[0].label).toBe('neutral');
    const snliDev = await read(snli, 'snli', 'dev');
    expect(snliDev.examples).toHaveLength(4);
    expect(snliDev.quirks).toEqual({ 'pairs without a gold label ("-"), dropped': 1 });
    expect(snli.metricsFromJson({ predictions: ['neutral', 0], labels: [1, 0] }, 'x')).toEqual({ accuracy: 1 });
  });
  it('lists every definition and the suites', () => {
    expect(EXTRA_TASKS.map((t) => t.name)).toEqual(
      expect.arrayContaining(['record', 'squad', 'wnut17', 'scitail', 'snli', 'newsqa']),
    );
    expect(TASK_SUITES['paper-24']).toHaveLength(23);
    expect(TASK_SUITES.glue).not.toContain('ax');
    expect(TASK_SUITES.superglue).toEqual(['boolq', 'cb', 'copa', 'multirc', 'record', 'rte', 'wic', 'wsc']);
  });
});

// The whole files of the shared data folder, when it is there.
const shared = existsSync(join(SHARED_DATA, 'wnut17'));
if (!shared) console.warn(`skipping the full-data counts: no ${SHARED_DATA} (set CAMTL_SHARED_DATA)`);

describe.skipIf(!shared)('official counts on the shared data', () => {
  const count = async (task: OfficialTask, split: string) =>
    task.read('data', split, folderFs(join(SHARED_DATA, task.dataset)));
  it('WNUT17 3394 / 1009 / 1287 sentences', async () => {
    const counts = await Promise.all(['train', 'dev', 'test'].map((s) => count(wnut17, s)));
    expect(counts.map((r) => r.examples.length)).toEqual([3394, 1009, 1287]);
    expect(counts[0].quirks).toEqual({ 'sentence separators that are whitespace, not empty': 2394 });
  });
  it('SciTail dev 1304, test 2126', async () => {
    expect((await count(scitail, 'dev')).examples).toHaveLength(1304);
    expect((await count(scitail, 'test')).examples).toHaveLength(2126);
  });
  it('SQuAD dev 10570 questions', async () => {
    const dev = await count(squad, 'dev');
    expect(dev.examples).toHaveLength(10570);
    expect(dev.quirks).toEqual({});
  });
  it('SNLI partial dev/test: 1289 and 1277 lines, 16 and 23 "-" labels dropped', async () => {
    const dev = await count(snli, 'dev');
    const test = await count(snli, 'test');
    expect([dev.examples.length, dev.quirks]).toEqual([1273, { 'pairs without a gold label ("-"), dropped': 16 }]);
    expect([test.examples.length, test.quirks]).toEqual([1254, { 'pairs without a gold label ("-"), dropped': 23 }]);
  });
});
