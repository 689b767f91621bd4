import { memoryFileSystem } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { defineTask } from './define';
import { caught } from './test-helpers';

const fs = memoryFileSystem({
  'data/reviews/train.tsv':
    'id\tstars\treview\tsummary\n' + 'r1\tpos\tGreat pan.\tLove it\n' + 'r2\tneg\tRusted.\tBad\n',
  'data/reviews/dev.tsv': 'id\tstars\treview\tsummary\n' + 'r3\tneg\tToo small.\tMeh\n\n\n',
  'data/reviews/test.tsv': 'id\treview\tsummary\nt1\tOK pan.\tFine\n',
  'data/plain/train.tsv': 'Great pan.\t1\nRusted.\t0\n',
  'data/sim/train.jsonl':
    '{"a": "A cat.", "b": "A kitten.", "score": 4.5}\n' +
    '{"a": "A dog.", "b": "A car.", "score": "0.5", "uid": 7}\n' +
    '\n',
  'data/sim/dev.jsonl':
    '{"a": "x", "b": "y", "score": 1}\nnot json\n["a"]\n{"a": "x", "score": 2}\n{"a": "", "b": "y", "score": 1}\n',
});

const reviews = defineTask({
  name: 'Reviews',
  kind: 'classification',
  labels: ['neg', 'pos'],
  format: 'tsv',
  files: {
    train: 'reviews/train.tsv',
    dev: 'reviews/dev.tsv',
    test: { path: 'reviews/test.tsv', columns: { id: 'id', textA: 'review', textB: 'summary' } },
  },
  columns: { id: 'id', textA: 'review', textB: 'summary', label: 'stars' },
  metrics: ['accuracy', 'f1'],
  submissionFile: 'REVIEWS.tsv',
});

describe('defineTask: TSV', () => {
  it('builds a TaskDefinition with the defaults filled in', () => {
    expect(reviews).toMatchObject({
      specificationVersion: 'v1',
      name: 'reviews',
      kind: 'classification',
      labels: ['neg', 'pos'],
      numLabels: 2,
      splits: { train: 'reviews/train.tsv', dev: 'reviews/dev.tsv', test: 'reviews/test.tsv' },
      devSplits: ['dev'],
      submissionFile: 'REVIEWS.tsv',
    });
    expect(reviews.target('pos')).toBe(1);
    expect(reviews.formatPrediction(0)).toBe('neg');
    expect(reviews.metrics([1, 0], [1, 1])).toEqual({ accuracy: 0.5, f1: 2 / 3 });
    expect(reviews.score({ accuracy: 0.5, f1: 0.7 })).toBeCloseTo(0.6, 15); // mean of the listed metrics
  });

  it('reads columns by header name; a per-split layout serves the unlabelled test file', async () => {
    const train = await reviews.read('data', 'train', fs);
    expect(train.examples).toEqual([
      { textA: 'Great pan.', textB: 'Love it', label: 'pos', id: 'r1', line: 2 },
      { textA: 'Rusted.', textB: 'Bad', label: 'neg', id: 'r2', line: 3 },
    ]);
    expect((await reviews.read('data', 'dev', fs)).examples).toHaveLength(1); // trailing blank lines
    expect((await reviews.read('data', 'test', fs)).examples).toEqual([
      { textA: 'OK pan.', textB: 'Fine', id: 't1', line: 2 },
    ]);
  });

  it('reads columns by index in a header-less file', async () => {
    const plain = defineTask({
      name: 'plain',
      kind: 'classification',
      labels: ['0', '1'],
      format: 'tsv',
      header: false,
      files: { train: 'plain/train.tsv' },
      columns: { textA: 0, label: 1 },
    });
    const { examples } = await plain.read('data', 'train', fs);
    expect(examples.map((e) => [e.textA, e.label, e.line])).toEqual([
      ['Great pan.', '1', 1],
      ['Rusted.', '0', 2],
    ]);
    expect(plain.devSplits).toEqual([]);
  });

  it('a header name that is not there is an error naming file and header', async () => {
    const t = defineTask({ ...reviewsSpecLike(), columns: { textA: 'text', label: 'stars' } });
    const e = await caught(() => t.read('data', 'train', fs));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe(
      'data/reviews/train.tsv:1: expected a column "text" in the header, found: id, stars, review, summary',
    );
  });

  it('rejects a bad specification', () => {
    expect(() => defineTask({ ...reviewsSpecLike(), labels: ['x'] })).toThrow('at least 2 labels');
    expect(() => defineTask({ ...reviewsSpecLike(), metrics: ['auc' as 'f1'] })).toThrow('unknown metric "auc"');
    expect(() => defineTask({ ...reviewsSpecLike(), devSplits: ['valid'] })).toThrow('dev split "valid" has no file');
    expect(() => defineTask({ ...reviewsSpecLike(), format: 'jsonl', columns: { textA: 0 } })).toThrow(
      'JSONL columns are keys',
    );
  });
});

function reviewsSpecLike() {
  return {
    name: 'r2',
    kind: 'classification' as const,
    labels: ['neg', 'pos'],
    format: 'tsv' as const,
    files: { train: 'reviews/train.tsv' },
    columns: { textA: 'review', label: 'stars' },
  };
}

const sim = defineTask({
  name: 'sim',
  kind: 'regression',
  format: 'jsonl',
  files: { train: 'sim/train.jsonl', dev: 'sim/dev.jsonl' },
  columns: { textA: 'a', textB: 'b', label: 'score' },
});

describe('defineTask: JSONL', () => {
  it('reads one object per line; numbers become the strings a TSV would hold', async () => {
    const { examples } = await sim.read('data', 'train', fs);
    expect(examples).toEqual([
      { textA: 'A cat.', textB: 'A kitten.', label: '4.5', line: 1 },
      { textA: 'A dog.', textB: 'A car.', label: '0.5', line: 2 },
    ]);
    expect(sim.numLabels).toBe(1);
    expect(sim.metricNames).toEqual(['pearson', 'spearman']);
    expect(sim.score({ pearson: 0.5, spearman: 0.7 })).toBeCloseTo(0.6, 15);
    expect(sim.formatPrediction(1.25)).toBe('1.25');
  });

  it('bad JSON, non-objects, missing keys and empty texts are bad rows', async () => {
    const e = await caught(() => sim.read('data', 'dev', fs));
    expect(e.message).toMatch(/^data\/sim\/dev\.jsonl:2: expected a JSON object, got invalid JSON \(/);
    const { examples, skipped } = await sim.read('data', 'dev', fs, { skipBadRows: true });
    expect(examples).toHaveLength(1);
    expect(skipped.map((s) => s.line)).toEqual([2, 3, 4, 5]);
    expect(skipped[1].reason).toBe('expected a JSON object, got an array');
    expect(skipped[2].reason).toBe('expected a string or number in key "b", got nothing');
    expect(skipped[3].reason).toBe('expected a non-empty text in key "a"');
  });
});
