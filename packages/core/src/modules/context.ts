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
  /** [B, d]: the (transformed) task embedding of each example. */
  taskEmbedding?: tf.Tensor2D;
  /** Named tensors a plug-in wants to pass down (e.g. the raw embedding z). */
  extras?: Record<string, tf.Tensor>;
}

export function evalContext(extra: Partial<ModuleContext> = {}): ModuleContext {
  return { training: false, ...extra };
}

export function trainContext(rng: Rng, extra: Partial<ModuleContext> = {}): ModuleContext {
  return { training: true, rng, ...extra };
}
