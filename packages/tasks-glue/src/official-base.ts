import {
  CamtlError,
  type Example,
  type FileSystem,
  type MetricValues,
  type ReadOptions,
  type ReadResult,
  type SkippedRow,
} from '@camtl/core';
import { jsonProblem, oneLine, splitLines } from './formats';
import { accuracy } from './metrics';
import { classJson, spanJson, tagsJson } from './official-json';
import type { DatasetName, OfficialTask } from './official-task';
import { seqevalMetrics } from './seqeval';
import { squadMetrics } from './squad-metrics';

/**
 * The pieces every benchmark task beyond GLUE shares: reading one file per
 * split with its quirks counted, and the per-kind target, metrics and
 * `camtl metrics` input. A task then only says how its format is parsed.
 */

/** Collects a file's examples, bad rows (skipped, or the first one thrown) and counted quirks. */
export class Rows {
  readonly examples: Example[] = [];
  readonly skipped: SkippedRow[] = [];
  readonly quirks: Record<string, number> = {};
  constructor(
    readonly path: string,
    private readonly options: ReadOptions | undefined,
  ) {}
  quirk(name: string, n = 1): void {
    if (n > 0) this.quirks[name] = (this.quirks[name] ?? 0) + n;
  }
  bad(line: number, problem: string): void {
    const reason = oneLine(problem);
    if (!this.options?.skipBadRows) {
      throw new CamtlError(
        'BAD_FILE',
        `${this.path}:${line}: ${reason}`,
        'read with skipBadRows: true (the CLI: --skip-bad-rows) to skip malformed rows and list them',
      );
    }
    this.skipped.push({ line, reason });
  }
  result(): ReadResult {
    return { file: this.path, examples: this.examples, skipped: this.skipped, quirks: { ...this.quirks } };
  }
}

/** Fills `rows` from one file's text; `split` lets a parser treat unlabelled test files differently. */
export type Parser = (text: string, rows: Rows, split: string) => void;

/** What the builders make: an OfficialTask whose dataset may be absent (a user's task from defineTask). */
export type KindTask = Omit<OfficialTask, 'dataset'> & { readonly dataset?: string };

/** A built-in task: its dataset folder is known. */
export function official(task: KindTask): OfficialTask {
  if (!task.dataset)
    throw new CamtlError('BAD_CONFIG', `task "${task.name}": a built-in task needs its dataset folder`);
  return task as OfficialTask;
}

export interface BaseSpec {
  name: string;
  /** Built-in tasks: the dataset folder (a DatasetName); user tasks (defineTask) may have none. */
  dataset?: DatasetName | string;
  files: Readonly<Record<string, string>>;
  parse: Parser;
  devSplits?: readonly string[];
}

/** A file-not-found or unknown-split error, worded as defineTask's. */
export function makeReader(spec: BaseSpec): KindTask['read'] {
  return async (dataDir: string, split: string, fs: FileSystem, options?: ReadOptions) => {
    const rel = spec.files[split];
    if (!rel) {
      const splits = Object.keys(spec.files).join(', ');
      throw new CamtlError('BAD_CONFIG', `task "${spec.name}" has no split "${split}"`, `splits: ${splits}`);
    }
    const path = fs.join(dataDir, rel);
    if (!(await fs.exists(path))) {
      throw new CamtlError(
        'NOT_FOUND',
        `${path}: no such file (split "${split}" of task "${spec.name}")`,
        `expected ${rel} inside the ${spec.dataset ?? 'data'} folder ${dataDir}`,
      );
    }
    const rows = new Rows(path, options);
    spec.parse(await fs.readText(path), rows, split);
    return rows.result();
  };
}

function noClassIds(name: string, what: string): never {
  throw new CamtlError('BAD_INPUT', `task "${name}": ${what} does not apply to its kind; use exampleMetrics`);
}

function common(spec: BaseSpec) {
  return {
    specificationVersion: 'v1' as const,
    name: spec.name,
    dataset: spec.dataset,
    splits: { ...spec.files },
    devSplits: [...(spec.devSplits ?? ('dev' in spec.files ? ['dev'] : []))],
    read: makeReader(spec),
  };
}

/** SQuAD-style extractive QA, scored by SQuAD v1.1's script on the answer texts. */
export function spanTask(spec: BaseSpec): KindTask {
  const score = (p: Record<string, string>, r: Record<string, string[]>): MetricValues => squadMetrics(p, r);
  return {
    ...common(spec),
    kind: 'span-extraction',
    numLabels: 2,
    target: () => noClassIds(spec.name, 'a class target'),
    formatPrediction: () => noClassIds(spec.name, 'a class prediction'),
    metrics: () => noClassIds(spec.name, 'metrics of class ids'),
    exampleMetrics: (predictions, examples) => {
      const p: Record<string, string> = {};
      const r: Record<string, string[]> = {};
      examples.forEach((ex, i) => {
        const pred = predictions[i];
        p[i] = Array.isArray(pred) ? pred.join(' ') : (pred ?? '');
        r[i] = (ex.answers ?? []).map((a) => a.text);
        if (r[i].length === 0)
          throw new CamtlError('BAD_INPUT', `task "${spec.name}": example ${i} has no gold answer`);
      });
      return score(p, r);
    },
    score: (m) => m.f1 ?? null,
    metricsFromJson: (input, source) => {
      const { predictions, references } = spanJson(input, source);
      return score(predictions, references);
    },
  };
}

/** BIO tagging, scored at the entity level by seqeval's default mode. */
export function tokenTask(spec: BaseSpec & { labels: readonly string[] }): KindTask {
  return {
    ...common(spec),
    kind: 'token-classification',
    labels: [...spec.labels],
    numLabels: spec.labels.length,
    target: (tag) => {
      const i = spec.labels.indexOf(tag);
      if (i < 0)
        throw new CamtlError('BAD_INPUT', `task "${spec.name}": tag "${tag}" is not one of ${spec.labels.join(', ')}`);
      return i;
    },
    formatPrediction: (p) => spec.labels[p] ?? noClassIds(spec.name, `tag id ${p}`),
    metrics: () => noClassIds(spec.name, 'metrics of class ids'),
    exampleMetrics: (predictions, examples) => {
      const preds = predictions.map((p) => (Array.isArray(p) ? p : [p as string]));
      return seqevalMetrics(
        preds,
        examples.map((ex, i) => ex.tags ?? noClassIds(spec.name, `example ${i} without tags`)),
      );
    },
    score: (m) => m.f1 ?? null,
    metricsFromJson: (input, source) => {
      const { predictions, labels } = tagsJson(input, source);
      return seqevalMetrics(predictions, labels);
    },
  };
}

/** Sentence-pair classification scored by accuracy (SciTail, SNLI). */
export function classificationTask(spec: BaseSpec & { labels: readonly string[] }): KindTask {
  const labels = [...spec.labels];
  return {
    ...common(spec),
    kind: 'classification',
    labels,
    numLabels: labels.length,
    target: (label) => {
      const i = labels.indexOf(label);
      if (i < 0)
        throw new CamtlError('BAD_INPUT', `task "${spec.name}": label "${label}" is not one of ${labels.join(', ')}`);
      return i;
    },
    formatPrediction: (p) => labels[p] ?? noClassIds(spec.name, `class id ${p}`),
    metrics: (predictions, targets) => ({ accuracy: accuracy(predictions, targets) }),
    score: (m) => m.accuracy ?? null,
    metricsFromJson: (input, source) => {
      const { predictions, labels: gold } = classJson(input, source, labels);
      return { accuracy: accuracy(predictions, gold) };
    },
  };
}

/** A JSON object of a JSONL file. */
export type Json = Record<string, unknown>;

/**
 * Each line of a JSONL file as an object, in order; a line that is not a JSON
 * object is a bad row of `rows` (file:line), and a blank line too unless
 * `blankQuirk` names the quirk it is counted as.
 */
export function jsonLines(
  text: string,
  rows: Rows,
  each: (obj: Json, line: number) => void,
  blankQuirk?: string,
): void {
  for (const { line, text: row } of splitLines(text)) {
    if (blankQuirk && row.trim() === '') {
      rows.quirk(blankQuirk);
      continue;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(row);
    } catch (e) {
      rows.bad(line, `expected a JSON object, got invalid JSON (${jsonProblem(e)})`);
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) rows.bad(line, 'expected a JSON object');
    else each(obj as Json, line);
  }
}
