import { CamtlError } from '@camtl/core';

/**
 * Row parsing for the two file formats, before any task-level validation.
 * TSV follows HF's GLUE reader (`csv.reader(delimiter="\t", quotechar=None)`):
 * a line is split on every tab and quotes are ordinary characters, because
 * GLUE texts contain unbalanced `"` that a quoting parser would swallow.
 */

/** A column: a header name, or a 0-based index (negative counts from the end: -1 is the last). */
export type ColumnRef = string | number;

/** Where each part of an example sits in a row (TSV column, or JSONL key). */
export interface Columns {
  /** Classification, regression, multiple choice: the (first) text. */
  textA?: ColumnRef;
  textB?: ColumnRef;
  label?: ColumnRef;
  id?: ColumnRef;
  /** JSONL token classification: the list of words, and of tags (one per word). */
  words?: string;
  tags?: string;
  /** JSONL span extraction: question, context, and answers (strings, or {text, answer_start}). */
  question?: string;
  context?: string;
  answers?: string;
  /** JSONL multiple choice: the list of choices (the label is the correct one's index). */
  choices?: string;
}

/** The scalar roles TSV and JSONL rows are parsed into. */
export type Role = 'textA' | 'textB' | 'label' | 'id';
export const ROLES: readonly Role[] = ['textA', 'textB', 'label', 'id'];
const ROLE_NAMES: Record<Role, string> = { textA: 'text_a', textB: 'text_b', label: 'label', id: 'id' };

/** One parsed row: the raw strings of each role, or why the row could not be parsed. */
export type RawRow =
  | { line: number; fields: Partial<Record<Role, string>>; where: Record<Role, string> }
  | { line: number; error: string };

export interface TsvOptions {
  header: boolean;
  /** Names of a header-less file's columns, used in messages only. */
  columnNames?: readonly string[];
}

/**
 * Lines with their 1-based numbers: a UTF-8 BOM is dropped (Python reads GLUE
 * as utf-8-sig), each line loses a trailing \r, and trailing blank lines go.
 */
export function splitLines(text: string): { line: number; text: string }[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n').map((t, i) => ({ line: i + 1, text: t.endsWith('\r') ? t.slice(0, -1) : t }));
  while (lines.length > 0 && lines[lines.length - 1].text === '') lines.pop();
  return lines;
}

export interface TsvLayout {
  index: Partial<Record<Role, number>>;
  where: Record<Role, string>;
  required: number;
  expected: string;
}

function columnLabel(index: number, names: readonly string[] | undefined): string {
  const name = index >= 0 ? names?.[index] : names?.[names.length + index];
  const base = index === -1 ? 'the last column' : index < 0 ? `column ${index} (from the end)` : `column ${index}`;
  return name !== undefined ? `${base} ("${name}")` : base;
}

/** Resolves header names to indices and works out what a valid row needs (TSV and CSV alike). */
export function tsvLayout(
  columns: Columns,
  names: readonly string[] | undefined,
  file: string,
  fromHeader: boolean,
): TsvLayout {
  const index: Partial<Record<Role, number>> = {};
  const where = {} as Record<Role, string>;
  for (const role of ROLES) {
    const ref = columns[role];
    if (ref === undefined) continue;
    let i = typeof ref === 'number' ? ref : (names ?? []).indexOf(ref);
    if (typeof ref === 'string' && i < 0) {
      const found = names && names.length > 0 ? names.join(', ') : 'no header';
      const at = fromHeader ? `${file}:1` : file;
      throw new CamtlError('BAD_FILE', oneLine(`${at}: expected a column "${ref}" in the header, found: ${found}`));
    }
    index[role] = i;
    where[role] = columnLabel(i, names);
  }
  const used = Object.values(index) as number[];
  const maxPos = Math.max(-1, ...used.filter((i) => i >= 0));
  const maxNeg = Math.max(0, ...used.filter((i) => i < 0).map((i) => -i));
  // Columns counted from the end must not overlap the ones counted from the start.
  const required = maxPos + 1 + maxNeg;
  const listNames = names !== undefined && maxNeg === 0 && required <= 6 && names.length >= required;
  const expected = listNames
    ? names.slice(0, required).join(', ')
    : ROLES.filter((r) => index[r] !== undefined)
        .map((r) => `${ROLE_NAMES[r]}: ${where[r]}`)
        .join(', ');
  return { index, where, required, expected };
}

/** Parses a TSV file's rows. Structural problems of the whole file throw. */
export function parseTsv(text: string, file: string, columns: Columns, options: TsvOptions): RawRow[] {
  const lines = splitLines(text);
  let names = options.columnNames;
  if (options.header && lines.length > 0) names = lines.shift()!.text.split('\t');
  const layout = tsvLayout(columns, names, file, options.header);
  return lines.map(({ line, text: row }) => cellsRow(line, row === '' ? [] : row.split('\t'), layout, 'tab'));
}

/** One row's cells as a RawRow: the roles' cells, or why there are too few. */
export function cellsRow(line: number, cells: readonly string[], layout: TsvLayout, sep: 'tab' | 'comma'): RawRow {
  if (cells.length < layout.required) {
    const got = cells.length === 0 ? 'an empty line' : `${cells.length}`;
    return { line, error: `expected ${layout.required} ${sep}-separated columns (${layout.expected}), got ${got}` };
  }
  const fields: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    const i = layout.index[role];
    if (i !== undefined) fields[role] = cells[i < 0 ? cells.length + i : i];
  }
  return { line, fields, where: layout.where };
}

/**
 * `text` (a bad row's reason, which may quote a field) on one line: control
 * characters such as a tab or a line break inside a quoted value are escaped.
 */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u2028\u2029]/g, (c) =>
    c === '\t'
      ? '\\t'
      : c === '\n'
        ? '\\n'
        : c === '\r'
          ? '\\r'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * JSON.parse's complaint as part of a one-line error: V8 quotes the text
 * around the fault, line breaks and all, so control characters are escaped
 * and the quote is cut short.
 */
export function jsonProblem(e: unknown): string {
  const message = oneLine(String((e as Error)?.message ?? e));
  return message.length > 120 ? `${message.slice(0, 120)}…` : message;
}

/** A JSON value as the string a TSV would hold; undefined when absent or not scalar. */
function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parseJsonLine(row: string): { value?: Record<string, unknown>; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(row);
  } catch (e) {
    return { error: `expected a JSON object, got invalid JSON (${jsonProblem(e)})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      error: `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    };
  }
  return { value: value as Record<string, unknown> };
}

/** Parses a JSONL file's rows: one object per line, columns are keys. */
export function parseJsonl(text: string, columns: Columns): RawRow[] {
  const where = {} as Record<Role, string>;
  for (const role of ROLES) if (columns[role] !== undefined) where[role] = `key "${columns[role]}"`;
  return splitLines(text).map(({ line, text: row }) => {
    if (row.trim() === '') return { line, error: 'expected a JSON object, got an empty line' };
    const { value, error } = parseJsonLine(row);
    if (!value) return { line, error: error! };
    const fields: Partial<Record<Role, string>> = {};
    for (const role of ROLES) {
      const key = columns[role];
      if (key === undefined) continue;
      const v = scalarText(value[String(key)]);
      if (v === undefined) {
        const got = value[String(key)] === undefined ? 'nothing' : JSON.stringify(value[String(key)]);
        return { line, error: `expected a string or number in ${where[role]}, got ${got}` };
      }
      fields[role] = v;
    }
    return { line, fields, where };
  });
}
