// The SuperGLUE loaders on the shipped slices (packages/testkit/fixtures/superglue: the first lines of
// each official file, plus rows picked for their quirks), in the official folder layout.
import { memoryFileSystem } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { SUPERGLUE_TASKS, axb, axg, boolq, cb, copa, multirc, wic, wsc } from './superglue';
import { folderFs, SUPERGLUE_SLICES } from './superglue-test-helpers';
import { caught } from './test-helpers';

const fs = folderFs(SUPERGLUE_SLICES);
const read = (task: (typeof SUPERGLUE_TASKS)[number], split: string) => task.read('superglue', split, fs);

describe('SuperGLUE task definitions', () => {
  it('names, kinds, dataset, splits and submission files', () => {
    expect(SUPERGLUE_TASKS.map((t) => t.name)).toEqual(['boolq', 'cb', 'copa', 'multirc', 'wic', 'wsc', 'axb', 'axg']);
    for (const t of SUPERGLUE_TASKS) expect(t.dataset).toBe('superglue');
    expect(cb.splits).toEqual({ train: 'CB/train.jsonl', dev: 'CB/val.jsonl', test: 'CB/test.jsonl' });
    expect(cb.devSplits).toEqual(['dev']);
    expect([axb.splits, axb.devSplits, axg.splits]).toEqual([
      { test: 'AX-b/AX-b.jsonl' },
      [],
      { test: 'AX-g/AX-g.jsonl' },
    ]);
    expect([copa.kind, copa.numLabels, copa.labels]).toEqual(['multiple-choice', 1, undefined]);
    expect([cb.labels, cb.numLabels]).toEqual([['entailment', 'contradiction', 'neutral'], 3]);
    expect(SUPERGLUE_TASKS.map((t) => t.submissionFile)).toEqual(
      ['BoolQ', 'CB', 'COPA', 'MultiRC', 'WiC', 'WSC', 'AX-b', 'AX-g'].map((n) => `${n}.jsonl`),
    );
  });

  it('targets, predictions as the server writes them, scores', () => {
    expect([boolq.target('true'), boolq.target('false'), copa.target('1')]).toEqual([1, 0, 1]);
    expect([wsc.formatPrediction(1), cb.formatPrediction(2), copa.formatPrediction(0)]).toEqual([
      'true',
      'neutral',
      '0',
    ]);
    expect(() => cb.target('yes')).toThrowError(
      'task "cb": label "yes" is not one of entailment, contradiction, neutral',
    );
    expect(() => boolq.formatPrediction(2)).toThrowError('task "boolq": prediction 2 is not a class id 0…1');
    expect(cb.score({ accuracy: 0.8, f1: 0.6 })).toBeCloseTo(0.7, 15);
    expect(multirc.score({ f1a: 0.5, em: 0.25 })).toBe(0.375);
    expect([axb.score({ mcc: 0.3 }), axg.score({ accuracy: 0.9, gender_parity: 1 })]).toEqual([0.3, 0.9]);
  });
});

describe('SuperGLUE loaders (shipped slices)', () => {
  it('BoolQ: question, passage, labels from JSON booleans, idx as id; test unlabelled', async () => {
    const r = await read(boolq, 'train');
    expect(r.examples).toHaveLength(4);
    expect(r.examples[0]).toMatchObject({
      textA: 'do iran and afghanistan speak the same language',
      label: 'true',
      id: '0',
      line: 1,
    });
    expect(r.examples[0].textB).toMatch(/^Persian language -- Persian/);
    const test = await read(boolq, 'test');
    expect(test.examples.map((e) => e.label)).toEqual([undefined, undefined]);
    expect(test.quirks).toMatchObject({ 'examples without a label (test file)': 2 });
  });

  it('CB and WiC: pairs; WiC puts the word first and counts inflected words', async () => {
    expect((await read(cb, 'dev')).examples.map((e) => e.label)).toEqual(['contradiction', 'neutral', 'entailment']);
    const w = await read(wic, 'train');
    expect(w.examples[1]).toMatchObject({
      textA: 'approach: Approach a task.',
      textB: 'To approach the city.',
      label: 'false',
    });
    expect(w.quirks).toEqual({
      'sentence1: word capitalised differently at start1/end1': 2,
      'sentence2: word inflected at start2/end2': 1,
      'sentence2: word capitalised differently at start2/end2': 1,
    });
  });

  it('COPA: premise + question phrase, two choices, label the right choice', async () => {
    const r = await read(copa, 'train');
    expect(r.examples[0]).toEqual({
      textA: 'My body cast a shadow over the grass. What was the cause of this?',
      choices: ['The sun was rising.', 'The grass was cut.'],
      label: '0',
      id: '0',
      line: 1,
    });
    expect((await read(copa, 'dev')).examples[0].textA).toBe(
      'The man turned on the faucet. What happened as a result?',
    );
  });

  it('MultiRC: one example per answer option, grouped by question, ids p-q-a', async () => {
    const r = await read(multirc, 'train');
    expect(r.examples).toHaveLength(15 + 31);
    const single = r.examples.filter((e) => e.group === '32/372');
    expect(single).toHaveLength(1);
    expect(single[0]).toMatchObject({
      textB: 'Where does Charlie Chaplin live? New York',
      label: 'false',
      id: '32-372-2026',
      line: 2,
    });
    expect(r.quirks).toMatchObject({ paragraphs: 2, questions: 8, 'questions with a single answer option': 1 });
    const test = await read(multirc, 'test');
    expect(test.examples.map((e) => e.id)).toEqual([
      '3-30-232',
      '3-30-233',
      '3-30-234',
      '3-31-235',
      '3-31-236',
      '3-31-237',
      '3-31-238',
      '3-31-239',
    ]);
  });

  it('WSC: "<pronoun> refers to <candidate>", span quirks counted', async () => {
    const r = await read(wsc, 'train');
    expect(r.examples[1]).toMatchObject({ textB: 'he refers to the lawyer', label: 'false', id: '13' });
    expect(r.quirks).toEqual({
      'span1 capitalised differently in the text': 1,
      'texts with leading or trailing spaces': 1,
      'span2 followed by punctuation in the text': 1,
    });
  });

  it('AX-b and AX-g: labelled test splits; AX-g groups consecutive rows', async () => {
    const b = await read(axb, 'test');
    expect(b.examples[0]).toMatchObject({ textA: 'The cat sat on the mat.', label: 'not_entailment', id: '0' });
    expect(b.quirks).toMatchObject({ 'idx written as a string': 5, 'diagnostic category logic': 5 });
    const g = await read(axg, 'test');
    expect(g.examples.map((e) => e.group)).toEqual([
      '551646+551648',
      '551646+551648',
      '551654+551656',
      '551654+551656',
      '551658',
    ]);
    expect(g.quirks).toEqual({
      'pairs of consecutive rows (pair_id is unique per row)': 2,
      'rows without a partner (the next row has another hypothesis)': 1,
    });
  });
});

describe('SuperGLUE loaders: malformed files', () => {
  const bad = memoryFileSystem({
    'sg/CB/train.jsonl':
      '{"premise": "a", "hypothesis": "b", "label": "entailment", "idx": 0}\n{"premise": "a"\n' +
      '{"premise": "a", "hypothesis": "b", "label": "maybe", "idx": 2}\n[1]\n',
    'sg/MultiRC/train.jsonl':
      '{"idx": 0, "passage": {"text": "t", "questions": [{"idx": 0, "question": "q", "answers": []}]}}',
  });

  it('the first bad row throws file:line; skipBadRows lists them all', async () => {
    const e = await caught(() => cb.read('sg', 'train', bad));
    expect(e.message).toMatch(/^sg\/CB\/train\.jsonl:2: expected a JSON object, got invalid JSON/);
    const r = await cb.read('sg', 'train', bad, { skipBadRows: true });
    expect(r.examples).toHaveLength(1);
    expect(r.skipped.map((s) => [s.line, s.reason.slice(0, 40)])).toEqual([
      [2, 'expected a JSON object, got invalid JSON'],
      [3, 'expected a label in {entailment, contrad'],
      [4, 'expected a JSON object, got an array'],
    ]);
    expect((await caught(() => multirc.read('sg', 'train', bad))).message).toBe(
      'sg/MultiRC/train.jsonl:1: question 0 has no answer options',
    );
  });

  it('a missing file or split is a one-line error naming it', async () => {
    const e = await caught(() => wic.read('sg', 'dev', bad));
    expect([e.code, e.message]).toEqual(['NOT_FOUND', 'sg/WiC/val.jsonl: no such file (split "dev" of task "wic")']);
    expect((await caught(() => axb.read('sg', 'train', bad))).message).toBe('task "axb" has no split "train"');
  });
});
