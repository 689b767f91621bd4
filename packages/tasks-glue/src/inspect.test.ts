import { describe, expect, it } from 'vitest';
import { mnli } from './glue';
import { formatInspection, inspectSplit } from './inspect';
import { caught, glueFs } from './test-helpers';

const fs = glueFs();

describe('inspectSplit (camtl data)', () => {
  it('has exactly the JSON keys count, skipped, examples, histogram', async () => {
    const r = await inspectSplit('mnli', 'glue', 'dev_matched', fs);
    expect(Object.keys(r)).toEqual(['count', 'skipped', 'examples', 'histogram']);
    expect(r.count).toBe(3);
    expect(r.skipped).toEqual([]);
    expect(r.histogram).toEqual({ contradiction: 1, entailment: 1, neutral: 1 });
    expect(r.examples[0]).toEqual({
      text_a: 'The new rights are nice enough',
      text_b: 'Everyone really likes the newest benefits ',
      label: 'neutral',
      id: '0',
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('histogram keys follow the label map; test splits have none', async () => {
    const r = await inspectSplit(mnli, 'glue', 'train', fs, { examples: 2 });
    expect(Object.entries(r.histogram)).toEqual([
      ['contradiction', 1],
      ['entailment', 3],
      ['neutral', 1],
    ]);
    expect(r.examples).toHaveLength(2);
    const test = await inspectSplit('cola', 'glue', 'test', fs);
    expect(test.histogram).toEqual({});
    expect(test.examples[0]).toEqual({ text_a: 'Bill cooked the rice slowly.', id: '0' });
  });

  it('STS-B: float labels as written, in numeric order', async () => {
    const r = await inspectSplit('sts-b', 'glue', 'train', fs);
    expect(Object.entries(r.histogram)).toEqual([
      ['0.000', 1],
      ['2.600', 1],
      ['3.800', 2],
      ['5.000', 1],
    ]);
  });

  it('QQP: skipped rows with line numbers and reasons (fails without skipBadRows)', async () => {
    expect((await caught(() => inspectSplit('qqp', 'glue', 'train', fs))).message).toMatch(
      /^glue\/QQP\/train\.tsv:4: /,
    );
    const r = await inspectSplit('qqp', 'glue', 'train', fs, { skipBadRows: true });
    expect(r.count).toBe(3);
    expect(r.skipped.map((s) => s.line)).toEqual([4, 5]);
    expect(r.histogram).toEqual({ '0': 1, '1': 2 });
    const text = formatInspection(r, { title: 'qqp/train' });
    expect(text).toContain('qqp/train: 3 examples');
    expect(text).toContain('skipped: 2 malformed rows');
    expect(text).toContain(
      '  line 4: expected 6 tab-separated columns (id, qid1, qid2, question1, question2, is_duplicate), got 4',
    );
    expect(text).toMatch(/ {2}1 {2}\s+2 {2}66\.7%/);
    expect(text).toContain('first 3 examples:');
  });

  it('formatInspection: unlabelled split and a long numeric histogram', () => {
    const unlabelled = formatInspection({ count: 1, skipped: [], examples: [{ text_a: 'x' }], histogram: {} });
    expect(unlabelled).toBe('1 example\nskipped: none\nlabels: none (unlabelled split)\nfirst 1 example:\n  1. "x"\n');
    const histogram = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [(i / 4).toFixed(3), 1]));
    const text = formatInspection({ count: 20, skipped: [], examples: [], histogram });
    expect(text).toContain('labels: 20 distinct values, range 0 … 4.75, mean 2.375');
  });
});
