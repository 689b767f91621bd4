import { describe, expect, it } from 'vitest';
import { markTargets, targetCell } from './targets';

const ratios = (train: number | null, infer: number | null, rss: number | null) => ({
  train_ratio: train,
  infer_ratio: infer,
  rss_ratio: rss,
});

describe('markTargets', () => {
  it('has issue 12 targets per config', () => {
    expect(markTargets('bert-tiny', ratios(1.19, 5, 5))).toEqual({ train_ratio: { max: 1.2, value: 1.19, met: true } });
    expect(markTargets('bert-small', ratios(1.01, 1, 9))).toEqual({
      train_ratio: { max: 1, value: 1.01, met: false },
      infer_ratio: { max: 1, value: 1, met: true },
    });
    expect(Object.keys(markTargets('bert-mini', ratios(1, 1, 1)))).toEqual(['train_ratio', 'infer_ratio', 'rss_ratio']);
    expect(markTargets('camtl-mini', ratios(3, 3, 1.31))).toEqual({ rss_ratio: { max: 1.3, value: 1.31, met: false } });
    expect(markTargets('camtl-leak', ratios(1, 1, 1))).toEqual({});
  });

  it('cannot judge a ratio that was not measured', () => {
    expect(markTargets('bert-tiny', ratios(null, null, null)).train_ratio?.met).toBeNull();
  });
});

describe('targetCell', () => {
  it('says met, NOT met, ? or nothing', () => {
    expect(targetCell({ max: 1, value: 0.9, met: true })).toBe('≤ 1.0 met');
    expect(targetCell({ max: 1.2, value: 1.3, met: false })).toBe('≤ 1.2 NOT met');
    expect(targetCell({ max: 1.3, value: null, met: null })).toBe('≤ 1.3 ?');
    expect(targetCell(undefined)).toBe('');
  });
});
