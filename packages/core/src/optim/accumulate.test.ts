import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { worstViolation } from '../testing/fixtures';
import { isCamtlError } from '../errors';
import { GradientAccumulator } from './accumulate';

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  const worst = worstViolation(actual, expected, 1e-7, 1e-6);
  if (worst > 0) expect(Array.from(actual)).toEqual(expected);
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isCamtlError(e) ? (e as { code: string }).code : 'other';
  }
  return undefined;
}

// Linear regression, loss = mean_i (w·x_i + b − y_i)², w = [1, −1], b = 0.5.
const X = [
  [1, 2],
  [0, 1],
  [2, 0],
  [1, 1],
];
const Y = [0, 1, 2, -2];
// Residuals r = w·x + b − y: −0.5, −1.5, 0.5, 2.5.
// Whole batch: dL/dw = (2/4)Σ r_i x_i = 0.5·[3, 0] = [1.5, 0]; dL/db = (2/4)Σ r_i = 0.5.
// Micro-batch {0,1}: dw = (2/2)(−0.5·[1,2] − 1.5·[0,1]) = [−0.5, −2.5], db = −2.
// Micro-batch {2,3}: dw = 0.5·[2,0] + 2.5·[1,1] = [3.5, 2.5],           db = 3.
// Their mean: [1.5, 0] and 0.5 — the whole-batch gradient.

describeEachBackend('GradientAccumulator', () => {
  function gradsOf(w: tf.Variable, b: tf.Variable, rows: number[]): Map<string, tf.Tensor> {
    const { value, grads } = tf.variableGrads(() => {
      const x = tf.tensor2d(rows.map((i) => X[i]));
      const y = tf.tensor1d(rows.map((i) => Y[i]));
      const pred = tf.add(tf.squeeze(tf.matMul(x, tf.reshape(w, [2, 1])), [1]), b);
      return tf.mean(tf.square(tf.sub(pred, y))) as tf.Scalar;
    }, [w, b]);
    value.dispose();
    return new Map([
      ['w', grads[w.name]],
      ['b', grads[b.name]],
    ]);
  }

  it('mean of micro-batch gradients = gradient of the mean loss', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -1])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([0.5])));
    const acc = new GradientAccumulator(2);
    const before = tf.memory().numTensors;

    const mb1 = gradsOf(w, b, [0, 1]);
    expectClose(mb1.get('w')!.dataSync(), [-0.5, -2.5]);
    expectClose(mb1.get('b')!.dataSync(), [-2]);
    acc.add(mb1);
    expect(acc.count).toBe(1);
    expect(acc.ready).toBe(false);
    acc.add(gradsOf(w, b, [2, 3]));
    expect(acc.ready).toBe(true);

    const mean = acc.take();
    expect(acc.count).toBe(0);
    expectClose(mean.get('w')!.dataSync(), [1.5, 0]);
    expectClose(mean.get('b')!.dataSync(), [0.5]);

    const whole = gradsOf(w, b, [0, 1, 2, 3]);
    expectClose(whole.get('w')!.dataSync(), [1.5, 0]);
    expectClose(whole.get('b')!.dataSync(), [0.5]);

    tf.dispose([...mean.values(), ...whole.values()]);
    expect(tf.memory().numTensors).toBe(before); // add() disposed what it took
    acc.dispose();
    tf.dispose([w, b]);
  });

  it('a name missing from a micro-batch gets fewer terms, still divided by steps', () => {
    const acc = new GradientAccumulator(2);
    acc.add(
      new Map([
        ['shared', tf.tensor1d([2, 4])],
        ['headA', tf.tensor1d([6])],
      ]),
    );
    acc.add(
      new Map([
        ['shared', tf.tensor1d([4, 0])],
        ['headB', tf.tensor1d([8])],
      ]),
    );
    const out = acc.take();
    // (2 + 4)/2, (4 + 0)/2; headA 6/2; headB 8/2 — as torch's loss/steps then backward.
    expectClose(out.get('shared')!.dataSync(), [3, 2]);
    expectClose(out.get('headA')!.dataSync(), [3]);
    expectClose(out.get('headB')!.dataSync(), [4]);
    tf.dispose([...out.values()]);
    acc.dispose();
  });

  it("a short final group: 'steps' divides as HF does, 'count' gives the true mean", () => {
    const acc = new GradientAccumulator(4);
    acc.add({ g: tf.tensor1d([1, 3]) });
    acc.add({ g: tf.tensor1d([3, 5]) });
    expect(acc.ready).toBe(false);
    const hf = acc.take();
    expectClose(hf.get('g')!.dataSync(), [1, 2]); // (1 + 3)/4, (3 + 5)/4
    acc.add({ g: tf.tensor1d([1, 3]) });
    acc.add({ g: tf.tensor1d([3, 5]) });
    const mean = acc.take('count');
    expectClose(mean.get('g')!.dataSync(), [2, 4]);
    tf.dispose([...hf.values(), ...mean.values()]);
    acc.dispose();
  });

  it('steps = 1 passes gradients through as new tensors', () => {
    const acc = new GradientAccumulator(1);
    const g = tf.tensor2d([[1, 2]]);
    acc.add(new Map([['g', g]]));
    expect(g.isDisposed).toBe(false); // kept as the running sum until take()
    const out = acc.take().get('g')!;
    expect(g.isDisposed).toBe(true);
    expect(out.shape).toEqual([1, 2]);
    expect(Array.from(out.dataSync())).toEqual([1, 2]);
    out.dispose();
    acc.dispose();
  });

  it('survives a caller tidy around add()', () => {
    const acc = new GradientAccumulator(2);
    tf.tidy(() => acc.add({ g: tf.tensor1d([1]) }));
    tf.tidy(() => acc.add({ g: tf.tensor1d([3]) }));
    const out = acc.take();
    expectClose(out.get('g')!.dataSync(), [2]);
    tf.dispose([...out.values()]);
    acc.dispose();
  });

  it('errors: bad steps, shape change, take before add; inputs are disposed on error', () => {
    expect(code(() => new GradientAccumulator(0))).toBe('BAD_CONFIG');
    expect(code(() => new GradientAccumulator(1.5))).toBe('BAD_CONFIG');
    const acc = new GradientAccumulator(2);
    expect(code(() => acc.take())).toBe('BAD_INPUT');
    acc.add({ g: tf.tensor1d([1, 2]) });
    const wrong = tf.tensor1d([1, 2, 3]);
    expect(code(() => acc.add({ g: wrong }))).toBe('SHAPE_MISMATCH');
    expect(wrong.isDisposed).toBe(true); // ownership passed even though it threw
    expect(acc.count).toBe(1);
    const before = tf.memory().numTensors;
    acc.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    const late = tf.tensor1d([1]);
    expect(code(() => acc.add({ g: late }))).toBe('BAD_INPUT');
    expect(late.isDisposed).toBe(true);
  });
});
