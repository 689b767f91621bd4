import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, linear, normal, zeros, type ParamSpec, type Params } from '@camtl/core';

/**
 * Checks a per-example task-id tensor's type and shape: int32, rank 1, and
 * `batch` long when given. It does not read the ids (that would be a device
 * round trip in every forward, and impossible synchronously on WebGPU in
 * Node): their range is checked where they come from the host, at the data
 * edge (core's `taskIdTensor`, the Trainer's rows, the CLI's inputs).
 */
export function checkTaskIds(taskIds: tf.Tensor, batch?: number): void {
  if (taskIds.dtype !== 'int32' || taskIds.rank !== 1) {
    throw new CamtlError(
      'BAD_INPUT',
      `task ids must be an int32 [B] tensor, got ${taskIds.dtype} [${taskIds.shape}]`,
      "build them with taskIdTensor(ids, numTasks) from @camtl/core, or tf.tensor1d(ids, 'int32')",
    );
  }
  if (batch !== undefined && taskIds.shape[0] !== batch) {
    throw new CamtlError('SHAPE_MISMATCH', `${taskIds.shape[0]} task ids for a batch of ${batch} examples`);
  }
}

/**
 * The task-embedding table E ∈ R^{T×H} (`task_type_embeddings.weight`,
 * relative to where it is mounted, `bert` in CA-MTL). The reference gets
 * N(0, 0.02²) from BERT's `init_weights`.
 */
export function taskEmbeddingSpecs(numTasks: number, hidden: number, std = 0.02): ParamSpec[] {
  return [{ name: 'task_type_embeddings.weight', shape: [numTasks, hidden], init: normal(std) }];
}

/** z = E[task_id] ∈ R^{B×H}: one gather for the whole (mixed-task) batch. */
export function taskEmbedding(p: Params, taskIds: tf.Tensor1D): tf.Tensor2D {
  const table = p.get('task_type_embeddings.weight'); // [T, H]
  checkTaskIds(taskIds);
  return tf.gather(table, taskIds) as tf.Tensor2D; // [B, H]
}

/**
 * The reference's `task_transformation` (in `MyBertEncoder9`, so mounted at
 * `bert.encoder`): Linear(H, H), no non-linearity. Every in-layer CA-MTL
 * module receives z′ = W_t z + b_t; only the alignment uses the raw z.
 */
export function taskTransformationSpecs(hidden: number, std = 0.02): ParamSpec[] {
  return [
    { name: 'task_transformation.weight', shape: [hidden, hidden], init: normal(std) },
    { name: 'task_transformation.bias', shape: [hidden], init: zeros },
  ];
}

/** z′ = W_t z + b_t, [B, H] → [B, H]. */
export function taskTransformation(p: Params, z: tf.Tensor2D): tf.Tensor2D {
  return linear(p.at('task_transformation'), z) as tf.Tensor2D;
}
