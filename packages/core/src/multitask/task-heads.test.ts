import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { evalContext } from '../modules/context';
import { describeEachBackend } from '../testing/backends';
import { expectNoLeak, randomStore } from '../testing/random';
import { headLayout, headSpecs, multiTaskLoss, normalizedEntropy, perExampleLoss, taskHeads } from './task-heads';

/** H(softmax(x))/(log C + 1e-5) in float64. */
function entropyJs(logits: number[]): number {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  const z = e.reduce((a, b) => a + b, 0);
  const h = -e.reduce((a, x) => a + (x / z) * Math.log(x / z), 0);
  return logits.length === 1 ? 0 : h / (Math.log(logits.length) + 1e-5);
}

describeEachBackend('normalizedEntropy', () => {
  it('reads each row with its own head: C_t classes, padding ignored, 0 for regression', async () => {
    const numLabels = [3, 2, 1];
    // Rows of tasks 0, 1, 2, 1, 0; padding classes hold junk that must not count.
    const rows = [
      [0.2, -1.0, 0.7],
      [1.5, -0.5, 9.0],
      [2.3, 7.0, -7.0],
      [0.0, 0.0, 4.0],
      [0.0, 0.0, 0.0],
    ];
    const taskIds = [0, 1, 2, 1, 0];
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d(rows);
    const ids = tf.tensor1d(taskIds, 'int32');
    const h = normalizedEntropy(logits, ids, numLabels);
    const got = Array.from(await h.data());
    tf.dispose([logits, ids, h]);
    expect(tf.memory().numTensors).toBe(before);
    const want = rows.map((r, b) => entropyJs(r.slice(0, numLabels[taskIds[b]])));
    got.forEach((v, b) => expect(v).toBeCloseTo(want[b], 5));
    expect(got[3]).toBeCloseTo(1, 4); // uniform over its 2 classes
    expect(got[4]).toBeCloseTo(1, 4);
    expect(Math.abs(got[2])).toBe(0);
  });
});

/** log-softmax of a plain array, in float64. */
function logSoftmaxJs(x: number[]): number[] {
  const m = Math.max(...x);
  const z = Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
  return x.map((v) => v - z);
}

describeEachBackend('per-task heads and the multi-task loss', () => {
  const numLabels = [3, 1, 2]; // a 3-way classifier, a regression head, a binary classifier
  const H = 4;
  const pooledRows = [
    [0.5, -1, 0.2, 0.3],
    [1, 0.1, -0.4, 2],
    [-0.3, 0.8, 0.6, -1],
    [0.9, 0.9, -0.2, 0.4],
  ];
  const taskIds = [2, 0, 1, 0];
  const labels = [1, 2, 0.75, 0];

  it('each row goes through its own head only; padding classes are 0', () => {
    const store = randomStore(headSpecs(numLabels, H, 0.02), 7);
    const root = store.view('');
    const layout = headLayout(numLabels);
    const pooled = tf.tensor2d(pooledRows);
    const ids = tf.tensor1d(taskIds, 'int32');
    const logits = taskHeads(root, pooled, ids, layout, 0.1, evalContext()).arraySync() as number[][];
    expect(logits.map((r) => r.length)).toEqual([3, 3, 3, 3]);
    taskIds.forEach((t, b) => {
      const w = store.get(`decoders.${t}.model.weight`).arraySync() as number[][];
      const bias = store.get(`decoders.${t}.model.bias`).arraySync() as number[];
      const want = w.map((wc, c) => bias[c] + wc.reduce((a, v, k) => a + v * pooledRows[b][k], 0));
      want.forEach((v, c) => expect(logits[b][c]).toBeCloseTo(v, 5));
      for (let c = numLabels[t]; c < 3; c++) expect(logits[b][c]).toBe(0);
    });
    tf.dispose([pooled, ids]);
    store.dispose();
  });

  it('per-row cross-entropy or squared error, then the mean over present tasks of each task mean', () => {
    const layout = headLayout(numLabels);
    const rows = [
      [0.4, -0.2, 0], // task 2 (binary), label 1
      [1.2, 0.3, -0.5], // task 0, label 2
      [0.25, 0, 0], // task 1 (regression), target 0.75
      [-0.1, 0.6, 0.2], // task 0, label 0
    ];
    const logits = tf.tensor2d(rows);
    const ids = tf.tensor1d(taskIds, 'int32');
    const y = tf.tensor1d(labels);
    const pe = perExampleLoss(logits, y, ids, layout);
    const got = Array.from(pe.dataSync());
    const want = [
      -logSoftmaxJs(rows[0].slice(0, 2))[1],
      -logSoftmaxJs(rows[1])[2],
      (0.25 - 0.75) ** 2,
      -logSoftmaxJs(rows[3])[0],
    ];
    want.forEach((v, b) => expect(got[b]).toBeCloseTo(v, 5));
    const { loss, perTask, present } = multiTaskLoss(pe, ids, 4); // task 3 absent
    expect(Array.from(present.dataSync())).toEqual([1, 1, 1, 0]);
    const perTaskWant = [(want[1] + want[3]) / 2, want[2], want[0], 0];
    Array.from(perTask.dataSync()).forEach((v, t) => expect(v).toBeCloseTo(perTaskWant[t], 5));
    expect(loss.dataSync()[0]).toBeCloseTo((perTaskWant[0] + perTaskWant[1] + perTaskWant[2]) / 3, 5);
    tf.dispose([logits, ids, y, pe, loss, perTask, present]);
  });

  it('forward and backward through heads and loss leave no tensor behind', () => {
    const store = randomStore(headSpecs(numLabels, H, 0.02), 3);
    const layout = headLayout(numLabels);
    const pooled = tf.tensor2d(pooledRows);
    const ids = tf.tensor1d(taskIds, 'int32');
    const y = tf.tensor1d(labels);
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = taskHeads(store.view(''), pooled, ids, layout, 0, evalContext());
        return multiTaskLoss(perExampleLoss(logits, y, ids, layout), ids, 3).loss;
      });
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([pooled, ids, y]);
    store.dispose();
  });
});
