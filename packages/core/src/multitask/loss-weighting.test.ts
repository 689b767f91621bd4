import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { paramsFromRecord } from '../params/store';
import { describeEachBackend } from '../testing/backends';
import { expectNoLeak } from '../testing/random';
import {
  LOG_VARS,
  checkLossWeighting,
  lossWeightingSpecs,
  uncertaintyWeightedLoss,
  weightedMultiTaskLoss,
} from './loss-weighting';
import { multiTaskLoss } from './task-heads';

describeEachBackend('uncertainty loss weighting (Kendall et al. 2018)', () => {
  const perTaskLoss = [0.7, 2.3, 0, 1.1]; // task 2 absent
  const presentMask = [1, 1, 0, 1];
  const s = [0.4, -0.9, 1.5, 0];

  it('loss = mean over present tasks of exp(−s_t)·L_t + s_t; d/ds_t = (1 − exp(−s_t)·L_t)/|P|, 0 when absent', () => {
    const L = tf.tensor1d(perTaskLoss);
    const present = tf.tensor1d(presentMask);
    const logVars = tf.variable(tf.tensor1d(s), true, 'log_vars_test');
    const { value, grads } = tf.variableGrads(() => uncertaintyWeightedLoss(L, present, logVars), [logVars]);
    const P = 3;
    const want = [0, 1, 3].reduce((a, t) => a + Math.exp(-s[t]) * perTaskLoss[t] + s[t], 0) / P;
    expect(value.dataSync()[0]).toBeCloseTo(want, 5);
    const g = Array.from(grads[logVars.name].dataSync());
    const gWant = s.map((st, t) => (presentMask[t] ? (1 - Math.exp(-st) * perTaskLoss[t]) / P : 0));
    gWant.forEach((v, t) => expect(g[t], `s_${t}`).toBeCloseTo(v, 5));
    expect(g[2]).toBe(0);
    tf.dispose([L, present, logVars, value, ...Object.values(grads)]);
  });

  it('the gradient reaching a task loss is exp(−s_t)/|P|', () => {
    const present = tf.tensor1d(presentMask);
    const logVars = tf.tensor1d(s);
    const g = tf.grad((L: tf.Tensor) => uncertaintyWeightedLoss(L as tf.Tensor1D, present, logVars))(
      tf.tensor1d(perTaskLoss),
    );
    const got = Array.from(g.dataSync());
    s.forEach((st, t) => expect(got[t]).toBeCloseTo(presentMask[t] ? Math.exp(-st) / 3 : 0, 5));
    tf.dispose([present, logVars, g]);
  });

  it("with s = 0 it is the 'equal' loss; 'equal' adds no parameter; perTask stays the unweighted means", () => {
    expect(lossWeightingSpecs('equal', 3)).toEqual([]);
    expect(lossWeightingSpecs('uncertainty', 3).map((p) => [p.name, p.shape])).toEqual([[LOG_VARS, [3]]]);
    expect(() => checkLossWeighting('kendall', 'x')).toThrow(/x: expected equal or uncertainty/);
    expect(checkLossWeighting(undefined)).toBe('equal');
    const pe = tf.tensor1d([0.5, 1.5, 2, 0.25]);
    const ids = tf.tensor1d([0, 0, 2, 1], 'int32');
    const root = paramsFromRecord({ [LOG_VARS]: tf.zeros([3]) });
    const plain = multiTaskLoss(pe, ids, 3);
    const weighted = weightedMultiTaskLoss(root, pe, ids, 3, 'uncertainty');
    expect(weighted.loss.dataSync()[0]).toBeCloseTo(plain.loss.dataSync()[0], 6);
    expect(Array.from(weighted.perTask.dataSync())).toEqual(Array.from(plain.perTask.dataSync()));
    tf.dispose([
      pe,
      ids,
      root.get(LOG_VARS),
      plain.loss,
      plain.perTask,
      plain.present,
      weighted.loss,
      weighted.perTask,
    ]);
  });

  it('forward and backward leave no tensor behind', () => {
    const pe = tf.tensor1d([0.5, 1.5, 2, 0.25]);
    const ids = tf.tensor1d([0, 0, 2, 1], 'int32');
    const logVars = tf.variable(tf.tensor1d([0.1, 0.2, -0.3]), true, 'log_vars_leak');
    const root = paramsFromRecord({ [LOG_VARS]: logVars });
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => weightedMultiTaskLoss(root, pe, ids, 3, 'uncertainty').loss,
        [logVars],
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([pe, ids, logVars]);
  });
});
