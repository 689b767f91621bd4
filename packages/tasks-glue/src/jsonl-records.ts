import {
  CamtlError,
  type Example,
  type FileSystem,
  type ReadOptions,
  type ReadResult,
  type SkippedRow,
} from '@camtl/core';
import { jsonProblem, oneLine, splitLines } from './formats';

/**
 * Reading JSONL files whose records are nested (SuperGLUE's MultiRC passages,
 * WSC's `target` spans), which `parseJsonl`'s flat column mapping cannot
 * express. Lines are split by `splitLines` (BOM, \r and trailing blank lines
 * handled as for every other file); a record turns into zero or more examples,
 * and every oddity worth knowing is counted in `quirks`.
 */

export type JsonRecord = Record<string, unknown>;

/** A record that cannot become examples: the message names the key (the caller adds file:line). */
export class RecordProblem extends Error {}

/** Quirk name → how many times it was seen. */
export type QuirkCounts = Record<string, number>;

export function countQuirk(quirks: QuirkCounts, name: string, n = 1): void {
  quirks[name] = (quirks[name] ?? 0) + n;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The value at `key` (a path like "target.span1_text" names it in messages). */
export function field(record: JsonRecord, key: string, path = key): unknown {
  if (!Object.hasOwn(record, key)) throw new RecordProblem(`expected a key "${path}", got nothing`);
  return record[key];
}

export function stringField(record: JsonRecord, key: string, path = key): string {
  const v = field(record, key, path);
  if (typeof v !== 'string') throw new RecordProblem(`expected a string in key "${path}", got ${describe(v)}`);
  return v;
}

export function nonEmptyString(record: JsonRecord, key: string, path = key): string {
  const v = stringField(record, key, path);
  if (v.trim() === '') throw new RecordProblem(`expected a non-empty text in key "${path}"`);
  return v;
}

export function integerField(record: JsonRecord, key: string, path = key): number {
  const v = field(record, key, path);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new RecordProblem(`expected an integer in key "${path}", got ${describe(v)}`);
  }
  return v;
}

export function objectField(record: JsonRecord, key: string, path = key): JsonRecord {
  const v = field(record, key, path);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new RecordProblem(`expected an object in key "${path}", got ${describe(v)}`);
  }
  return v as JsonRecord;
}

export function arrayField(record: JsonRecord, key: string, path = key): unknown[] {
  const v = field(record, key, path);
  if (!Array.isArray(v)) throw new RecordProblem(`expected an array in key "${path}", got ${describe(v)}`);
  return v;
}

/** `idx` as the string the test server's files carry (an integer, or a string in AX-b). */
export function idxField(record: JsonRecord, path = 'idx'): string {
  const v = field(record, 'idx', path);
  if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v !== '')) return String(v);
  throw new RecordProblem(`expected an integer or string in key "${path}", got ${describe(v)}`);
}

/**
 * The label as a label string, or undefined when the key is absent (test
 * files); `labels` are the accepted strings, JSON booleans and numbers are
 * written as `String(v)` ("true", "1").
 */
export function labelField(record: JsonRecord, labels: readonly string[], path = 'label'): string | undefined {
  if (!Object.hasOwn(record, 'label')) return undefined;
  const v = record.label;
  const text = typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? String(v) : undefined;
  if (text === undefined || !labels.includes(text)) {
    throw new RecordProblem(`expected a label in {${labels.join(', ')}} in key "${path}", got ${describe(v)}`);
  }
  return text;
}

function parseRecord(text: string): JsonRecord {
  if (text.trim() === '') throw new RecordProblem('expected a JSON object, got an empty line');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecordProblem(`expected a JSON object, got invalid JSON (${jsonProblem(e)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RecordProblem(`expected a JSON object, got ${Array.isArray(value) ? 'an array' : describe(value)}`);
  }
  return value as JsonRecord;
}

/** Turns one record (at a 1-based line) into examples, counting quirks; throws RecordProblem when malformed. */
export type RecordReader = (record: JsonRecord, line: number, quirks: QuirkCounts) => Example[];

export interface JsonlSplitArgs {
  task: string;
  splits: Readonly<Record<string, string>>;
  dataDir: string;
  split: string;
  fs: FileSystem;
  options?: ReadOptions;
}

async function splitText(a: JsonlSplitArgs): Promise<{ path: string; text: string }> {
  const rel = a.splits[a.split];
  if (rel === undefined) {
    const names = Object.keys(a.splits).join(', ');
    throw new CamtlError('BAD_CONFIG', `task "${a.task}" has no split "${a.split}"`, `splits: ${names}`);
  }
  const path = a.fs.join(a.dataDir, rel);
  if (!(await a.fs.exists(path))) {
    throw new CamtlError(
      'NOT_FOUND',
      `${path}: no such file (split "${a.split}" of task "${a.task}")`,
      `expected ${rel} inside the data folder ${a.dataDir} (the folder holding BoolQ/, CB/, …)`,
    );
  }
  return { path, text: await a.fs.readText(path) };
}

/**
 * Reads one split's JSONL file record by record. A malformed record throws
 * `file:line: reason`, or with `skipBadRows` is listed in `skipped`.
 */
export async function readJsonlSplit(a: JsonlSplitArgs, toExamples: RecordReader): Promise<ReadResult> {
  const { path, text } = await splitText(a);
  const examples: Example[] = [];
  const skipped: SkippedRow[] = [];
  const quirks: QuirkCounts = {};
  if (text.length > 0 && !text.endsWith('\n')) countQuirk(quirks, 'no newline at the end of the file');
  for (const { line, text: row } of splitLines(text)) {
    try {
      examples.push(...toExamples(parseRecord(row), line, quirks));
    } catch (e) {
      if (!(e instanceof RecordProblem)) throw e;
      if (!a.options?.skipBadRows) {
        const hint = 'read with skipBadRows: true (the CLI: --skip-bad-rows) to skip malformed rows and list them';
        throw new CamtlError('BAD_FILE', `${path}:${line}: ${oneLine(e.message)}`, hint);
      }
      skipped.push({ line, reason: oneLine(e.message) });
    }
  }
  const unlabelled = examples.filter((e) => e.label === undefined).length;
  if (unlabelled > 0) countQuirk(quirks, 'examples without a label (test file)', unlabelled);
  return { file: path, examples, skipped, quirks };
}
