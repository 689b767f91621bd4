import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, linear, normal, zeros, type ParamSpec, type Params } from '@camtl/core';

/**
 * Checks a per-example task-id tensor: int32, rank 1, `batch` long when given,
 * and (when `numTasks` is given) every id in [0, numTasks). The range check
 * reads the B ids back to the host — cheap on cpu/wasm; skipped on GPU
 * backends, where it would be a sync stall (or impossible, WebGPU in Node) — because an out-of-range gather is not an error on every tfjs
 * backend (it can silently read zeros), so a wrong id would go unnoticed.
 */
const GPU_BACKENDS = new Set(['webgpu', 'webgl']);

export function checkTaskIds(taskIds: tf.Tensor, numTasks?: number, batch?: number): void {
  if (taskIds.dtype !== 'int32' || taskIds.rank !== 1) {
    throw new CamtlError(
      'BAD_INPUT',
      `task ids must be an int32 [B] tensor, got ${taskIds.dtype} [${taskIds.shape}]`,
      "build them with tf.tensor1d(ids, 'int32')",
    );
  }
  if (batch !== undefined && taskIds.shape[0] !== batch) {
    throw new CamtlError('SHAPE_MISMATCH', `${taskIds.shape[0]} task ids for a batch of ${batch} examples`);
  }
  // GPU backends have no cheap (in Node: no) synchronous read; ids that reach
  // them come from camtl's collate or the CLI, which check them on the host.
  if (numTasks === undefined || GPU_BACKENDS.has(tf.getBackend())) return;
  const ids = taskIds.dataSync();
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < numTasks)) {
      throw new CamtlError(
        'BAD_INPUT',
        `task id ${ids[i]} (example ${i}) is outside [0, ${numTasks})`,
        'task ids index the task list the model was built with',
      );
    }
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

/**
 * z = E[task_id] ∈ R^{B×H}: one gather for the whole (mixed-task) batch.
 * `validate: false` skips the host-side range check (see `checkTaskIds`).
 */
export function taskEmbedding(p: Params, taskIds: tf.Tensor1D, options: { validate?: boolean } = {}): tf.Tensor2D {
  const table = p.get('task_type_embeddings.weight'); // [T, H]
  checkTaskIds(taskIds, options.validate === false ? undefined : table.shape[0]);
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
