import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';

/**
 * What every module receives besides its parameters and inputs. Conditional
 * (CA-MTL) modules read the per-example task ids and task embedding from here;
 * dropout reads `training` and draws its seeds from `rng`.
 */
export interface ModuleContext {
  /** Dropout is active only when true. */
  training: boolean;
  /** Source of dropout seeds; required when training with dropout > 0. */
  rng?: Rng;
  /** int32 [B]: the task of each example (mixed-task batches). */
  taskIds?: tf.Tensor1D;
  /** `[B, d]`: the (transformed) task embedding of each example. */
  taskEmbedding?: tf.Tensor2D;
  /** Named tensors a plug-in wants to pass down (e.g. the raw embedding z). */
  extras?: Record<string, tf.Tensor>;
  /**
   * A request to a model, in inference: the caller reads only what its
   * sentence-level heads give (logits, normalised entropy), as MT-Uncertainty's
   * scoring does. A model whose heads all read the pooled [CLS] row may then
   * run its last layer for that row only (`clsQueryOnly`), so its sequence
   * outputs have one row. Models with heads that read token rows (token
   * classification, span extraction) ignore it, and so does training.
   */
  headRowsOnly?: boolean;
  /**
   * Set by a model honouring `headRowsOnly`, on its last layer's context only:
   * nothing but position 0 ([CLS]) of this layer's output is read. The layer
   * and its attention compute the [CLS] query row alone (keys and values still
   * from every row) and return [B, 1, H]; row-wise parts (dense, FFN, norms,
   * adapters) run on that row. Not for a model's callers to set.
   */
  clsQueryOnly?: boolean;
}

export function evalContext(extra: Partial<ModuleContext> = {}): ModuleContext {
  return { training: false, ...extra };
}

export function trainContext(rng: Rng, extra: Partial<ModuleContext> = {}): ModuleContext {
  return { training: true, rng, ...extra };
}
