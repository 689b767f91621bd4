import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricValues } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { axb, axg, boolq, cb, copa, multirc, wic, wsc } from './superglue';
import { axbMetrics, axgMetrics, cbMetrics, genderParity, multircMetrics } from './superglue-metrics';
import { SUPERGLUE_SLICES } from './superglue-test-helpers';
import { caught } from './test-helpers';

interface Case {
  task: 'cb' | 'multirc' | 'axb' | 'axg';
  name: string;
  predictions: number[];
  labels: number[];
  groups?: string[];
  expected: Record<string, number>;
}

// Made by tools/superglue-metrics-fixtures/make_cases.py with scikit-learn (the HF super_glue formulas).
const { cases } = JSON.parse(readFileSync(join(SUPERGLUE_SLICES, '..', 'superglue-metrics', 'cases.json'), 'utf8')) as {
  cases: Case[];
};

const direct: Record<Case['task'], (c: Case) => MetricValues> = {
  cb: (c) => cbMetrics(c.predictions, c.labels),
  multirc: (c) => multircMetrics(c.predictions, c.labels, c.groups!),
  axb: (c) => axbMetrics(c.predictions, c.labels),
  axg: (c) => axgMetrics(c.predictions, c.labels, c.groups!),
};
const tasks = { cb, multirc, axb, axg };

function expectClose(got: MetricValues, expected: Record<string, number>): void {
  const { f1_jiant_v2: _jiant, ...official } = expected;
  expect(Object.keys(got).sort()).toEqual(Object.keys(official).sort());
  for (const [k, v] of Object.entries(official))
    expect(Math.abs(got[k]! - v), `${k}: ${got[k]} vs ${v}`).toBeLessThan(1e-12);
}

describe('SuperGLUE metrics against scikit-learn (shipped cases)', () => {
  it('has edge cases and randomized ones for every task', () => {
    expect(cases.length).toBeGreaterThan(150);
    expect(new Set(cases.map((c) => c.task))).toEqual(new Set(['cb', 'multirc', 'axb', 'axg']));
  });

  it.each(cases.map((c) => [`${c.task}: ${c.name}`, c] as const))('%s', (_name, c) => {
    expectClose(direct[c.task](c), c.expected);
    const input = { predictions: c.predictions, labels: c.labels, ...(c.groups ? { groups: c.groups } : {}) };
    expectClose(tasks[c.task].metricsFromJson(input, 'in.json'), c.expected);
  });

  it('CB: a class absent from both arrays does not count (sklearn), unlike jiant v2', () => {
    const c = cases.find((x) => x.name === 'neutral absent from both')!;
    expect(cbMetrics(c.predictions, c.labels).f1).toBeCloseTo(11 / 15, 14);
    expect(c.expected.f1_jiant_v2).not.toBeCloseTo(c.expected.f1, 3);
  });
});

describe('gender parity and grouped metrics', () => {
  it('a group of one is consistent; empty input gives null', () => {
    expect(genderParity([0, 1, 1], ['a', 'b', 'b'])).toBe(1);
    expect(genderParity([0, 1, 0], ['a', 'a', 'b'])).toBe(0.5);
    expect(genderParity([], [])).toBeNull();
    expect(multircMetrics([], [], [])).toEqual({ f1a: null, em: null });
  });

  it('TaskDefinition.metrics takes the groups from the examples', () => {
    const examples = [
      { textA: 'p', group: '0/1' },
      { textA: 'p', group: '0/1' },
      { textA: 'p', group: '0/2' },
    ];
    expect(multirc.metrics([1, 0, 1], [1, 1, 1], examples)).toEqual({ f1a: 0.8, em: 0.5 });
    expect(() => multirc.metrics([1], [1])).toThrowError(/need the split's examples/);
  });
});

describe('metricsFromJson (camtl metrics input)', () => {
  it('takes class ids, label strings and JSON booleans', () => {
    expect(boolq.metricsFromJson({ predictions: [true, 'false', 1], labels: [1, 0, 0] }, 'in.json')).toEqual({
      accuracy: 2 / 3,
    });
    expect(cb.metricsFromJson({ predictions: ['neutral', 0], labels: [2, 'entailment'] }, 'in.json')).toEqual({
      accuracy: 1,
      f1: 1,
    });
    expect(copa.metricsFromJson({ predictions: [0, '1'], labels: ['0', 0] }, 'in.json')).toEqual({ accuracy: 0.5 });
    expect(wic.metricsFromJson({ predictions: [0], labels: [false] }, 'in.json')).toEqual({ accuracy: 1 });
    expect(wsc.metricsFromJson({ predictions: [0], labels: [true] }, 'in.json')).toEqual({ accuracy: 0 });
    const g = { predictions: ['entailment', 'entailment'], labels: [0, 1], groups: [7, 7] };
    expect(axg.metricsFromJson(g, 'in.json')).toEqual({ accuracy: 0.5, gender_parity: 1 });
  });

  it('one-line errors naming the file', async () => {
    const errors = [
      [() => cb.metricsFromJson([], 'a.json'), 'a.json: expected {"predictions": [...], "labels": [...]}'],
      [() => cb.metricsFromJson({ predictions: [0], labels: [] }, 'a.json'), 'a.json: 1 predictions but 0 labels'],
      [
        () => cb.metricsFromJson({ predictions: [3], labels: [0] }, 'a.json'),
        'a.json: predictions[0] is 3, expected a class id 0…2 or one of "entailment", "contradiction", "neutral"',
      ],
      [() => boolq.metricsFromJson({ predictions: [0], labels: [null] }, 'a.json'), /^a\.json: labels\[0\] is null/],
      [
        () => multirc.metricsFromJson({ predictions: [0], labels: [0] }, 'a.json'),
        'a.json: expected "groups": [...] (one group id per prediction)',
      ],
      [
        () => axg.metricsFromJson({ predictions: [0], labels: [0], groups: [] }, 'a.json'),
        'a.json: 1 predictions but 0 groups',
      ],
      [() => axb.metricsFromJson({ predictions: [0.5], labels: [0] }, 'a.json'), /^a\.json: predictions\[0\] is 0\.5/],
    ] as const;
    for (const [fn, message] of errors) {
      const e = await caught(fn);
      expect(e.message).toMatch(typeof message === 'string' ? new RegExp(`^${escape(message)}$`) : message);
      expect(e.message).not.toContain('\n');
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
