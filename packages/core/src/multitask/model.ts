import type * as tf from '@tensorflow/tfjs-core';
import type { FileSystem } from '../io/fs';
import type { ModuleContext } from '../modules/context';
import type { ParamStore } from '../params/store';

/** A padded batch that may mix tasks. */
export interface MultiTaskBatch {
  /** int32 [B, S] */
  inputIds: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
  attentionMask?: tf.Tensor2D;
  /** int32 [B] */
  taskIds: tf.Tensor1D;
  /** float32 [B]: class ids or regression targets. */
  labels?: tf.Tensor1D;
}

export interface MultiTaskOutputs {
  loss?: tf.Scalar;
  /** [T], 0 where a task is absent. */
  perTaskLoss?: tf.Tensor1D;
  /** [B, C_max]: each row's own head; classes ≥ C_t are 0; a regression head's prediction is column 0. */
  logits: tf.Tensor2D;
  /**
   * [B]: each row's uncertainty in [0, 1], for MT-Uncertainty sampling. Optional:
   * without it MT-U takes the normalised entropy of each row's own head from
   * `logits` and `numLabelsPerTask` (`normalizedEntropy`); a model whose heads
   * are not softmax classifiers offers its own here.
   */
  normalizedEntropy?: tf.Tensor1D;
}

/** What the trainer needs of a model: CA-MTL implements it, and so can a plain multi-head BERT. */
export interface MultiTaskModel {
  readonly store: ParamStore;
  readonly taskNames: readonly string[];
  readonly numLabelsPerTask: readonly number[];
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
