import type { FileSystem } from '../io/fs';

/**
 * A task is data plus what to do with it: how to read its files, its labels,
 * its head and its metrics. GLUE's tasks are definitions like any other; a
 * user adds a task (their own TSV or JSONL) by writing one small definition
 * and passing it wherever tasks go (the trainer, evaluate, encodeExamples).
 */
export type TaskKind = 'classification' | 'regression' | 'token-classification' | 'span-extraction' | 'multiple-choice';

/** Every task kind, in a fixed order. */
export const TASK_KINDS: readonly TaskKind[] = [
  'classification',
  'regression',
  'token-classification',
  'span-extraction',
  'multiple-choice',
];

/** A gold answer of a span-extraction example: its text and first character in the context (`textB`). */
export interface SpanAnswer {
  text: string;
  /** 0-based UTF-16 index in the context; -1 when the format gives no offset (then it is searched for). */
  start: number;
}

/** One example as read from a file; `label` is the string as written there. */
export interface Example {
  /** Span extraction: the question. Token classification: the words joined by spaces. */
  textA: string;
  /** Span extraction: the context the answers are in. */
  textB?: string;
  /** Classification: the label string; multiple choice: the correct choice's index as a string ("0", "1", …). */
  label?: string;
  /** Token classification: the words, and one tag per word when labelled (BIO strings, e.g. "B-person"). */
  words?: string[];
  tags?: string[];
  /** Span extraction: the gold answers (all of them; training uses the first). */
  answers?: SpanAnswer[];
  /** Multiple choice: the choices; choice c is encoded as the pair (textA, choices[c]). */
  choices?: string[];
  /** Rows scored together by a metric (MultiRC's question, AX-g's pair). */
  group?: string;
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
  /** Oddities of the file that were read as the official data intends, by name → how often (e.g. SNLI's "-" labels). */
  quirks?: Record<string, number>;
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
  /**
   * All metrics of predictions against targets. Classification, regression and
   * multiple choice: class ids / floats / choice ids. `examples` (the split's
   * examples, in the same order) serve metrics that group rows (MultiRC, AX-g).
   */
  metrics(predictions: number[], targets: number[], examples?: readonly Example[]): MetricValues;
  /**
   * Token classification and span extraction: metrics of per-example
   * predictions (one tag per word; the answer text) against the examples'
   * gold tags / answers.
   */
  exampleMetrics?(predictions: readonly (string | string[])[], examples: readonly Example[]): MetricValues;
  /** The task's single score for averages (e.g. GLUE: mean of acc and F1 for MRPC). */
  score(metrics: MetricValues): number | null;
  /** File name in a GLUE-style test-server submission (e.g. "SST-2.tsv"). */
  readonly submissionFile?: string;
}
