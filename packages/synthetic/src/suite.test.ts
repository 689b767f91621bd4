import { describe, expect, it } from 'vitest';
import { suiteFiles } from './files';
import { SPLITS, TASK_SPECS } from './specs';
import { generateSuite, splitSizes, type SyntheticExample } from './suite';
import { preTokenize } from './vocab';

const suite = generateSuite({ seed: 0 });
const key = (ex: SyntheticExample) => `${ex.textA}\t${ex.textB ?? ''}`;
const wordCount = (text: string) => preTokenize(text).filter((t) => /^[a-z]/.test(t)).length;

describe('generateSuite', () => {
  it('is a pure function of the seed: same seed, same files; another seed, other files', () => {
    const again = suiteFiles(generateSuite({ seed: 0 }));
    expect(again).toEqual(suiteFiles(suite));
    const other = suiteFiles(generateSuite({ seed: 1 }));
    for (const t of suite.tasks) {
      for (const s of SPLITS) expect(other[`${t.folder}/${s}.tsv`]).not.toBe(again[`${t.folder}/${s}.tsv`]);
    }
    // The vocabulary depends on the lexicon only, so one model config fits every seed.
    expect(other['vocab.txt']).toBe(again['vocab.txt']);
  });

  it('has at least four tasks, with the documented sizes (scale 1) and scaled sizes', () => {
    expect(suite.tasks.map((t) => t.name)).toEqual([
      'synthetic-sentiment',
      'synthetic-paraphrase',
      'synthetic-similarity',
      'synthetic-polarity',
    ]);
    for (const t of suite.tasks) {
      for (const s of SPLITS) expect(t.splits[s].length, `${t.name} ${s}`).toBe(t.sizes[s]);
    }
    const train = suite.tasks.reduce((n, t) => n + t.splits.train.length, 0);
    expect(train).toBeGreaterThan(2000);
    expect(train).toBeLessThan(6000);
    const lowResource = suite.tasks.find((t) => t.name === 'synthetic-polarity')!;
    expect(lowResource.splits.train.length).toBeLessThanOrEqual(300);
    const half = generateSuite({ seed: 0, scale: 0.5 });
    half.tasks.forEach((t, i) => expect(t.splits.train.length).toBe(splitSizes(TASK_SPECS[i], 0.5).train));
    expect(half.tasks[0].splits.train.length).toBe(800);
  });

  it('balances classification labels exactly in every split', () => {
    for (const t of suite.tasks.filter((t) => t.kind === 'classification')) {
      for (const s of SPLITS) {
        const counts = new Map<string, number>();
        for (const ex of t.splits[s]) counts.set(ex.label, (counts.get(ex.label) ?? 0) + 1);
        expect([...counts.keys()].sort(), `${t.name} ${s}`).toEqual([...t.labels!].sort());
        expect(new Set(counts.values()).size, `${t.name} ${s}: ${[...counts]}`).toBe(1);
      }
    }
  });

  it('spreads similarity scores over [0, 5], both ends and the middle', () => {
    const sim = suite.tasks.find((t) => t.kind === 'regression')!;
    for (const s of SPLITS) {
      const scores = sim.splits[s].map((ex) => Number(ex.label));
      expect(scores.every((v) => v >= 0 && v <= 5)).toBe(true);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      expect(mean).toBeGreaterThan(2);
      expect(mean).toBeLessThan(3);
      for (const [lo, hi] of [
        [0, 1],
        [1.5, 3.5],
        [4, 5],
      ]) {
        expect(scores.filter((v) => v >= lo && v <= hi).length).toBeGreaterThan(scores.length / 10);
      }
    }
  });

  it('never reuses a sentence: dev and test are disjoint from train, and from each other', () => {
    const seen = new Set<string>();
    for (const t of suite.tasks) {
      for (const s of SPLITS) {
        for (const ex of t.splits[s]) {
          expect(seen.has(ex.textA), `${t.name} ${s}: ${ex.textA}`).toBe(false);
          seen.add(ex.textA);
        }
      }
      const train = new Set(t.splits.train.map(key));
      expect(t.splits.dev.some((ex) => train.has(key(ex)))).toBe(false);
      expect(t.splits.test.some((ex) => train.has(key(ex)))).toBe(false);
    }
  });

  it('writes realistic short sentences: 5 to 25 words, no tabs or newlines, B never equal to A', () => {
    for (const t of suite.tasks) {
      for (const s of SPLITS) {
        for (const ex of t.splits[s]) {
          for (const text of [ex.textA, ex.textB].filter((x): x is string => x !== undefined)) {
            expect(wordCount(text), text).toBeGreaterThanOrEqual(5);
            expect(wordCount(text), text).toBeLessThanOrEqual(25);
            expect(text).not.toMatch(/[\t\n\r]/);
          }
          expect(ex.textB !== undefined, t.name).toBe(t.pair);
          if (ex.textB !== undefined) expect(ex.textB).not.toBe(ex.textA);
        }
      }
    }
  });

  it('rejects a bad seed or scale with a BAD_CONFIG error', () => {
    for (const options of [{ seed: 1.5 }, { scale: 0 }, { scale: Number.NaN }, { scale: -1 }]) {
      expect(() => generateSuite(options)).toThrowError(expect.objectContaining({ code: 'BAD_CONFIG' }));
    }
  });
});
