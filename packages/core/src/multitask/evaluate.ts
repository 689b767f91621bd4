import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { evalContext } from '../modules/context';
import { collate, disposeBatch, inLengthBuckets, type CollateOptions, type EncodedExample } from './data';
import type { MultiTaskModel } from './model';
import { averageScore } from './selection';
import { isSentenceKind } from './kind-heads';
import { predictKindRows, type TaskPrediction } from './predict-kinds';
import type { Example, MetricValues, TaskDefinition } from './tasks';

/** One evaluation set: a task's split, already tokenized. */
export interface EvalSet {
  /** Report key: the task name, or "task/split" for a task's further dev splits (MNLI mismatched). */
  key: string;
  task: TaskDefinition;
  taskIndex: number;
  split: string;
  rows: EncodedExample[];
  /** The split's examples, which span and token tasks' predictions and metrics read (contexts, words, golds). */
  examples?: readonly Example[];
}

export interface EvalResult {
  metrics: Record<string, MetricValues>;
  scores: Record<string, number | null>;
  /** Mean of the defined scores (the GLUE average), null when none is defined. */
  average: number | null;
}

export interface PredictOptions {
  batchSize?: number;
  padding?: CollateOptions['padTo'];
  /** Called after each batch with (done, total) rows, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

/** Predictions of one batch of a single task: class ids (argmax over its C_t classes) or regression values. */
async function predictBatch(
  model: MultiTaskModel,
  rows: EncodedExample[],
  padding: CollateOptions['padTo'],
): Promise<number[]> {
  const task = rows[0].task;
  const classes = model.numLabelsPerTask[task];
  const batch = collate(rows, { padTo: padding });
  const pred = tf.tidy(() => {
    const logits = model.forward(batch, evalContext()).logits; // [B, C_max]
    const own = tf.slice(logits, [0, 0], [-1, classes]); // [B, C_t]
    return classes === 1 ? tf.reshape(own, [-1]) : tf.argMax(own, -1);
  });
  disposeBatch(batch);
  try {
    return Array.from(await pred.data()); // async: WebGPU has no synchronous reads in Node
  } finally {
    pred.dispose();
  }
}

/** Predictions for rows of ONE task, in row order; batches are length-bucketed, so padding is small. */
export async function predictRows(
  model: MultiTaskModel,
  rows: EncodedExample[],
  options: PredictOptions = {},
): Promise<number[]> {
  return inLengthBuckets(rows, options, (bucket) => predictBatch(model, bucket, options.padding ?? 'longest'));
}

/** Predictions of one task's rows of any kind: class ids / values, choice ids, word tags or answer texts. */
export async function predictTask(
  model: MultiTaskModel,
  task: TaskDefinition,
  rows: EncodedExample[],
  examples?: readonly Example[],
  options: PredictOptions = {},
): Promise<TaskPrediction[]> {
  if (isSentenceKind(task.kind)) return predictRows(model, rows, options);
  return predictKindRows(model, task, rows, examples, options);
}

/** A set's metrics: token and span tasks score per example, the others per row against its target. */
function setMetrics(set: EvalSet, predictions: TaskPrediction[]): MetricValues {
  const { task } = set;
  if (task.kind === 'token-classification' || task.kind === 'span-extraction') {
    if (!task.exampleMetrics)
      throw new CamtlError('BAD_CONFIG', `task "${task.name}" (${task.kind}) has no exampleMetrics`);
    return task.exampleMetrics(predictions as (string | string[])[], set.examples!);
  }
  return task.metrics(
    predictions as number[],
    set.rows.map((r) => r.target),
    set.examples,
  );
}

/** Per-task metrics and scores on labelled sets, and their average. */
export async function evaluate(
  model: MultiTaskModel,
  sets: readonly EvalSet[],
  options: PredictOptions = {},
): Promise<EvalResult> {
  const metrics: Record<string, MetricValues> = {};
  const scores: Record<string, number | null> = {};
  for (const set of sets) {
    if (set.rows.length === 0) continue;
    const predictions = await predictTask(model, set.task, set.rows, set.examples, options);
    metrics[set.key] = setMetrics(set, predictions);
    scores[set.key] = set.task.score(metrics[set.key]);
  }
  return { metrics, scores, average: averageScore(scores) };
}
