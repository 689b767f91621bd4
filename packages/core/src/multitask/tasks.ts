import type { FileSystem } from '../io/fs';

/**
 * A task is data plus what to do with it: how to read its files, its labels,
 * its head and its metrics. GLUE's tasks are definitions like any other; a
 * user adds a task (their own TSV or JSONL) by writing one small definition
 * and passing it wherever tasks go (the trainer, evaluate, encodeExamples).
 */
export type TaskKind = 'classification' | 'regression';

/** One example as read from a file; `label` is the string as written there. */
export interface Example {
  textA: string;
  textB?: string;
  label?: string;
  /** Identifier the test server expects (e.g. the `index` column), when the file has one. */
  id?: string;
  /** 1-based line in the file, for messages. */
  line?: number;
}

export interface SkippedRow {
  line: number;
  reason: string;
}

export interface ReadResult {
  file: string;
  examples: Example[];
  skipped: SkippedRow[];
}

export interface ReadOptions {
  /** Skip malformed rows (reported in `skipped`) instead of failing on the first. */
  skipBadRows?: boolean;
}

/** Metric name → value; null where undefined (e.g. the correlation of constant predictions). */
export type MetricValues = Record<string, number | null>;

export interface TaskDefinition {
  readonly specificationVersion: 'v1';
  /** The task's name, lower case (e.g. "sst-2"). */
  readonly name: string;
  readonly kind: TaskKind;
  /** Classification: the label strings, in class-id order. */
  readonly labels?: readonly string[];
  /** 1 for regression. */
  readonly numLabels: number;
  /** Split name → file path relative to the data folder (e.g. train → "SST-2/train.tsv"). */
  readonly splits: Readonly<Record<string, string>>;
  /** The split used for model selection (usually "dev"). */
  readonly devSplits: readonly string[];
  read(dataDir: string, split: string, fs: FileSystem, options?: ReadOptions): Promise<ReadResult>;
  /** A label as written → the training target (class id, or a float for regression). */
  target(label: string): number;
  /** A prediction (class id, or a float) → the string the test server expects. */
  formatPrediction(prediction: number): string;
  /** All metrics of predictions (class ids / floats) against targets. */
  metrics(predictions: number[], targets: number[]): MetricValues;
  /** The task's single score for averages (e.g. GLUE: mean of acc and F1 for MRPC). */
  score(metrics: MetricValues): number | null;
  /** File name in a GLUE-style test-server submission (e.g. "SST-2.tsv"). */
  readonly submissionFile?: string;
}
