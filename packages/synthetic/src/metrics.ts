/**
 * The metrics the synthetic tasks report, with GLUE's (scikit-learn / SciPy)
 * conventions: binary F1 of class 1 with zero_division = 0, Spearman with
 * average ranks for ties, and null where a correlation is undefined (constant
 * input). Local because @camtl/tasks-glue was not published when this package
 * was written; checked against the same reference vectors (fixtures/).
 */
import { CamtlError } from '@camtl/core';
import type { MetricValues } from '@camtl/core';

function checkLengths(predictions: number[], targets: number[]): void {
  if (predictions.length !== targets.length) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `metrics: ${predictions.length} predictions for ${targets.length} targets`,
    );
  }
}

export function accuracy(predictions: number[], targets: number[]): number | null {
  checkLengths(predictions, targets);
  if (targets.length === 0) return null;
  return predictions.filter((p, i) => p === targets[i]).length / targets.length;
}

/** F1 of class 1; 0 when there is no true and no predicted positive to score (sklearn zero_division=0). */
export function f1(predictions: number[], targets: number[]): number {
  checkLengths(predictions, targets);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predictions.forEach((p, i) => {
    if (p === 1 && targets[i] === 1) tp++;
    else if (p === 1) fp++;
    else if (targets[i] === 1) fn++;
  });
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}

export function pearson(x: number[], y: number[]): number | null {
  checkLengths(x, y);
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** 1-based ranks; tied values share the mean of their ranks. */
export function ranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function spearman(x: number[], y: number[]): number | null {
  checkLengths(x, y);
  return pearson(ranks(x), ranks(y));
}

/** The named metrics of one task's predictions. */
export function computeMetrics(names: readonly string[], predictions: number[], targets: number[]): MetricValues {
  const fns: Record<string, (p: number[], t: number[]) => number | null> = { accuracy, f1, pearson, spearman };
  return Object.fromEntries(names.map((name) => [name, fns[name](predictions, targets)]));
}

/** Mean of the named metrics; null when one of them is undefined. */
export function meanOf(metrics: MetricValues, names: readonly string[]): number | null {
  const values = names.map((n) => metrics[n]);
  if (values.some((v) => v === null || v === undefined || !Number.isFinite(v))) return null;
  return (values as number[]).reduce((s, v) => s + v, 0) / values.length;
}
