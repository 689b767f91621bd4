import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { evalContext } from '../modules/context';
import { collate, disposeBatch, exampleFirstRows, inLengthBuckets, type EncodedExample } from './data';
import type { PredictOptions } from './evaluate';
import type { MultiTaskModel } from './model';
import { spanPredictions } from './span-answers';
import type { Example, TaskDefinition, TaskKind } from './tasks';
import { wordTags } from './token-words';

/**
 * Predictions of the token, span and multiple-choice kinds, read back to what
 * their metrics and submissions take: the tags of each word, the answer text
 * of each question (the best span over its windows), the chosen choice.
 */
export type TaskPrediction = number | string | string[];

/** What a row of a kind gives, on the host: its token tags, start and end logits, or chosen choice. */
type RowOutput = { tags?: number[]; start?: number[]; end?: number[]; choice?: number };

function kindTensors(model: MultiTaskModel, rows: EncodedExample[], kind: TaskKind, options: PredictOptions) {
  const batch = collate(rows, { padTo: options.padding ?? 'longest' });
  const classes = model.numLabelsPerTask[rows[0].task];
  try {
    return tf.tidy(() => {
      const out = model.forward(batch, evalContext());
      const need =
        kind === 'token-classification'
          ? out.tokenLogits
          : kind === 'span-extraction'
            ? out.startLogits
            : out.choiceLogits;
      if (!need) throw new CamtlError('BAD_INPUT', `the model gives no ${kind} outputs for task ${rows[0].task}`);
      if (kind === 'token-classification')
        return [tf.argMax(tf.slice(out.tokenLogits!, [0, 0, 0], [-1, -1, classes]), -1)]; // [N, S]
      if (kind === 'span-extraction') return [out.startLogits!, out.endLogits!]; // [N, S] each
      return [out.choiceLogits!]; // [N]
    });
  } finally {
    disposeBatch(batch);
  }
}

/** One batch: async reads (WebGPU in Node has no synchronous ones), trimmed to each row's own length. */
async function kindBatch(
  model: MultiTaskModel,
  rows: EncodedExample[],
  kind: TaskKind,
  options: PredictOptions,
): Promise<RowOutput[]> {
  const tensors = kindTensors(model, rows, kind, options);
  try {
    const values = await Promise.all(tensors.map((t) => t.array()));
    const own = (m: unknown, i: number) => (m as number[][])[i].slice(0, rows[i].ids.length);
    if (kind === 'token-classification') return rows.map((_, i) => ({ tags: own(values[0], i) }));
    if (kind === 'span-extraction') return rows.map((_, i) => ({ start: own(values[0], i), end: own(values[1], i) }));
    const scores = values[0] as number[];
    const first = exampleFirstRows(rows);
    return rows.map((r, e) => {
      const choices = scores.slice(first[e], first[e] + (r.choices?.length ?? 1));
      return { choice: choices.indexOf(Math.max(...choices)) };
    });
  } finally {
    tf.dispose(tensors);
  }
}

/**
 * Predictions of one task's rows of a token, span or choice kind: per example
 * its word tags / answer text / choice id. Span and token tasks need the
 * split's `examples` (the words, the original contexts).
 */
export async function predictKindRows(
  model: MultiTaskModel,
  task: TaskDefinition,
  rows: EncodedExample[],
  examples: readonly Example[] | undefined,
  options: PredictOptions = {},
): Promise<TaskPrediction[]> {
  if ((task.kind === 'span-extraction' || task.kind === 'token-classification') && !examples) {
    throw new CamtlError(
      'BAD_INPUT',
      `task "${task.name}": predictions of a ${task.kind} task need the split's examples`,
    );
  }
  const out = await inLengthBuckets(rows, options, (bucket) => kindBatch(model, bucket, task.kind, options));
  const all = <K extends keyof RowOutput>(key: K) => out.map((r) => r[key]!);
  if (task.kind === 'token-classification') return wordTags(rows, all('tags'), task.labels ?? []);
  if (task.kind === 'span-extraction') return spanPredictions(rows, all('start'), all('end'), examples as Example[]);
  return all('choice');
}
