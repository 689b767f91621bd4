import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import type { BertTokenizer, PairTruncation } from '../tokenizer';
import { encodeChoiceExamples, encodeSpanExamples, encodeTokenExamples, type SpanEncodeOptions } from './encode-kinds';
import type { MultiTaskBatch } from './model';
import type { Example, TaskDefinition } from './tasks';

/** A tokenized example of task `task` (its index in the model's task list). */
export interface EncodedExample {
  ids: number[];
  typeIds: number[];
  task: number;
  /** Class id or regression target; NaN when the split has no labels (test files). */
  target: number;
  /**
   * 0-based position of the row in its task's encoded list: the example's
   * position in the split (as `camtl data --json` lists it), except for
   * span-extraction tasks, whose long contexts give one row per window.
   */
  index?: number;
  /** The test-server id, when the file had one. */
  id?: string;
  /** Position of the source example in the split (span windows share it; absent = `index`). */
  example?: number;
  /** Token classification: per token the tag id, −100 where no loss is taken (specials, later sub-tokens). */
  tokenTargets?: number[];
  /** Token classification: per word, the position of its first sub-token (−1 when truncated away). */
  wordStarts?: number[];
  /** Span extraction: the answer's first and last token (both 0, [CLS], when this window does not hold it). */
  startPosition?: number;
  endPosition?: number;
  /** Span extraction: per token its [start, end) characters in the context; null outside the context. */
  offsets?: ([number, number] | null)[];
  /** Multiple choice: one encoded row per choice (`ids`/`typeIds` repeat choice 0); `target` is the correct index. */
  choices?: { ids: number[]; typeIds: number[] }[];
}

export interface EncodeExamplesOptions extends SpanEncodeOptions {
  /** How a pair over maxSeqLength is cut: HF fast (default) or transformers 2.11 as the reference ran it. */
  truncation?: PairTruncation;
}

/**
 * Tokenizes a split once (truncated to maxSeqLength, as the reference's
 * max_seq_length); `index` = position in `examples`, except for span
 * extraction (one row per context window: see encodeSpanExamples).
 */
export function encodeExamples(
  tokenizer: BertTokenizer,
  examples: readonly Example[],
  task: TaskDefinition,
  taskIndex: number,
  maxSeqLength: number,
  options: EncodeExamplesOptions = {},
): EncodedExample[] {
  const truncation = options.truncation === 'longest-first-reference' ? 'longest_first_reference' : 'longest_first';
  switch (task.kind) {
    case 'token-classification':
      return encodeTokenExamples(tokenizer, examples, task, taskIndex, maxSeqLength);
    case 'span-extraction':
      return encodeSpanExamples(tokenizer, examples, task, taskIndex, maxSeqLength, options);
    case 'multiple-choice':
      return encodeChoiceExamples(tokenizer, examples, task, taskIndex, maxSeqLength, truncation);
  }
  return examples.map((ex, index) => {
    const enc = tokenizer.encode(ex.textA, ex.textB, { maxSeqLength, truncation });
    const target = ex.label === undefined ? Number.NaN : task.target(ex.label);
    // index: the row's position in `examples`, which a replayed schedule names it by.
    return { ids: enc.ids, typeIds: enc.typeIds, task: taskIndex, target, index, id: ex.id };
  });
}

export interface CollateOptions {
  /** 'longest' pads to the batch's longest row (dynamic padding); a number pads every batch to it (the reference pads to 128). */
  padTo?: 'longest' | number;
  /** Round the padded length up to a multiple (e.g. 8); ignored with a fixed length. */
  padToMultipleOf?: number;
  padId?: number;
  /** Include labels (training and evaluation with targets). */
  labels?: boolean;
}

/** The encoder rows of an example: one per choice for multiple choice, else itself. */
function encoderRows(r: EncodedExample): { ids: number[]; typeIds: number[] }[] {
  return r.choices ?? [r];
}

/** Each example's first encoder row in a collated batch (rows of a multiple-choice example are adjacent). */
export function exampleFirstRows(rows: readonly EncodedExample[]): number[] {
  let next = 0;
  return rows.map((r) => {
    const first = next;
    next += encoderRows(r).length;
    return first;
  });
}

function paddedLength(rows: readonly EncodedExample[], options: CollateOptions): number {
  const longest = Math.max(...rows.flatMap((r) => encoderRows(r).map((e) => e.ids.length)));
  if (typeof options.padTo === 'number') {
    if (longest > options.padTo) {
      throw new CamtlError(
        'BAD_INPUT',
        `an example has ${longest} tokens, more than the fixed padding length ${options.padTo}`,
      );
    }
    return options.padTo;
  }
  const m = options.padToMultipleOf ?? 1;
  return Math.ceil(longest / m) * m;
}

/** Per encoder row: the label (a multiple-choice row: 1 on the correct choice) and the example it belongs to. */
function rowTargets(rows: readonly EncodedExample[]): { labels: number[]; examples: number[] } {
  const labels: number[] = [];
  const examples: number[] = [];
  rows.forEach((r, e) => {
    if (r.choices) r.choices.forEach((_, c) => labels.push(c === r.target ? 1 : 0));
    else labels.push(Number.isNaN(r.target) ? 0 : r.target);
    for (let k = 0; k < encoderRows(r).length; k++) examples.push(e);
  });
  return { labels, examples };
}

/** The token and span targets, when the batch has rows of those kinds. */
function kindTargets(rows: readonly EncodedExample[], S: number, batch: MultiTaskBatch): void {
  const N = rows.reduce((n, r) => n + encoderRows(r).length, 0);
  const first = exampleFirstRows(rows);
  if (rows.some((r) => r.tokenTargets)) {
    const tags = new Int32Array(N * S).fill(-100);
    rows.forEach((r, e) => r.tokenTargets && tags.set(r.tokenTargets, first[e] * S));
    batch.tokenLabels = tf.tensor2d(tags, [N, S], 'int32');
  }
  if (rows.some((r) => r.startPosition !== undefined)) {
    const at = (key: 'startPosition' | 'endPosition') => {
      const v = new Int32Array(N);
      rows.forEach((r, e) => (v[first[e]] = r[key] ?? 0));
      return tf.tensor1d(v, 'int32');
    };
    batch.startPositions = at('startPosition');
    batch.endPositions = at('endPosition');
  }
}

/**
 * Pads a list of examples (of any tasks and kinds) into one batch of tensors;
 * a multiple-choice example becomes one row per choice.
 */
export function collate(rows: readonly EncodedExample[], options: CollateOptions = {}): MultiTaskBatch {
  if (rows.length === 0) throw new CamtlError('BAD_INPUT', 'cannot collate an empty batch');
  const S = paddedLength(rows, options);
  const flat = rows.flatMap((r) => encoderRows(r).map((e) => ({ ...e, task: r.task })));
  const N = flat.length;
  const ids = new Int32Array(N * S).fill(options.padId ?? 0);
  const types = new Int32Array(N * S);
  const mask = new Int32Array(N * S);
  flat.forEach((r, b) => {
    ids.set(r.ids, b * S);
    types.set(r.typeIds, b * S);
    mask.fill(1, b * S, b * S + r.ids.length);
  });
  const batch: MultiTaskBatch = {
    inputIds: tf.tensor2d(ids, [N, S], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [N, S], 'int32'),
    attentionMask: tf.tensor2d(mask, [N, S], 'int32'),
    taskIds: tf.tensor1d(
      flat.map((r) => r.task),
      'int32',
    ),
  };
  const targets = rowTargets(rows);
  if (N > rows.length) batch.exampleIds = tf.tensor1d(targets.examples, 'int32');
  if (options.labels) {
    batch.labels = tf.tensor1d(targets.labels, 'float32');
    kindTargets(rows, S, batch);
  }
  return batch;
}

/**
 * int32 [B] task ids from host numbers, each checked to lie in [0, numTasks):
 * the check at the data edge. Models trust the ids they are given (reading
 * them back in every forward would stall the device), and an out-of-range
 * gather is not an error on every backend: it can silently read zeros.
 */
export function taskIdTensor(ids: ArrayLike<number>, numTasks: number, source = 'task ids'): tf.Tensor1D {
  for (let i = 0; i < ids.length; i++) {
    if (!(Number.isInteger(ids[i]) && ids[i] >= 0 && ids[i] < numTasks)) {
      throw new CamtlError(
        'BAD_INPUT',
        `${source}: task id ${ids[i]} (example ${i}) is outside [0, ${numTasks})`,
        'task ids index the task list the model was built with',
      );
    }
  }
  return tf.tensor1d(Array.from(ids), 'int32');
}

export function disposeBatch(batch: MultiTaskBatch): void {
  tf.dispose(Object.values(batch).filter(Boolean) as tf.Tensor[]);
}

/** The longest encoder row of an example (its longest choice for multiple choice). */
export function exampleLength(r: EncodedExample): number {
  return Math.max(...encoderRows(r).map((e) => e.ids.length));
}

/**
 * Indices of `rows` in batches of similar length (sorted by length, then cut),
 * so evaluation pads little; the order of predictions is restored by index.
 */
export function lengthBuckets(rows: readonly EncodedExample[], batchSize: number): number[][] {
  const order = rows.map((r, i) => i).sort((a, b) => exampleLength(rows[a]) - exampleLength(rows[b]) || a - b);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}

/**
 * `batch` over `rows` in length-bucketed batches (so padding is small), its
 * per-row results put back in row order; progress after each batch.
 */
export async function inLengthBuckets<T>(
  rows: EncodedExample[],
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void },
  batch: (rows: EncodedExample[]) => Promise<T[]>,
): Promise<T[]> {
  const out = new Array<T>(rows.length);
  let done = 0;
  for (const bucket of lengthBuckets(rows, options.batchSize ?? 64)) {
    const results = await batch(bucket.map((i) => rows[i]));
    bucket.forEach((i, k) => (out[i] = results[k]));
    done += bucket.length;
    options.onProgress?.(done, rows.length);
  }
  return out;
}
