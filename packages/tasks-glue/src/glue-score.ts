import { averageScore, CamtlError, type EvalResult, type MetricValues, type SelectBy } from '@camtl/core';
import { resolveTask } from './glue';

/**
 * The single GLUE number, in one of two conventions:
 * - 'paper': BERT's GLUE table (and CA-MTL's, which follows it): one metric
 *   per task — CoLA MCC, SST-2 accuracy, MRPC F1, STS-B Spearman, QQP F1,
 *   MNLI-m and MNLI-mm accuracy, QNLI and RTE accuracy — averaged over the
 *   tasks present; WNLI is left out (BERT's table omits it).
 * - 'mean': the average camtl has always logged: each task's score
 *   (TaskDefinition.score, e.g. MRPC's mean of accuracy and F1) averaged
 *   with core's `averageScore`, the very function evaluate() uses.
 * A metric that is null (undefined, e.g. the correlation of constant
 * predictions) is left out of both, as evaluate() leaves out a null score.
 */
export type GlueConvention = 'paper' | 'mean';
export const GLUE_CONVENTIONS: readonly GlueConvention[] = ['paper', 'mean'];

export interface GlueScore {
  convention: GlueConvention;
  /** null when no entry is defined. */
  score: number | null;
  /** What went into the score: 'task.metric' (paper) or 'task' → its task score (mean). */
  entries: Record<string, number>;
}

/** The task names glueScore reads, with the metric the paper convention takes (WNLI: none). */
export const GLUE_SCORE_TASKS: Readonly<Record<string, string | null>> = {
  cola: 'mcc',
  'sst-2': 'accuracy',
  mrpc: 'f1',
  'sts-b': 'spearman',
  qqp: 'f1',
  mnli: 'accuracy',
  'mnli-mm': 'accuracy',
  qnli: 'accuracy',
  rte: 'accuracy',
  wnli: null,
};

/** Other spellings: HF datasets' names, the test server's mnli-m, and evaluate()'s MNLI dev-split keys. */
const ALIASES: Readonly<Record<string, string>> = {
  sst2: 'sst-2',
  stsb: 'sts-b',
  'mnli-m': 'mnli',
  'mnli/dev_matched': 'mnli',
  'mnli/dev_mismatched': 'mnli-mm',
};

/** The canonical glueScore task name of a name or eval-set key, or undefined when it is not one. */
export function glueScoreTask(name: string): string | undefined {
  const key = name.toLowerCase();
  const canonical = Object.hasOwn(ALIASES, key) ? ALIASES[key] : key;
  return Object.hasOwn(GLUE_SCORE_TASKS, canonical) ? canonical : undefined;
}

function canonicalTask(name: string): string {
  const task = glueScoreTask(name);
  if (task === undefined)
    throw new CamtlError(
      'BAD_INPUT',
      `glue score: unknown task "${name}"`,
      `tasks: ${Object.keys(GLUE_SCORE_TASKS).join(', ')} (mnli = matched, mnli-mm = mismatched)`,
    );
  return task;
}

/** A metric's value, checked: present, and a number or null. */
function metric(task: string, metrics: MetricValues, key: string): number | null {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics))
    throw new CamtlError('BAD_INPUT', `glue score: task "${task}": expected a metrics object, got ${typeof metrics}`);
  if (!Object.hasOwn(metrics, key))
    throw new CamtlError(
      'BAD_INPUT',
      `glue score: task "${task}" has no metric "${key}"`,
      'pass each task\'s metrics as "camtl metrics" prints them',
    );
  const v = metrics[key];
  if (v !== null && typeof v !== 'number')
    throw new CamtlError(
      'BAD_INPUT',
      `glue score: task "${task}" metric "${key}" is ${JSON.stringify(v)}, not a number`,
    );
  return v;
}

const defined = (v: number | null): v is number => v !== null && Number.isFinite(v);

function paperEntries(byTask: ReadonlyMap<string, MetricValues>): Record<string, number> {
  const entries: Record<string, number> = {};
  for (const [task, m] of byTask) {
    const key = GLUE_SCORE_TASKS[task];
    if (key === null) continue; // WNLI: not in the paper's average
    const v = metric(task, m, key);
    if (defined(v)) entries[`${task}.${key}`] = v;
  }
  return entries;
}

/** Each task's own score (MNLI-mm scored as MNLI), after checking every metric its definition reports. */
function meanScores(byTask: ReadonlyMap<string, MetricValues>): Record<string, number | null> {
  const scores: Record<string, number | null> = {};
  for (const [task, m] of byTask) {
    const definition = resolveTask(task === 'mnli-mm' ? 'mnli' : task);
    for (const key of definition.metricNames) metric(task, m, key);
    scores[task] = definition.score(m);
  }
  return scores;
}

/** Task names (any spelling above) → canonical name, in the given order; a task given twice is an error. */
function canonicalMap(metricsByTask: Readonly<Record<string, MetricValues>>): Map<string, MetricValues> {
  if (typeof metricsByTask !== 'object' || metricsByTask === null || Array.isArray(metricsByTask))
    throw new CamtlError('BAD_INPUT', 'glue score: expected an object mapping task names to metrics objects');
  const out = new Map<string, MetricValues>();
  for (const [name, m] of Object.entries(metricsByTask)) {
    const task = canonicalTask(name);
    if (out.has(task)) throw new CamtlError('BAD_INPUT', `glue score: task "${task}" is given twice (as "${name}")`);
    out.set(task, m);
  }
  return out;
}

/** The GLUE score of per-task metrics (task name → metrics object as `camtl metrics` prints it). */
export function glueScore(
  metricsByTask: Readonly<Record<string, MetricValues>>,
  convention: GlueConvention = 'paper',
): GlueScore {
  if (!GLUE_CONVENTIONS.includes(convention))
    throw new CamtlError('BAD_INPUT', `glue score: unknown convention "${convention}"`, 'use paper or mean');
  const byTask = canonicalMap(metricsByTask);
  if (convention === 'paper') {
    const entries = paperEntries(byTask);
    return { convention, score: averageScore(entries), entries };
  }
  const scores = meanScores(byTask);
  const entries = Object.fromEntries(Object.entries(scores).filter((e): e is [string, number] => defined(e[1])));
  return { convention, score: averageScore(scores), entries };
}

/**
 * The Trainer's `selectBy` for a GLUE convention. 'mean' is the evaluation's
 * own average (the same number); 'paper' reads the evaluation's metrics,
 * keyed by eval set ('mnli', 'mnli/dev_mismatched', …). With `taskNames`, a
 * task the convention cannot read, or tasks none of which it scores (WNLI
 * alone), are an error now rather than a run without a best checkpoint.
 */
export function glueSelection(convention: GlueConvention, taskNames?: readonly string[]): SelectBy {
  if (!GLUE_CONVENTIONS.includes(convention))
    throw new CamtlError('BAD_CONFIG', `select by: unknown convention "${convention}"`, 'use paper or mean');
  if (convention === 'mean') return { name: 'mean', score: (r: EvalResult) => r.average };
  const other = taskNames?.find((t) => glueScoreTask(t) === undefined);
  if (other !== undefined)
    throw new CamtlError(
      'BAD_CONFIG',
      `select by paper: task "${other}" is not a GLUE task the paper's score includes`,
      'use --select-by mean for runs with other tasks',
    );
  if (taskNames && !taskNames.some((t) => GLUE_SCORE_TASKS[glueScoreTask(t)!] !== null))
    throw new CamtlError(
      'BAD_CONFIG',
      `select by paper: none of the tasks (${taskNames.join(', ')}) is in the paper's score`,
      'the paper leaves WNLI out; use --select-by mean',
    );
  return { name: 'paper', score: (r: EvalResult) => glueScore(r.metrics, 'paper').score };
}
