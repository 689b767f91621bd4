import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getEntities, seqevalMetrics } from './seqeval';
import { squadExactMatch, squadF1, squadMetrics, squadNormalizeAnswer } from './squad-metrics';
import { TESTKIT_FIXTURES } from './test-fixtures';

// Cases scored by the official definitions (tools/official-metrics/*.py, run with Python 3).
function load<T>(name: string): T {
  return JSON.parse(readFileSync(join(TESTKIT_FIXTURES, 'official-metrics', name), 'utf8')) as T;
}

interface SquadCases {
  pairs: { prediction: string; gold: string; normalized_prediction: string; exact_match: number; f1: number }[];
  datasets: {
    predictions: Record<string, string>;
    references: Record<string, string[]>;
    exact_match: number;
    f1: number;
  }[];
}

describe('SQuAD v1.1 metrics against evaluate-v1.1.py', () => {
  const cases = load<SquadCases>('squad.json');
  it('normalises, matches and scores every pair as the script does', () => {
    expect(cases.pairs.length).toBeGreaterThan(400);
    for (const c of cases.pairs) {
      expect(squadNormalizeAnswer(c.prediction), JSON.stringify(c.prediction)).toBe(c.normalized_prediction);
      expect(squadExactMatch(c.prediction, c.gold)).toBe(c.exact_match);
      expect(squadF1(c.prediction, c.gold)).toBeCloseTo(c.f1, 12);
    }
  });
  it('averages over the references, with 0 for a missing prediction', () => {
    for (const c of cases.datasets) {
      const m = squadMetrics(c.predictions, c.references);
      expect(m.exact_match).toBeCloseTo(c.exact_match, 12);
      expect(m.f1).toBeCloseTo(c.f1, 12);
    }
  });
  it('keeps Unicode words whole and follows the script on empty answers', () => {
    expect(squadNormalizeAnswer('A açaí, the THÉ an')).toBe('açaí thé');
    expect(squadNormalizeAnswer('the\u00a0cat\u200bthe')).toBe('cat\u200b');
    expect([squadExactMatch('.', 'the'), squadF1('.', 'the')]).toEqual([1, 0]);
    expect(squadMetrics({}, { q: ['x'] })).toEqual({ exact_match: 0, f1: 0 });
  });
});

interface SeqevalCases {
  cases: { labels: string[][]; predictions: string[][]; precision: number; recall: number; f1: number }[];
  entities: { labels: string[][]; entities: [string, number, number][] }[];
}

describe('seqeval entity metrics against get_entities', () => {
  const data = load<SeqevalCases>('seqeval.json');
  it('finds the same chunks', () => {
    for (const c of data.entities) expect(getEntities(c.labels)).toEqual(c.entities);
  });
  it('scores every case as seqeval does', () => {
    for (const c of data.cases) {
      const m = seqevalMetrics(c.predictions, c.labels);
      expect(m.precision).toBeCloseTo(c.precision, 12);
      expect(m.recall).toBeCloseTo(c.recall, 12);
      expect(m.f1).toBeCloseTo(c.f1, 12);
    }
  });
  it('follows the conlleval rules on the edge cases', () => {
    expect(getEntities([['I-person', 'I-person', 'O']])).toEqual([['person', 0, 1]]);
    expect(getEntities([['B-person', 'I-location']])).toEqual([
      ['person', 0, 0],
      ['location', 1, 1],
    ]);
    expect(getEntities([['B-creative-work'], ['I-creative-work']])).toEqual([
      ['creative-work', 0, 0],
      ['creative-work', 2, 2],
    ]);
    expect(seqevalMetrics([['O']], [['O']])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(() => seqevalMetrics([['O']], [['O', 'O']])).toThrow(/sentence 0 has 1 predicted tags for 2/);
  });
});
