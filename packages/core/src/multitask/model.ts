import type * as tf from '@tensorflow/tfjs-core';
import type { FileSystem } from '../io/fs';
import type { ModuleContext } from '../modules/context';
import type { ParamStore } from '../params/store';
import type { TaskKind } from './tasks';

/**
 * A padded batch that may mix tasks and task kinds. Its N rows are encoder
 * rows: an example of a multiple-choice task takes one row per choice (its
 * rows are adjacent and share an `exampleIds` entry); every other example
 * takes one row.
 */
export interface MultiTaskBatch {
  /** int32 [N, S] */
  inputIds: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
  attentionMask?: tf.Tensor2D;
  /** int32 [N] */
  taskIds: tf.Tensor1D;
  /**
   * float32 [N]: class ids or regression targets; multiple choice: 1 on the
   * correct choice's row, 0 on the others; 0 on token and span rows.
   */
  labels?: tf.Tensor1D;
  /** int32 [N, S]: token-classification tag ids, −100 where ignored (all of a row of another kind). */
  tokenLabels?: tf.Tensor2D;
  /** int32 [N]: span-extraction start / end token (0 on rows of other kinds). */
  startPositions?: tf.Tensor1D;
  endPositions?: tf.Tensor1D;
  /** int32 [N]: the example each row belongs to (0, 1, …); absent when every example is one row. */
  exampleIds?: tf.Tensor1D;
}

export interface MultiTaskOutputs {
  loss?: tf.Scalar;
  /** [T], 0 where a task is absent. */
  perTaskLoss?: tf.Tensor1D;
  /** `[B, C_max]`: each row's own head; classes ≥ C_t are 0; a regression head's prediction is column 0. */
  logits: tf.Tensor2D;
  /**
   * `[B]`: each row's uncertainty in [0, 1], for MT-Uncertainty sampling. Optional:
   * without it MT-U takes the normalised entropy of each row's own head from
   * `logits` and `numLabelsPerTask` (`normalizedEntropy`); a model whose heads
   * are not softmax classifiers offers its own here.
   */
  normalizedEntropy?: tf.Tensor1D;
  /** `[N, S, Ctok_max]`: token-classification logits of each row's own head (0 for rows of other kinds). */
  tokenLogits?: tf.Tensor3D;
  /** `[N, S]`: span-extraction start / end logits (0 for rows of other kinds). */
  startLogits?: tf.Tensor2D;
  endLogits?: tf.Tensor2D;
  /** `[N]`: multiple choice, each row's choice score (softmax over an example's rows). */
  choiceLogits?: tf.Tensor1D;
}

/** What the trainer needs of a model: CA-MTL implements it, and so can a plain multi-head BERT. */
export interface MultiTaskModel {
  readonly store: ParamStore;
  readonly taskNames: readonly string[];
  readonly numLabelsPerTask: readonly number[];
  /** Each task's kind; absent: one label is regression, more are classification. */
  readonly taskKinds?: readonly TaskKind[];
  /** Longest sequence the model takes. */
  readonly maxSeqLength: number;
  /**
   * Per task index, the names of the parameters only that task uses (its head;
   * a tensor shared by all tasks, such as a loss-weighting vector, is not one).
   * The trainer drops their gradients at a step where the task is absent, as
   * torch leaves such a head without a gradient. Optional: without it every
   * parameter gets a gradient at every step.
   */
  readonly taskParameters?: readonly (readonly string[])[];
  forward(batch: MultiTaskBatch, ctx: ModuleContext): MultiTaskOutputs;
  /** Writes config.json + model.safetensors to `dir`. */
  save(dir: string, fs: FileSystem): Promise<void>;
}
