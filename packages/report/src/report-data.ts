/**
 * The data a report page embeds (as JSON) for its plots: columns, not records, and
 * per-task values as arrays in the order of `tasks`. Shared by the page builder and
 * the in-page script (src/client), which imports these types only.
 */

export type Column = (number | null)[];

export interface StepColumns {
  step: number[];
  epoch: number[];
  lr: Column;
  loss: Column;
  gradNorm: Column;
  examplesPerSecond: Column;
  dataUsed: Column;
  /** [task][i] */
  perTaskLoss: Column[];
  taskMix: Column[];
  perTaskDataUsed: Column[];
}

export interface TaskMetricColumns {
  /** Metric names of this task, in first-seen order. */
  names: string[];
  /** [metric][i] */
  values: Column[];
}

export interface EvalColumns {
  split: string;
  step: number[];
  /** The mean of the task scores. */
  average: Column;
  /** The selection score (null columns in older logs), and its name (null: the average selected). */
  score: Column;
  selectBy: string | null;
  /** [task][i] */
  scores: Column[];
  /** [task] */
  metrics: TaskMetricColumns[];
}

export interface ReportData {
  tasks: string[];
  steps: StepColumns;
  /** The model-selection split first. */
  evals: EvalColumns[];
  checkpoints: { step: number; best: boolean }[];
  /** Step of the best evaluation, if any. */
  bestStep: number | null;
  /** Steps averaged into one point (1: every logged step is a point). */
  bucket: number;
}
