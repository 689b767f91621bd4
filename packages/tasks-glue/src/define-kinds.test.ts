import { memoryFileSystem } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { defineTask } from './define';
import { caught } from './test-helpers';

const fs = memoryFileSystem({
  'data/ner/train.conll': 'Anna\tB-per\nlives\tO\n\nin\tO\nRome\tB-loc\n',
  'data/ner/dev.jsonl':
    '{"toks": ["Bob", "Smith"], "ner": ["B-per", "I-per"], "n": 1}\n{"toks": ["x"], "ner": ["B-org"]}\n',
  'data/qa/dev.jsonl':
    '{"q": "Who?", "c": "Anna lives in Rome.", "a": [{"text": "Anna", "answer_start": 0}], "qid": "q1"}\n' +
    '{"q": "Where?", "c": "Anna lives in Rome.", "a": ["Rome"]}\n',
  'data/qa/train.json': JSON.stringify({
    data: [
      {
        paragraphs: [
          {
            context: 'Rome is old.',
            qas: [{ id: 's1', question: 'What?', answers: [{ text: 'Rome', answer_start: 0 }] }],
          },
        ],
      },
    ],
  }),
  'data/mc/dev.jsonl':
    '{"p": "It rained.", "opts": ["Wet.", "Dry."], "y": 0}\n{"p": "Sun.", "opts": ["A", "B"], "y": 5}\n',
});

const ner = defineTask({
  name: 'MyNER',
  kind: 'token-classification',
  labels: ['O', 'B-per', 'I-per', 'B-loc', 'I-loc'],
  format: 'conll',
  files: { train: 'ner/train.conll', dev: 'ner/dev.jsonl' },
});
const qa = defineTask({
  name: 'myqa',
  kind: 'span-extraction',
  format: 'jsonl',
  files: { dev: 'qa/dev.jsonl' },
  columns: { question: 'q', context: 'c', answers: 'a', id: 'qid' },
});

describe('defineTask: token classification', () => {
  it('reads CoNLL, scores with seqeval', async () => {
    expect(ner).toMatchObject({
      kind: 'token-classification',
      numLabels: 5,
      metricNames: ['precision', 'recall', 'f1'],
    });
    const train = await ner.read('data', 'train', fs);
    expect(train.examples.map((e) => [e.words, e.tags])).toEqual([
      [
        ['Anna', 'lives'],
        ['B-per', 'O'],
      ],
      [
        ['in', 'Rome'],
        ['O', 'B-loc'],
      ],
    ]);
    expect(ner.target('B-loc')).toBe(3);
    const m = ner.exampleMetrics!(
      [
        ['B-per', 'O'],
        ['O', 'O'],
      ],
      train.examples,
    );
    expect(m).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3 });
    expect(ner.score(m)).toBe(2 / 3);
  });
  it('reads JSONL words/tags, a tag outside the set is a bad row', async () => {
    const jsonl = defineTask({
      name: 'ner2',
      kind: 'token-classification',
      labels: ['O', 'B-per', 'I-per'],
      format: 'jsonl',
      files: { dev: 'ner/dev.jsonl' },
      columns: { words: 'toks', tags: 'ner', id: 'n' },
    });
    expect((await caught(() => jsonl.read('data', 'dev', fs))).message).toBe(
      'data/ner/dev.jsonl:2: expected a tag in {O, B-per, I-per}, got "B-org"',
    );
    const read = await jsonl.read('data', 'dev', fs, { skipBadRows: true });
    expect(read.examples).toMatchObject([{ id: '1', words: ['Bob', 'Smith'], tags: ['B-per', 'I-per'] }]);
  });
  it('refuses a spec without a tag set or with a wrong format', () => {
    expect(() => defineTask({ name: 't', kind: 'token-classification', format: 'conll', files: { a: 'x' } })).toThrow(
      'task "t": a token-classification task needs its tag set as labels (e.g. O, B-x, I-x)',
    );
    expect(() => defineTask({ name: 't', kind: 'span-extraction', format: 'tsv', files: { a: 'x' } })).toThrow(
      'task "t": a span-extraction task reads format "squad" or "mrqa" or "jsonl", got "tsv"',
    );
  });
});

describe('defineTask: span extraction and multiple choice', () => {
  it('reads JSONL QA with answers as objects or strings, scores with SQuAD', async () => {
    const dev = await qa.read('data', 'dev', fs);
    expect(dev.examples.map((e) => [e.id, e.answers])).toEqual([
      ['q1', [{ text: 'Anna', start: 0 }]],
      [undefined, [{ text: 'Rome', start: -1 }]],
    ]);
    expect(qa.metricNames).toEqual(['exact_match', 'f1']);
    expect(qa.exampleMetrics!(['anna', 'in Rome'], dev.examples)).toEqual({ exact_match: 0.5, f1: (1 + 2 / 3) / 2 });
  });
  it('reads SQuAD JSON', async () => {
    const squadLike = defineTask({
      name: 's',
      kind: 'span-extraction',
      format: 'squad',
      files: { train: 'qa/train.json' },
    });
    expect((await squadLike.read('data', 'train', fs)).examples).toEqual([
      { id: 's1', textA: 'What?', textB: 'Rome is old.', answers: [{ text: 'Rome', start: 0 }] },
    ]);
  });
  it('reads multiple choice with the label as the choice index', async () => {
    const mc = defineTask({
      name: 'mc',
      kind: 'multiple-choice',
      format: 'jsonl',
      files: { dev: 'mc/dev.jsonl' },
      columns: { textA: 'p', choices: 'opts', label: 'y' },
    });
    expect(mc).toMatchObject({ numLabels: 1, metricNames: ['accuracy'] });
    expect((await caught(() => mc.read('data', 'dev', fs))).message).toBe(
      'data/mc/dev.jsonl:2: expected a choice index 0…1 in key "y", got 5',
    );
    const dev = await mc.read('data', 'dev', fs, { skipBadRows: true });
    expect(dev.examples).toEqual([{ textA: 'It rained.', choices: ['Wet.', 'Dry.'], label: '0', line: 1 }]);
    expect(mc.target('1')).toBe(1);
    expect(mc.metrics([0, 1], [0, 0])).toEqual({ accuracy: 0.5 });
  });
});
