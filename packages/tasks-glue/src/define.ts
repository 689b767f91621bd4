import {
  CamtlError,
  type Example,
  type FileSystem,
  type MetricValues,
  type ReadOptions,
  type ReadResult,
  type SkippedRow,
  type TaskDefinition,
  TASK_KINDS,
  type TaskKind,
} from '@camtl/core';
import { parseCsv } from './csv';
import { defineKindTask } from './define-kinds';
import { checkSpecShape } from './spec-shape';
import { oneLine, parseJsonl, parseTsv, ROLES, type Columns, type RawRow } from './formats';
import { computeMetrics, defaultMetricNames, isMetricName, meanOrNull, type MetricName } from './metrics';

/** One split's file, when it differs from the task-wide layout (e.g. a test file without labels). */
export interface FileSpec {
  /** Relative to the data folder, '/'-separated. */
  path: string;
  columns?: Columns;
  /** TSV/CSV: whether line 1 is a header (skipped, and used to resolve column names). */
  header?: boolean;
  /** TSV/CSV without a header: column names for error messages. */
  columnNames?: readonly string[];
}

export interface TaskSpec {
  name: string;
  kind: TaskKind;
  /** Classification: the label strings as written in the files, in class-id order; token classification: the tags. */
  labels?: readonly string[];
  /**
   * tsv (GLUE's: split on tabs, quotes are text), csv (RFC 4180: commas, quoted fields), jsonl;
   * conll: token classification; squad (v1.1 JSON), mrqa: span extraction (see define-kinds.ts).
   */
  format: 'tsv' | 'csv' | 'jsonl' | 'conll' | 'squad' | 'mrqa';
  /** The dataset folder the files are in, when the task belongs to a known dataset. */
  dataset?: string;
  /** Split → file; usually train, dev and test. */
  files: Readonly<Record<string, string | FileSpec>>;
  /** TSV/CSV: header names or 0-based indices (negative: from the end); JSONL: keys. Not needed by conll/squad/mrqa. */
  columns?: Columns;
  /** TSV/CSV: whether files start with a header line (default true). */
  header?: boolean;
  columnNames?: readonly string[];
  /** Default: classification ['accuracy'], regression ['pearson', 'spearman']. */
  metrics?: readonly MetricName[];
  /** The single score: one metric's value, or a function of all; default the mean of `metrics`. */
  score?: MetricName | ((metrics: MetricValues) => number | null);
  submissionFile?: string;
  /** Default: ['dev'] when there is a dev file, else none. */
  devSplits?: readonly string[];
  /** Prediction → the string written for the test server (default: label string / the number). */
  formatPrediction?: (prediction: number) => string;
  /** Extra advice shown with a malformed-row error (e.g. that HF skips QQP's). */
  badRowHint?: string;
  /** Accept empty texts (HF's GLUE processors keep them); default false: an empty text is a bad row. */
  allowEmptyText?: boolean;
}

/** What `defineTask` returns: a core TaskDefinition plus what it was built from. */
export interface DefinedTask extends TaskDefinition {
  /** The metric names `metrics`/`exampleMetrics` report (for the new kinds: seqeval's, SQuAD's, accuracy). */
  readonly metricNames: readonly string[];
  readonly dataset?: string;
  /** Each split's file with the task-wide defaults filled in. */
  readonly files: Readonly<Record<string, FileSpec>>;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A label string as a finite number (Python's float() syntax, without nan/inf). */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

function configError(spec: TaskSpec, message: string): CamtlError {
  return new CamtlError('BAD_CONFIG', `task "${spec.name}": ${message}`);
}

function checkSpec(spec: TaskSpec): void {
  if (!spec.name) throw new CamtlError('BAD_CONFIG', 'defineTask: a task needs a name');
  if (spec.kind === 'classification') {
    if (!spec.labels || spec.labels.length < 2)
      throw configError(spec, 'a classification task needs at least 2 labels');
    if (new Set(spec.labels).size !== spec.labels.length) throw configError(spec, 'labels must be distinct');
  } else if (spec.kind !== 'regression') {
    throw configError(spec, `kind must be one of ${TASK_KINDS.join(', ')}, got "${spec.kind}"`);
  }
  if (spec.format !== 'tsv' && spec.format !== 'csv' && spec.format !== 'jsonl') {
    throw configError(spec, `a ${spec.kind} task reads format "tsv", "csv" or "jsonl", got "${spec.format}"`);
  }
  if (spec.columns?.textA === undefined) throw configError(spec, 'columns need textA');
  if (Object.keys(spec.files).length === 0) throw configError(spec, 'no files given');
  for (const m of spec.metrics ?? []) if (!isMetricName(m)) throw configError(spec, `unknown metric "${m}"`);
  if (typeof spec.score === 'string' && !isMetricName(spec.score)) {
    throw configError(spec, `unknown score metric "${spec.score}"`);
  }
  for (const s of spec.devSplits ?? []) if (!(s in spec.files)) throw configError(spec, `dev split "${s}" has no file`);
  for (const [split, f] of Object.entries(spec.files)) {
    const columns = (typeof f === 'string' ? undefined : f.columns) ?? spec.columns ?? {};
    if (spec.format === 'jsonl' && ROLES.some((r) => typeof columns[r] === 'number')) {
      throw configError(spec, `split "${split}": JSONL columns are keys (strings), not indices`);
    }
  }
}

function normaliseFiles(spec: TaskSpec): DefinedTask['files'] {
  const out: Record<string, FileSpec> = {};
  for (const [split, f] of Object.entries(spec.files)) {
    const file = typeof f === 'string' ? { path: f } : f;
    out[split] = {
      path: file.path,
      columns: file.columns ?? spec.columns ?? {},
      header: file.header ?? spec.header ?? true,
      columnNames: file.columnNames ?? spec.columnNames,
    };
  }
  return out;
}

/** Why a parsed row is not an example, or undefined when it is fine. */
function rowProblem(spec: TaskSpec, row: Extract<RawRow, { fields: unknown }>): string | undefined {
  const { fields, where } = row;
  for (const role of spec.allowEmptyText ? [] : (['textA', 'textB'] as const)) {
    if (fields[role] !== undefined && fields[role]!.trim() === '') return `expected a non-empty text in ${where[role]}`;
  }
  const label = fields.label;
  if (label === undefined) return undefined;
  if (spec.kind === 'classification' && !spec.labels!.includes(label)) {
    return `expected a label in {${spec.labels!.join(', ')}} in ${where.label}, got "${label}"`;
  }
  if (spec.kind === 'regression' && parseNumber(label) === undefined) {
    return `expected a number as label in ${where.label}, got "${label}"`;
  }
  return undefined;
}

function toExample(fields: Partial<Record<string, string>>, line: number): Example {
  const ex: Example = { textA: fields.textA!, line };
  if (fields.textB !== undefined) ex.textB = fields.textB;
  if (fields.label !== undefined) ex.label = fields.label;
  if (fields.id !== undefined) ex.id = fields.id;
  return ex;
}

function badRowError(spec: TaskSpec, path: string, skipped: SkippedRow): CamtlError {
  const hint = 'read with skipBadRows: true (the CLI: --skip-bad-rows) to skip malformed rows and list them';
  return new CamtlError(
    'BAD_FILE',
    `${path}:${skipped.line}: ${skipped.reason}`,
    spec.badRowHint ? `${spec.badRowHint}; ${hint}` : hint,
  );
}

async function readSplit(
  spec: TaskSpec,
  files: DefinedTask['files'],
  args: { dataDir: string; split: string; fs: FileSystem; options?: ReadOptions },
): Promise<ReadResult> {
  const { dataDir, split, fs, options } = args;
  const file = files[split];
  if (!file) {
    throw new CamtlError(
      'BAD_CONFIG',
      `task "${spec.name}" has no split "${split}"`,
      `splits: ${Object.keys(files).join(', ')}`,
    );
  }
  const path = fs.join(dataDir, file.path);
  if (!(await fs.exists(path))) {
    throw new CamtlError(
      'NOT_FOUND',
      `${path}: no such file (split "${split}" of task "${spec.name}")`,
      `expected ${file.path} inside the data folder ${dataDir}`,
    );
  }
  const text = await fs.readText(path);
  const table = { header: file.header!, columnNames: file.columnNames };
  const rows =
    spec.format === 'jsonl'
      ? parseJsonl(text, file.columns!)
      : spec.format === 'csv'
        ? parseCsv(text, path, file.columns!, table)
        : parseTsv(text, path, file.columns!, table);
  const examples: Example[] = [];
  const skipped: SkippedRow[] = [];
  for (const row of rows) {
    const problem = 'error' in row ? row.error : rowProblem(spec, row);
    const reason = problem === undefined ? undefined : oneLine(problem);
    if (reason === undefined && 'fields' in row) examples.push(toExample(row.fields, row.line));
    else if (options?.skipBadRows) skipped.push({ line: row.line, reason: reason! });
    else throw badRowError(spec, path, { line: row.line, reason: reason! });
  }
  return { file: path, examples, skipped };
}

function makeTarget(spec: TaskSpec): (label: string) => number {
  return (label) => {
    const v = spec.kind === 'classification' ? spec.labels!.indexOf(label) : parseNumber(label);
    if (v === undefined || v < 0) {
      const expected = spec.kind === 'classification' ? `one of ${spec.labels!.join(', ')}` : 'a number';
      throw new CamtlError('BAD_INPUT', `task "${spec.name}": label "${label}" is not ${expected}`);
    }
    return v;
  };
}

function makeFormat(spec: TaskSpec): (prediction: number) => string {
  if (spec.formatPrediction) return spec.formatPrediction;
  if (spec.kind === 'regression') return (p) => String(p);
  return (p) => {
    if (!Number.isInteger(p) || p < 0 || p >= spec.labels!.length) {
      throw new CamtlError(
        'BAD_INPUT',
        `task "${spec.name}": prediction ${p} is not a class id 0…${spec.labels!.length - 1}`,
      );
    }
    return spec.labels![p];
  };
}

function makeScore(spec: TaskSpec, names: readonly MetricName[]): (m: MetricValues) => number | null {
  const score = spec.score;
  if (typeof score === 'function') return score;
  if (typeof score === 'string') return (m) => m[score] ?? null;
  return (m) => meanOrNull(names.map((n) => m[n] ?? null));
}

/**
 * Builds a TaskDefinition from a short description: where the files are,
 * which columns hold what, the labels and the metrics. The result is used as
 * it is: pass it wherever a TaskDefinition goes.
 */
export function defineTask(spec: TaskSpec): DefinedTask {
  checkSpecShape(spec);
  const files = normaliseFiles(spec);
  if (spec.kind !== 'classification' && spec.kind !== 'regression') {
    if (!TASK_KINDS.includes(spec.kind)) checkSpec(spec); // throws, naming the kinds
    return defineKindTask(spec, files);
  }
  checkSpec(spec);
  const metricNames = [...(spec.metrics ?? defaultMetricNames(spec.kind))];
  const splits = Object.fromEntries(Object.entries(files).map(([s, f]) => [s, f.path]));
  return {
    specificationVersion: 'v1',
    name: spec.name.toLowerCase(),
    kind: spec.kind,
    ...(spec.labels ? { labels: [...spec.labels] } : {}),
    numLabels: spec.kind === 'classification' ? spec.labels!.length : 1,
    ...(spec.dataset ? { dataset: spec.dataset } : {}),
    splits,
    devSplits: [...(spec.devSplits ?? ('dev' in files ? ['dev'] : []))],
    ...(spec.submissionFile ? { submissionFile: spec.submissionFile } : {}),
    metricNames,
    files,
    read: (dataDir, split, fs, options) => readSplit(spec, files, { dataDir, split, fs, options }),
    target: makeTarget(spec),
    formatPrediction: makeFormat(spec),
    metrics: (predictions, targets) => computeMetrics(metricNames, predictions, targets),
    score: makeScore(spec, metricNames),
  };
}
