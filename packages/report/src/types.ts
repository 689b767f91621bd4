/**
 * The records of a camtl training log: one JSON object per line (JSONL), written
 * by the trainer and read by this package. Every record is flat and JSON-friendly:
 *
 * - times are Unix epoch milliseconds (`Date.now()`);
 * - steps are 1-based optimizer steps, epochs 1-based;
 * - per-task values are objects keyed by task name (the names of the run record's `tasks`);
 * - a number that is not finite (NaN, ±Infinity) is written as `null`, since JSON has
 *   none; `null` also stands for "not defined here" (e.g. a task absent from a batch).
 *
 * A run writes one `run` record first; a resumed run appends another `run` record and
 * goes on (steps it repeats replace the earlier ones in the report). Readers skip
 * records of a `type` they do not know, so new record types can be added later.
 */

/** Bumped when a record changes incompatibly. */
export const LOG_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Task name → value (null: not defined, or not finite). */
export type PerTask<T = number | null> = Record<string, T>;

/** Metric name → value, e.g. `{ acc: 0.91, f1: 0.88 }`; null where undefined. */
export type Metrics = Record<string, number | null>;

/** camtl's task kinds (core's TaskKind; the report package reads logs without depending on core). */
export type TaskKind = 'classification' | 'regression' | 'token-classification' | 'span-extraction' | 'multiple-choice';
export const TASK_KINDS: readonly TaskKind[] = [
  'classification',
  'regression',
  'token-classification',
  'span-extraction',
  'multiple-choice',
];

export interface TaskInfo {
  /** Task name, e.g. "sst-2". */
  name: string;
  kind: TaskKind;
  /** Classes (1 for regression). */
  numLabels: number;
  /** Training examples. */
  trainSize: number;
  /** Examples in the model-selection split (dev), when known. */
  devSize?: number;
}

/**
 * The trainer's settings as given (after defaults). Well-known keys are typed; any
 * other JSON value may be added and is shown in the report as written.
 */
export interface RunConfig {
  [key: string]: JsonValue | undefined;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  warmup?: number;
  weightDecay?: number;
  maxSeqLength?: number;
  /** Sampler kind, e.g. "mt-uncertainty", "proportional". */
  sampler?: string;
  evalEvery?: number;
  logEvery?: number;
}

export interface ModelInfo {
  [key: string]: JsonValue | undefined;
  /** e.g. "ca-mtl-base" or the checkpoint folder's name. */
  name: string;
  /** Total parameters. */
  parameters?: number;
  trainableParameters?: number;
}

/** Written once when a run starts (and again when it resumes). */
export interface RunRecord {
  type: 'run';
  /** {@link LOG_VERSION} of the writer. */
  version: number;
  time: number;
  config: RunConfig;
  tasks: TaskInfo[];
  model: ModelInfo;
  /** tfjs backend, e.g. "wasm", "webgpu", "tensorflow". */
  backend: string;
  seed: number;
  /** Step the run resumed from (a resumed run only). */
  resumedFrom?: number;
}

/** One optimizer step (or, with `logEvery` > 1, the step at which values were logged). */
export interface StepRecord {
  type: 'step';
  step: number;
  epoch: number;
  time: number;
  /** Learning rate used for this step. */
  lr: number;
  /** Mean loss of the batch (null: NaN or infinite). */
  loss: number | null;
  /** Mean loss per task in this batch; null for tasks not in the batch. */
  perTaskLoss: PerTask;
  /** Examples of each task in this batch (0 when absent). */
  examplesPerTask: PerTask<number>;
  /** The sampler's task distribution at this step (fractions that sum to 1). */
  taskMix: PerTask<number>;
  /** Fraction of the unique training examples (all tasks) drawn so far, 0..1. */
  dataUsed: number;
  /** Per task: fraction of its unique training examples drawn so far, 0..1. */
  perTaskDataUsed: PerTask<number>;
  /** Training throughput, measured over the last logging interval. */
  examplesPerSecond: number;
  /** Global gradient norm before clipping, when measured (null: not finite). */
  gradNorm?: number | null;
}

/** An evaluation of every task on one split. */
export interface EvalRecord {
  type: 'eval';
  step: number;
  epoch: number;
  time: number;
  /** e.g. "dev"; "dev-mm" for a second dev set. */
  split: string;
  /** Task → all its metrics. */
  metrics: PerTask<Metrics>;
  /** Task → its single score (GLUE: e.g. the mean of accuracy and F1 for MRPC). */
  scores: PerTask;
  /** Mean of the task scores (GLUE-style average); null when a score is missing. */
  average: number | null;
  /**
   * The score that selects the best checkpoint (e.g. the GLUE paper convention),
   * named by `selectBy` ('mean' when it is the average). Absent in logs written
   * before selection scores existed: there the average selected.
   */
  score?: number | null;
  selectBy?: string;
  /** Whether this evaluation is the best so far (and so was kept as the best checkpoint). */
  best: boolean;
}

export interface CheckpointRecord {
  type: 'checkpoint';
  step: number;
  /** Folder or file written, as the trainer named it. */
  path: string;
  best: boolean;
  time?: number;
}

export type EndReason = 'done' | 'early-stopping' | 'nan' | 'interrupted';

/** What a run ended with; every field may be null when it stopped before having it. */
export interface FinalSummary {
  /** Step of the best evaluation. */
  bestStep: number | null;
  bestAverage: number | null;
  /** The selection score's name and its value at the best step and at the end (absent in older logs). */
  selectBy?: string;
  bestScore?: number | null;
  score?: number | null;
  /** Metrics of the last evaluation (at the end). */
  metrics: PerTask<Metrics>;
  scores: PerTask;
  average: number | null;
  dataUsed: number | null;
  perTaskDataUsed: PerTask;
  /** Path of the best checkpoint. */
  bestCheckpoint?: string | null;
}

export interface EndRecord {
  type: 'end';
  step: number;
  time: number;
  reason: EndReason;
  final: FinalSummary;
  /** One line on why (e.g. the first non-finite loss, or the signal received). */
  message?: string;
}

export type LogRecord = RunRecord | StepRecord | EvalRecord | CheckpointRecord | EndRecord;
export type LogRecordType = LogRecord['type'];
