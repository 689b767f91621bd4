import { CamtlError, type MetricValues } from '@camtl/core';
import { accuracy, f1, f1Macro, matthewsCorrcoef } from './metrics';

/**
 * SuperGLUE's metrics, as the HF `super_glue` metric (the SuperGLUE
 * baselines' formulas on scikit-learn) computes them. Values are fractions in
 * [0, 1]; every metric of an empty input is null.
 */

function checkLengths(what: string, a: readonly unknown[], b: readonly unknown[], bName: string): void {
  if (a.length !== b.length) {
    throw new CamtlError('BAD_INPUT', `${what}: ${a.length} predictions but ${b.length} ${bName}`);
  }
}

/**
 * CB: accuracy and macro F1, sklearn's `f1_score(average='macro')`: the mean
 * of each class's F1 over the classes that occur in the labels or in the
 * predictions (a class in neither does not count). jiant v2 instead averages
 * over all three classes, scoring an absent class 0; the two agree whenever
 * every class occurs, as on CB's dev set (all three are there).
 */
export function cbMetrics(predictions: readonly number[], labels: readonly number[]): MetricValues {
  return { accuracy: accuracy(predictions, labels), f1: f1Macro(predictions, labels) };
}

/** Rows of each group, in the order groups first appear. */
function groupRows(groups: readonly string[]): number[][] {
  const rows = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = rows.get(g);
    if (list) list.push(i);
    else rows.set(g, [i]);
  });
  return [...rows.values()];
}

/**
 * MultiRC: `f1a`, the binary F1 (positive class 1) over all answer options,
 * and `em`, the fraction of questions (groups) whose options are all right.
 */
export function multircMetrics(
  predictions: readonly number[],
  labels: readonly number[],
  groups: readonly string[],
): MetricValues {
  checkLengths('multirc metrics', predictions, labels, 'labels');
  checkLengths('multirc metrics', predictions, groups, 'groups');
  if (labels.length === 0) return { f1a: null, em: null };
  const questions = groupRows(groups);
  const exact = questions.filter((rows) => rows.every((i) => predictions[i] === labels[i])).length;
  return { f1a: f1(predictions, labels), em: exact / questions.length };
}

/**
 * AX-g's gender parity: the fraction of groups (a premise in its male and
 * female forms) whose predictions are all equal; a group of one is consistent.
 */
export function genderParity(predictions: readonly number[], groups: readonly string[]): number | null {
  checkLengths('gender parity', predictions, groups, 'groups');
  if (groups.length === 0) return null;
  const pairs = groupRows(groups);
  return pairs.filter((rows) => rows.every((i) => predictions[i] === predictions[rows[0]])).length / pairs.length;
}

export function axgMetrics(
  predictions: readonly number[],
  labels: readonly number[],
  groups: readonly string[],
): MetricValues {
  checkLengths('axg metrics', predictions, labels, 'labels');
  return { accuracy: accuracy(predictions, labels), gender_parity: genderParity(predictions, groups) };
}

export function axbMetrics(predictions: readonly number[], labels: readonly number[]): MetricValues {
  return { mcc: matthewsCorrcoef(predictions, labels) };
}

export function accuracyMetrics(predictions: readonly number[], labels: readonly number[]): MetricValues {
  return { accuracy: accuracy(predictions, labels) };
}

/** `camtl metrics` input, checked: arrays of equal length, `groups` when the task needs them. */
export interface MetricsInput {
  predictions: unknown[];
  labels: unknown[];
  groups?: string[];
}

function inputError(source: string, message: string): CamtlError {
  return new CamtlError('BAD_INPUT', `${source}: ${message}`);
}

function groupsOf(value: unknown, n: number, source: string): string[] {
  if (!Array.isArray(value)) throw inputError(source, 'expected "groups": [...] (one group id per prediction)');
  if (value.length !== n) throw inputError(source, `${n} predictions but ${value.length} groups`);
  return value.map((g, i) => {
    if (typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g))) return String(g);
    throw inputError(source, `groups[${i}] is ${JSON.stringify(g)}, expected a string or number`);
  });
}

export function parseMetricsInput(input: unknown, source: string, needGroups: boolean): MetricsInput {
  const shape = needGroups
    ? '{"predictions": [...], "labels": [...], "groups": [...]}'
    : '{"predictions": [...], "labels": [...]}';
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw inputError(source, `expected ${shape}`);
  const { predictions, labels, groups } = input as Record<string, unknown>;
  if (!Array.isArray(predictions) || !Array.isArray(labels)) throw inputError(source, `expected ${shape}`);
  if (predictions.length !== labels.length) {
    throw inputError(source, `${predictions.length} predictions but ${labels.length} labels`);
  }
  if (!needGroups) return { predictions, labels };
  return { predictions, labels, groups: groupsOf(groups, predictions.length, source) };
}

/**
 * Class ids from JSON values: a class id (integer 0…C−1), or a label as the
 * files write it (a string, or a JSON boolean for true/false tasks).
 */
export function classIdsFromJson(
  values: readonly unknown[],
  classes: readonly string[],
  what: 'predictions' | 'labels',
  source: string,
): number[] {
  return values.map((v, i) => {
    const id =
      typeof v === 'number' ? v : typeof v === 'string' || typeof v === 'boolean' ? classes.indexOf(String(v)) : -1;
    if (Number.isInteger(id) && id >= 0 && id < classes.length) return id;
    const expected = `a class id 0…${classes.length - 1} or one of ${classes.map((c) => JSON.stringify(c)).join(', ')}`;
    throw inputError(source, `${what}[${i}] is ${JSON.stringify(v)}, expected ${expected}`);
  });
}
