import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { normalizedEntropy } from './task-heads';

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
