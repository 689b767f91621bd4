import { CamtlError } from '@camtl/core';

/**
 * The shape of a task definition (defineTask's spec, or a `--task-def` JSON
 * file), checked before anything reads it: a null, a missing `files`, a
 * column that is an object… is a one-line error naming the field, never a
 * TypeError. What the values mean (kinds, formats, labels, metrics) is
 * checked by defineTask afterwards. Sizes are bounded so a hostile file
 * cannot make the checks themselves run away.
 */

type Raw = Record<string, unknown>;

const MAX_NAME = 200;
const MAX_LIST = 100_000;
const FIELDS = [
  'name',
  'kind',
  'labels',
  'format',
  'dataset',
  'files',
  'columns',
  'header',
  'columnNames',
  'metrics',
  'score',
  'submissionFile',
  'devSplits',
  'formatPrediction',
  'badRowHint',
  'allowEmptyText',
];
const COLUMN_ROLES = ['textA', 'textB', 'label', 'id', 'words', 'tags', 'question', 'context', 'answers', 'choices'];
const FILE_FIELDS = ['path', 'columns', 'header', 'columnNames'];

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown) => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? typeof v).slice(0, 60));

function fail(where: string, field: string, expected: string, got: unknown): never {
  throw new CamtlError('BAD_CONFIG', `${where}: ${field}: expected ${expected}, got ${shown(got)}`);
}

function text(where: string, field: string, v: unknown, optional = true): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'string' || v === '' || v.length > MAX_NAME)
    fail(where, field, `a string of 1–${MAX_NAME} characters`, v);
}

function strings(where: string, field: string, v: unknown): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length > MAX_LIST || !v.every((x) => typeof x === 'string'))
    fail(where, field, `a list of strings (at most ${MAX_LIST})`, v);
}

function flag(where: string, field: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') fail(where, field, 'true or false', v);
}

function knownKeys(where: string, prefix: string, obj: Raw, known: readonly string[]): void {
  const unknown = Object.keys(obj).find((k) => !known.includes(k));
  if (unknown !== undefined)
    throw new CamtlError('BAD_CONFIG', `${where}: ${prefix}${unknown}: unknown key`, `known keys: ${known.join(', ')}`);
}

function columns(where: string, field: string, v: unknown): void {
  if (v === undefined) return;
  if (!isObject(v)) fail(where, field, 'an object of column names or indices', v);
  knownKeys(where, `${field}.`, v, COLUMN_ROLES);
  for (const [role, ref] of Object.entries(v)) {
    const index = typeof ref === 'number' && Number.isSafeInteger(ref) && Math.abs(ref) <= MAX_LIST;
    if (!index && (typeof ref !== 'string' || ref === '' || ref.length > MAX_NAME))
      fail(where, `${field}.${role}`, 'a column name or an integer index', ref);
  }
}

function files(where: string, v: unknown): void {
  if (!isObject(v) || Object.keys(v).length === 0)
    fail(where, 'files', 'an object of split → file (e.g. {"train": "train.tsv"})', v);
  for (const [split, f] of Object.entries(v)) {
    const at = `files.${split}`;
    if (typeof f === 'string') {
      text(where, at, f, false);
      continue;
    }
    if (!isObject(f)) fail(where, at, 'a file path or {path, columns?, header?, columnNames?}', f);
    knownKeys(where, `${at}.`, f, FILE_FIELDS);
    text(where, `${at}.path`, f.path, false);
    columns(where, `${at}.columns`, f.columns);
    flag(where, `${at}.header`, f.header);
    strings(where, `${at}.columnNames`, f.columnNames);
  }
}

/** Throws a one-line CamtlError naming `where` and the field unless `spec` has a task definition's shape. */
export function checkSpecShape(spec: unknown, where = 'task definition'): asserts spec is Raw {
  if (!isObject(spec)) fail(where, '(top level)', 'a JSON object {name, kind, format, files, columns, …}', spec);
  knownKeys(where, '', spec, FIELDS);
  text(where, 'name', spec.name, false);
  const named = `${where} "${String(spec.name)}"`;
  text(named, 'kind', spec.kind, false);
  text(named, 'format', spec.format, false);
  for (const k of ['dataset', 'submissionFile', 'badRowHint'] as const) text(named, k, spec[k]);
  for (const k of ['labels', 'columnNames', 'metrics', 'devSplits'] as const) strings(named, k, spec[k]);
  files(named, spec.files);
  columns(named, 'columns', spec.columns);
  flag(named, 'header', spec.header);
  flag(named, 'allowEmptyText', spec.allowEmptyText);
  if (spec.score !== undefined && typeof spec.score !== 'function') text(named, 'score', spec.score);
  if (spec.formatPrediction !== undefined && typeof spec.formatPrediction !== 'function')
    fail(named, 'formatPrediction', 'a function', spec.formatPrediction);
}
