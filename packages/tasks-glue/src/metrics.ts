import { CamtlError, type MetricValues, type TaskKind } from '@camtl/core';

/**
 * GLUE metrics in plain float64 JavaScript, following the formulas of
 * scikit-learn 1.2 (accuracy, F1, MCC) and SciPy 1.10 (pearsonr, spearmanr)
 * step by step, so results agree with HF `glue_compute_metrics` to ~1e-15.
 *
 * Conventions: `null` wherever SciPy returns NaN (constant input, fewer than
 * two points) and for every metric of an empty input; MCC is 0 when undefined,
 * as sklearn reports it; binary F1 is null when the inputs hold more than two
 * classes (sklearn raises there).
 */

/** The metric names `computeMetrics` understands. */
export const METRIC_NAMES = [
  'accuracy',
  'f1',
  'mcc',
  'pearson',
  'spearman',
  'acc_and_f1',
  'pearson_and_spearman',
  'f1_macro',
  'mse',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Throws unless both arrays have the same length. */
function checkPair(predictions: readonly number[], labels: readonly number[]): void {
  if (predictions.length !== labels.length) {
    throw new CamtlError(
      'BAD_INPUT',
      `metrics: ${predictions.length} predictions but ${labels.length} labels`,
      'pass one prediction per label, in the same order',
    );
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number => sum(xs) / xs.length;

export function accuracy(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  if (labels.length === 0) return null;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hits++;
  return hits / labels.length;
}

/** F1 of one class from its counts; 0 where sklearn divides by zero (zero_division=0). */
function classF1(tp: number, predicted: number, actual: number): number {
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : tp / actual;
  const denom = precision + recall;
  return denom === 0 ? 0 : (2 * precision * recall) / denom;
}

function countClass(predictions: readonly number[], labels: readonly number[], c: number) {
  let tp = 0;
  let predicted = 0;
  let actual = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predictions[i] === c) predicted++;
    if (labels[i] === c) actual++;
    if (predictions[i] === c && labels[i] === c) tp++;
  }
  return { tp, predicted, actual };
}

/** Sorted distinct values of both arrays (sklearn's `unique_labels`). */
function classesOf(predictions: readonly number[], labels: readonly number[]): number[] {
  return [...new Set([...labels, ...predictions])].sort((a, b) => a - b);
}

/**
 * Binary F1 with positive label 1. sklearn refuses more than two classes, and
 * two classes that do not include 1; both give null here.
 */
export function f1(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  if (labels.length === 0) return null;
  const classes = classesOf(predictions, labels);
  if (classes.length > 2 || (classes.length === 2 && !classes.includes(1))) return null;
  const { tp, predicted, actual } = countClass(predictions, labels, 1);
  return classF1(tp, predicted, actual);
}

/** Unweighted mean of the per-class F1 over the classes seen in either array. */
export function f1Macro(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  if (labels.length === 0) return null;
  const scores = classesOf(predictions, labels).map((c) => {
    const { tp, predicted, actual } = countClass(predictions, labels, c);
    return classF1(tp, predicted, actual);
  });
  return mean(scores);
}

/**
 * Matthews correlation from the confusion matrix, sklearn's multiclass form
 * (which reduces to the binary formula): (c·s − t·p) / √((s² − t·t)(s² − p·p)),
 * with t/p the true/predicted counts per class, c the trace, s the total;
 * 0 when the denominator is 0.
 */
export function matthewsCorrcoef(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  if (labels.length === 0) return null;
  const classes = classesOf(predictions, labels);
  const tSum = classes.map(() => 0);
  const pSum = classes.map(() => 0);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    tSum[classes.indexOf(labels[i])]++;
    pSum[classes.indexOf(predictions[i])]++;
    if (predictions[i] === labels[i]) correct++;
  }
  const n = labels.length;
  const dot = (a: number[], b: number[]) => a.reduce((acc, v, k) => acc + v * b[k], 0);
  const covTP = correct * n - dot(tSum, pSum);
  const covPP = n * n - dot(pSum, pSum);
  const covTT = n * n - dot(tSum, tSum);
  if (covPP * covTT === 0) return 0;
  return covTP / Math.sqrt(covTT * covPP);
}

/** Euclidean norm, scaled so huge values cannot overflow (as scipy.linalg.norm). */
function norm(xs: readonly number[]): number {
  const scale = xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (scale === 0) return 0;
  return Math.sqrt(xs.reduce((acc, v) => acc + (v / scale) * (v / scale), 0)) * scale;
}

const isConstant = (xs: readonly number[]): boolean => xs.every((v) => v === xs[0]);
const hasNaN = (xs: readonly number[]): boolean => xs.some((v) => Number.isNaN(v));

/**
 * Pearson's r as scipy.stats.pearsonr computes it: centre, divide each side
 * by its norm, dot, clip to [−1, 1]; two points give the product of the signs.
 */
export function pearson(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  const x = predictions;
  const y = labels;
  // scipy raises below two points and returns NaN for constant (or NaN) input.
  if (x.length < 2 || hasNaN(x) || hasNaN(y) || isConstant(x) || isConstant(y)) return null;
  if (x.length === 2) return Math.sign(x[1] - x[0]) * Math.sign(y[1] - y[0]);
  const mx = mean(x);
  const my = mean(y);
  const xm = x.map((v) => v - mx);
  const ym = y.map((v) => v - my);
  const nx = norm(xm);
  const ny = norm(ym);
  let r = 0;
  for (let i = 0; i < xm.length; i++) r += (xm[i] / nx) * (ym[i] / ny);
  return Math.max(Math.min(r, 1), -1);
}

/** 1-based ranks, ties sharing the average of their ranks (scipy.stats.rankdata 'average'). */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const ranks = new Array<number>(xs.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && xs[order[end]] === xs[order[start]]) end++;
    // positions start..end-1 hold equal values: ranks start+1..end, averaged.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Spearman's rho as scipy.stats.spearmanr computes it: the ranks go through
 * numpy.corrcoef, i.e. cov(x, y) / std(y) / std(x) with the n − 1 factor.
 */
export function spearman(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  if (predictions.length < 2 || hasNaN(predictions) || hasNaN(labels)) return null;
  if (isConstant(predictions) || isConstant(labels)) return null;
  const rx = averageRanks(predictions);
  const ry = averageRanks(labels);
  const mx = mean(rx);
  const my = mean(ry);
  // numpy.cov multiplies by 1 / (n − 1) rather than dividing; kept for the last bits.
  const inv = 1 / (rx.length - 1);
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  for (let i = 0; i < rx.length; i++) {
    const dx = rx[i] - mx;
    const dy = ry[i] - my;
    cxy += dx * dy;
    cxx += dx * dx;
    cyy += dy * dy;
  }
  const rho = (cxy * inv) / Math.sqrt(cyy * inv) / Math.sqrt(cxx * inv);
  return Math.max(Math.min(rho, 1), -1);
}

export function mse(predictions: readonly number[], labels: readonly number[]): number | null {
  checkPair(predictions, labels);
  if (labels.length === 0) return null;
  return mean(predictions.map((p, i) => (p - labels[i]) * (p - labels[i])));
}

/** Mean of the values, null if any is null (an undefined part makes the whole undefined). */
export function meanOrNull(values: readonly (number | null)[]): number | null {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return mean(values as number[]);
}

/** HF's `acc_and_f1`: accuracy, F1 and their mean. */
export function accAndF1(predictions: readonly number[], labels: readonly number[]): MetricValues {
  const acc = accuracy(predictions, labels);
  const f = f1(predictions, labels);
  return { accuracy: acc, f1: f, acc_and_f1: meanOrNull([acc, f]) };
}

/** HF's `pearson_and_spearman`: both correlations and their mean. */
export function pearsonAndSpearman(predictions: readonly number[], labels: readonly number[]): MetricValues {
  const p = pearson(predictions, labels);
  const s = spearman(predictions, labels);
  return { pearson: p, spearman: s, pearson_and_spearman: meanOrNull([p, s]) };
}

const SINGLE: Record<MetricName, (p: readonly number[], l: readonly number[]) => number | null> = {
  accuracy,
  f1,
  mcc: matthewsCorrcoef,
  pearson,
  spearman,
  acc_and_f1: (p, l) => accAndF1(p, l).acc_and_f1,
  pearson_and_spearman: (p, l) => pearsonAndSpearman(p, l).pearson_and_spearman,
  f1_macro: f1Macro,
  mse,
};

/** The default metric names of a task kind (what `defineTask` uses without `metrics`). */
export function defaultMetricNames(kind: TaskKind): MetricName[] {
  return kind === 'classification' ? ['accuracy'] : ['pearson', 'spearman'];
}

export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}

/**
 * The named metrics (or a kind's defaults) of predictions against labels, as
 * one object whose keys are exactly the names, in the order given.
 */
export function computeMetrics(
  what: TaskKind | readonly MetricName[],
  predictions: readonly number[],
  labels: readonly number[],
): MetricValues {
  checkPair(predictions, labels);
  const names = typeof what === 'string' ? defaultMetricNames(what) : what;
  const out: MetricValues = {};
  for (const name of names) {
    const fn = SINGLE[name];
    if (!fn) {
      throw new CamtlError('BAD_CONFIG', `unknown metric "${name}"`, `known metrics: ${METRIC_NAMES.join(', ')}`);
    }
    out[name] = fn(predictions, labels);
  }
  return out;
}
