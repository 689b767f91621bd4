import { describe, expect, it } from 'vitest';
import { taskMetrics } from './glue';
import { caught } from './test-helpers';

describe('taskMetrics (camtl metrics --task)', () => {
  it('uses the HF glue_compute_metrics key set of each task', () => {
    expect(Object.keys(taskMetrics('cola', [1, 0], [1, 0]))).toEqual(['mcc']);
    expect(Object.keys(taskMetrics('qqp', [1, 0], [1, 0]))).toEqual(['accuracy', 'f1', 'acc_and_f1']);
    expect(Object.keys(taskMetrics('sts-b', [1, 2, 3], [1, 2, 4]))).toEqual([
      'pearson',
      'spearman',
      'pearson_and_spearman',
    ]);
    for (const t of ['sst-2', 'mnli', 'mnli-mm', 'qnli', 'rte', 'wnli', 'ax'])
      expect(Object.keys(taskMetrics(t, [1], [1]))).toEqual(['accuracy']);
  });

  it('accepts label strings for classification', () => {
    expect(taskMetrics('mnli', ['neutral', 'entailment', 0], ['neutral', 'contradiction', 'contradiction'])).toEqual({
      accuracy: 2 / 3,
    });
    expect(taskMetrics('mrpc', ['1', '0', '1', '1'], [1, 0, 0, 1])).toEqual({
      accuracy: 0.75,
      f1: 0.8,
      acc_and_f1: 0.775,
    });
    expect(() => taskMetrics('rte', ['yes'], ['entailment'])).toThrow(
      'label "yes" is not one of entailment, not_entailment',
    );
  });

  it('STS-B correlations; constant predictions give null', () => {
    const m = taskMetrics('sts-b', [0.1, 0.4, 0.35, 0.8, 0.7], ['0.0', '0.5', '0.3', '0.9', '0.6']);
    expect(m.pearson).toBeCloseTo(0.9601047233283112, 12);
    expect(taskMetrics('sts-b', [2, 2, 2], [1, 2, 3])).toEqual({
      pearson: null,
      spearman: null,
      pearson_and_spearman: null,
    });
  });

  it('an unknown task is a NOT_FOUND error listing the known ones', async () => {
    const e = await caught(() => taskMetrics('squad', [], []));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.hint).toContain('cola');
  });
});
