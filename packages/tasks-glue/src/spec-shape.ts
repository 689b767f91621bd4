import { checkSchema } from '@camtl/core';
import * as z from 'zod/mini';

/**
 * The shape of a task definition (defineTask's spec, or a `--task-def` JSON
 * file), checked by a schema before anything reads it: a null, a missing
 * `files`, a column that is an object… is a one-line error naming the field,
 * never a TypeError. What the values mean (kinds, formats, labels, metrics)
 * is checked by defineTask afterwards. Sizes are bounded so a hostile file
 * cannot make the checks themselves run away.
 */

const MAX_NAME = 200;
const MAX_LIST = 100_000;
const COLUMN_ROLES = ['textA', 'textB', 'label', 'id', 'words', 'tags', 'question', 'context', 'answers', 'choices'];

const name = z.string().check(z.minLength(1), z.maxLength(MAX_NAME));
const strings = z.array(z.string()).check(z.maxLength(MAX_LIST));
const flag = z.boolean();
// A column is named by its header or by its index (negative: from the end).
const columnRef = z.union(
  [z.number().check(z.minimum(-MAX_LIST), z.maximum(MAX_LIST), z.int()), name],
  'a column name or an integer index',
);
const columns = z.strictObject(Object.fromEntries(COLUMN_ROLES.map((role) => [role, z.optional(columnRef)])));
const fileSpec = z.union(
  [
    name,
    z.strictObject({
      path: name,
      columns: z.optional(columns),
      header: z.optional(flag),
      columnNames: z.optional(strings),
    }),
  ],
  'a file path or {path, columns?, header?, columnNames?}',
);
const files = z
  .record(z.string().check(z.maxLength(MAX_NAME)), fileSpec)
  .check(z.refine((o) => Object.keys(o).length > 0, 'must name a file per split, e.g. {"train": "train.tsv"}'));
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

const taskSpec = z.strictObject({
  name,
  kind: name,
  format: name,
  files,
  dataset: z.optional(name),
  labels: z.optional(strings),
  columns: z.optional(columns),
  header: z.optional(flag),
  columnNames: z.optional(strings),
  metrics: z.optional(strings),
  score: z.optional(z.union([name, fn], 'a metric name or a function')),
  submissionFile: z.optional(name),
  devSplits: z.optional(strings),
  formatPrediction: z.optional(fn),
  badRowHint: z.optional(name),
  allowEmptyText: z.optional(flag),
});

/** Throws a one-line CamtlError naming `where` and the field unless `spec` has a task definition's shape. */
export function checkSpecShape(spec: unknown, where = 'task definition'): asserts spec is Record<string, unknown> {
  const named =
    spec && typeof spec === 'object' && typeof (spec as { name?: unknown }).name === 'string'
      ? `${where} "${(spec as { name: string }).name.slice(0, MAX_NAME)}"`
      : where;
  checkSchema(taskSpec, spec, named, 'a task definition is {name, kind, format, files, columns, …}: see defineTask');
}
