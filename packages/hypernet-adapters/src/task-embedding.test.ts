import * as tf from '@tensorflow/tfjs-core';
import { isCamtlError, mount, taskIdTensor } from '@camtl/core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectNoLeak, maxAbsDiff, randomStore } from '@camtl/core/testing';
import {
  checkTaskIds,
  taskEmbedding,
  taskEmbeddingSpecs,
  taskTransformation,
  taskTransformationSpecs,
} from './task-embedding';

const T = 3;
const H = 8;

describeEachBackend('task embedding and transformation', () => {
  it('specs follow the reference names and shapes', () => {
    expect(taskEmbeddingSpecs(T, H).map((s) => [s.name, s.shape])).toEqual([['task_type_embeddings.weight', [T, H]]]);
    expect(taskTransformationSpecs(H).map((s) => [s.name, s.shape])).toEqual([
      ['task_transformation.weight', [H, H]],
      ['task_transformation.bias', [H]],
    ]);
  });

  it('z = E[task_id] per example, and z′ = W z + b', () => {
    const store = randomStore([
      ...mount('bert', taskEmbeddingSpecs(T, H)),
      ...mount('bert.encoder', taskTransformationSpecs(H)),
    ]);
    const p = store.view('bert');
    const ids = tf.tensor1d([0, 2, 1, 0], 'int32');
    const z = taskEmbedding(p, ids);
    const table = store.get('bert.task_type_embeddings.weight').arraySync() as number[][];
    expect(
      maxAbsDiff(
        z.dataSync(),
        [0, 2, 1, 0].flatMap((t) => table[t]),
      ),
    ).toBe(0);
    const z2 = taskTransformation(p.at('encoder'), z);
    const W = store.get('bert.encoder.task_transformation.weight');
    const manual = tf.add(tf.matMul(z, W, false, true), store.get('bert.encoder.task_transformation.bias'));
    expect(maxAbsDiff(z2.dataSync(), manual.dataSync())).toBeLessThan(1e-6);
    store.dispose();
  });

  it('the gather is differentiable: gradients accumulate per task', () => {
    const store = randomStore(taskEmbeddingSpecs(T, H));
    const ids = tf.tensor1d([0, 2, 0, 0], 'int32');
    const table = store.get('task_type_embeddings.weight');
    const { grads } = tf.variableGrads(() => tf.sum(taskEmbedding(store.view(), ids)), [table]);
    const g = grads[table.name].arraySync() as number[][];
    expect(g.map((r) => r[0])).toEqual([3, 0, 1]);
    store.dispose();
  });

  it('rejects bad task ids with a CamtlError', () => {
    const store = randomStore(taskEmbeddingSpecs(T, H));
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isCamtlError(e) ? e.code : 'other';
      }
      return 'none';
    };
    // The range is checked at the data edge, where the ids are still host numbers.
    expect(errorOf(() => taskIdTensor([0, 3], T))).toBe('BAD_INPUT');
    expect(errorOf(() => taskIdTensor([-1], T))).toBe('BAD_INPUT');
    expect(errorOf(() => taskIdTensor([0, 2], T).dispose())).toBe('none');
    expect(errorOf(() => taskEmbedding(store.view(), tf.tensor1d([0, 1], 'float32') as tf.Tensor1D))).toBe('BAD_INPUT');
    expect(errorOf(() => checkTaskIds(tf.tensor1d([0, 1], 'int32'), 3))).toBe('SHAPE_MISMATCH');
    expect(errorOf(() => checkTaskIds(tf.tensor1d([0, 2], 'int32'), 2))).toBe('none');
    store.dispose();
  });

  it('no tensors leak across forward and backward', () => {
    const store = randomStore([...taskEmbeddingSpecs(T, H), ...taskTransformationSpecs(H)]);
    const ids = tf.tensor1d([0, 2, 1, 0], 'int32');
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(taskTransformation(store.view(), taskEmbedding(store.view(), ids))),
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    ids.dispose();
    store.dispose();
  });
});
