/**
 * Learnability, cheaply: plain-JS baselines show that each task's signal is in
 * the text (clearly above chance), and that one word is not enough (so the
 * tasks need a model that reads structure: negation, clause order, or both
 * sentences of a pair).
 */
import { describe, expect, it } from 'vitest';
import {
  accuracyOf,
  bestSingleWordAccuracy,
  bowAccuracy,
  overlap,
  overlapThresholdAccuracy,
  type Labelled,
} from './test-helpers';
import { pearson, spearman } from '@camtl/tasks-glue';
import { generateSuite, type SyntheticTask } from './suite';

const suite = generateSuite({ seed: 0 });
const task = (name: string) => suite.tasks.find((t) => t.name === `synthetic-${name}`)!;
const labelled = (t: SyntheticTask, split: 'train' | 'dev'): Labelled[] =>
  t.splits[split].map((ex) => ({
    text: ex.textA,
    textB: ex.textB,
    y: t.kind === 'regression' ? Number(ex.label) : t.labels!.indexOf(ex.label),
  }));
const report = (line: string) => console.log(`[baseline] ${line}`);

describe('learnability baselines (dev, seed 0)', () => {
  it('sentiment: bag-of-words logistic regression clearly beats chance (0.5); one word does not', () => {
    const t = task('sentiment');
    const bow = bowAccuracy(labelled(t, 'train'), labelled(t, 'dev'), 2);
    const word = bestSingleWordAccuracy(labelled(t, 'train'), labelled(t, 'dev'), 2);
    report(`sentiment: bag of words ${bow.toFixed(3)}, best single word ${word.toFixed(3)}`);
    expect(bow).toBeGreaterThan(0.62);
    expect(word).toBeLessThan(0.7);
    expect(word).toBeLessThan(bow - 0.05);
  });

  it('polarity (240 training examples): bag of words beats chance (1/3); one word does not get far', () => {
    const t = task('polarity');
    const bow = bowAccuracy(labelled(t, 'train'), labelled(t, 'dev'), 3);
    const word = bestSingleWordAccuracy(labelled(t, 'train'), labelled(t, 'dev'), 3);
    report(`polarity: bag of words ${bow.toFixed(3)}, best single word ${word.toFixed(3)}`);
    expect(bow).toBeGreaterThan(0.5);
    expect(word).toBeLessThan(0.5);
  });

  it('paraphrase: a word-overlap threshold clearly beats chance (0.5); one word does not', () => {
    const t = task('paraphrase');
    const train = labelled(t, 'train');
    const dev = labelled(t, 'dev');
    const acc = overlapThresholdAccuracy(train, dev);
    const pairs = (xs: Labelled[]) => xs.map((x) => ({ ...x, text: `${x.text} ${x.textB}` }));
    const word = bestSingleWordAccuracy(pairs(train), pairs(dev), 2);
    report(`paraphrase: overlap threshold ${acc.toFixed(3)}, best single word ${word.toFixed(3)}`);
    expect(acc).toBeGreaterThan(0.75);
    // A word present in either sentence is a weak hint that they differ (two
    // worlds bring two prepositions, two determiners): some signal, no solution.
    expect(word).toBeLessThan(0.7);
  });

  it('similarity: the score correlates with word overlap, and not with one sentence alone', () => {
    const dev = labelled(task('similarity'), 'dev');
    const o = dev.map((x) => overlap(x.text, x.textB!));
    const y = dev.map((x) => x.y);
    const r = pearson(o, y)!;
    const rho = spearman(o, y)!;
    const lengthA = pearson(
      dev.map((x) => x.text.length),
      y,
    )!;
    report(
      `similarity: pearson(overlap) ${r.toFixed(3)}, spearman ${rho.toFixed(3)}, pearson(len A) ${lengthA.toFixed(3)}`,
    );
    expect(r).toBeGreaterThan(0.6);
    expect(rho).toBeGreaterThan(0.6);
    expect(Math.abs(lengthA)).toBeLessThan(0.2);
  });

  it('labels are not guessable from the pair order or from sentence A alone', () => {
    const t = task('paraphrase');
    const aOnly = (xs: Labelled[]) => xs.map((x) => ({ ...x, textB: undefined }));
    const acc = bowAccuracy(aOnly(labelled(t, 'train')), aOnly(labelled(t, 'dev')), 2);
    report(`paraphrase from sentence A alone: bag of words ${acc.toFixed(3)}`);
    expect(acc).toBeLessThan(0.6);
    expect(accuracyOf(() => 1, labelled(t, 'dev'))).toBe(0.5);
  });
});
