import { averageScore, type EvalResult } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { cola, mnli, mrpc, rte, stsb } from './glue';
import { glueScore, glueSelection } from './glue-score';

/** BERT-base's published GLUE test row (Devlin et al. 2019, Table 1; spec §6.3), as `camtl metrics` keys. */
const BERT_BASE = {
  cola: { mcc: 0.521 },
  'sst-2': { accuracy: 0.935 },
  mrpc: { accuracy: 0.849, f1: 0.889, acc_and_f1: 0.869 },
  'sts-b': { pearson: 0.871, spearman: 0.858, pearson_and_spearman: 0.8645 },
  qqp: { accuracy: 0.892, f1: 0.712, acc_and_f1: 0.802 },
  mnli: { accuracy: 0.846 },
  'mnli-mm': { accuracy: 0.834 },
  qnli: { accuracy: 0.905 },
  rte: { accuracy: 0.664 },
  wnli: { accuracy: 0.651 },
};

describe('glueScore', () => {
  it("paper: BERT-base's published row gives its GLUE score 79.6 (WNLI left out)", () => {
    const r = glueScore(BERT_BASE, 'paper');
    expect(r.convention).toBe('paper');
    expect(r.score!.toFixed(4)).toBe('0.7960');
    expect(r.entries).toEqual({
      'cola.mcc': 0.521,
      'sst-2.accuracy': 0.935,
      'mrpc.f1': 0.889,
      'sts-b.spearman': 0.858,
      'qqp.f1': 0.712,
      'mnli.accuracy': 0.846,
      'mnli-mm.accuracy': 0.834,
      'qnli.accuracy': 0.905,
      'rte.accuracy': 0.664,
    });
  });

  it('paper: the mean of the entries present; null metrics and WNLI are left out', () => {
    const r = glueScore({ rte: { accuracy: 0.6 }, 'sts-b': { spearman: null }, wnli: { accuracy: 1 } }, 'paper');
    expect(r).toEqual({ convention: 'paper', score: 0.6, entries: { 'rte.accuracy': 0.6 } });
    expect(glueScore({ wnli: { accuracy: 0.5 } }, 'paper').score).toBeNull();
  });

  it("mean: each task's own score averaged, WNLI included (MRPC/QQP: acc_and_f1, STS-B: pearson_and_spearman)", () => {
    const r = glueScore(BERT_BASE, 'mean');
    const scores = [0.521, 0.935, 0.869, 0.8645, 0.802, 0.846, 0.834, 0.905, 0.664, 0.651];
    expect(r.score).toBeCloseTo(scores.reduce((a, b) => a + b) / 10, 12);
    expect(r.entries).toMatchObject({ mrpc: 0.869, 'sts-b': 0.8645, 'mnli-mm': 0.834, wnli: 0.651 });
  });

  it('accepts the other spellings: sst2, stsb, mnli-m and the eval keys of MNLI', () => {
    const r = glueScore({ SST2: { accuracy: 0.9 }, 'mnli/dev_mismatched': { accuracy: 0.7 } }, 'paper');
    expect(r.entries).toEqual({ 'sst-2.accuracy': 0.9, 'mnli-mm.accuracy': 0.7 });
  });

  it('unknown tasks, missing or mistyped metrics, twice-given tasks: one-line errors naming them', () => {
    expect(() => glueScore({ boolq: { accuracy: 1 } })).toThrowError(/unknown task "boolq"/);
    expect(() => glueScore({ mrpc: { accuracy: 1 } }, 'paper')).toThrowError(/task "mrpc" has no metric "f1"/);
    expect(() => glueScore({ mrpc: { accuracy: 1, f1: 1 } }, 'mean')).toThrowError(/"mrpc" has no metric "acc_and_f1"/);
    expect(() => glueScore({ rte: { accuracy: '0.5' } } as never)).toThrowError(/"rte" metric "accuracy" is "0.5"/);
    expect(() => glueScore({ rte: 3 } as never)).toThrowError(/task "rte": expected a metrics object/);
    expect(() => glueScore({ mnli: { accuracy: 1 }, 'mnli-m': { accuracy: 1 } })).toThrowError(/"mnli" is given twice/);
    expect(() => glueScore({}, 'best' as never)).toThrowError(/unknown convention "best"/);
  });
});

/** An evaluation as evaluate() makes it (its average is averageScore of the scores), keys as the CLI gives them. */
async function evalOf(): Promise<EvalResult> {
  const sets = [
    { key: 'cola', task: cola, labels: [1, 0, 1, 1], preds: [1, 0, 0, 1] },
    { key: 'mrpc', task: mrpc, labels: [1, 0, 1, 1], preds: [1, 1, 1, 1] },
    { key: 'sts-b', task: stsb, labels: [0.5, 2, 4, 5], preds: [1, 2.5, 3, 4] },
    { key: 'mnli', task: mnli, labels: [0, 1, 2, 2], preds: [0, 1, 2, 1] },
    { key: 'mnli/dev_mismatched', task: mnli, labels: [0, 1, 2, 2], preds: [0, 0, 2, 1] },
    { key: 'rte', task: rte, labels: [0, 1], preds: [0, 0] },
  ];
  const metrics = Object.fromEntries(sets.map((s) => [s.key, s.task.metrics(s.preds, s.labels)]));
  const scores = Object.fromEntries(sets.map((s) => [s.key, s.task.score(metrics[s.key])]));
  return { metrics, scores, average: averageScore(scores) };
}

describe('glueSelection', () => {
  it("mean is the evaluation's average itself; paper reads MNLI's two dev keys", async () => {
    const r = await evalOf();
    expect(glueSelection('mean').score(r)).toBe(r.average);
    const m = r.metrics;
    const paper = [m.cola.mcc, m.mrpc.f1, m['sts-b'].spearman, m.mnli.accuracy, 0.5, m.rte.accuracy];
    expect(m['mnli/dev_mismatched'].accuracy).toBe(0.5);
    expect(glueSelection('paper').score(r)).toBeCloseTo(paper.reduce((a, b) => a! + b!, 0)! / 6, 15);
    expect(glueSelection('paper').name).toBe('paper');
  });

  it("mean of an evaluation's metrics is the number evaluate() calls the average, to the last bit", async () => {
    const r = await evalOf();
    expect(glueScore(r.metrics, 'mean').score).toBe(r.average);
    expect(Object.values(glueScore(r.metrics, 'mean').entries)).toEqual(Object.values(r.scores));
  });

  it('paper with a task it cannot score is an error before training, naming the task', () => {
    expect(() => glueSelection('paper', ['rte', 'synthetic-sentiment'])).toThrowError(
      /"synthetic-sentiment" is not a GLUE task/,
    );
    expect(() => glueSelection('paper', ['rte', 'wnli', 'mnli'])).not.toThrow();
    expect(() => glueSelection('paper', ['wnli'])).toThrowError(/none of the tasks \(wnli\) is in the paper's score/);
    expect(() => glueSelection('best' as never)).toThrowError(/unknown convention/);
  });
});
