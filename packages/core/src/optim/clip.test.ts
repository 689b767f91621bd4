import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { worstViolation } from '../testing/fixtures';
import { isCamtlError } from '../errors';
import { clipByGlobalNorm, globalNorm, hasNonFinite } from './clip';

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  const worst = worstViolation(actual, expected, 1e-7, 1e-6);
  if (worst > 0) expect(Array.from(actual)).toEqual(expected);
}

// ‖[3, 4]‖ = 5, ‖[[0, 0, 12]]‖ = 12, global = sqrt(25 + 144) = 13.
function grads(): Map<string, tf.Tensor> {
  return new Map<string, tf.Tensor>([
    ['a.weight', tf.tensor1d([3, 4])],
    ['a.bias', tf.tensor2d([[0, 0, 12]])],
  ]);
}

describeEachBackend('gradient clipping', () => {
  it('globalNorm = sqrt(Σ‖g‖²)', () => {
    const g = grads();
    const n = globalNorm(g);
    expectClose(n.dataSync(), [13]);
    expect(n.shape).toEqual([]);
    const n2 = globalNorm({ only: g.get('a.weight')! });
    expectClose(n2.dataSync(), [5]);
    const n0 = globalNorm(new Map());
    expect(Array.from(n0.dataSync())).toEqual([0]);
    tf.dispose([n, n2, n0, ...g.values()]);
  });

  it('below the threshold: values unchanged, new tensors', () => {
    const g = grads();
    // coef = 26/(13 + 1e-6) ≈ 2 ≥ 1 → no clipping.
    const { grads: out, norm } = clipByGlobalNorm(g, 26);
    expectClose(norm.dataSync(), [13]);
    expect(Array.from(out.get('a.weight')!.dataSync())).toEqual([3, 4]);
    expect(Array.from(out.get('a.bias')!.dataSync())).toEqual([0, 0, 12]);
    expect(out.get('a.bias')!.shape).toEqual([1, 3]);
    expect(out.get('a.weight')).not.toBe(g.get('a.weight'));
    expect(g.get('a.weight')!.isDisposed).toBe(false); // inputs left alone
    tf.dispose([norm, ...out.values(), ...g.values()]);
  });

  it('above the threshold: every gradient scaled by maxNorm/(norm + 1e-6)', () => {
    const g = grads();
    const { grads: out, norm } = clipByGlobalNorm(g, 6.5);
    // coef = 6.5/(13 + 1e-6) = 0.49999996154; the norm returned is the pre-clip one.
    const coef = 6.5 / (13 + 1e-6);
    expectClose(norm.dataSync(), [13]);
    expectClose(out.get('a.weight')!.dataSync(), [3 * coef, 4 * coef]); // ≈ [1.49999988, 1.99999985]
    expectClose(out.get('a.bias')!.dataSync(), [0, 0, 12 * coef]);
    const after = globalNorm(out);
    expectClose(after.dataSync(), [6.5]);
    tf.dispose([norm, after, ...out.values(), ...g.values()]);
  });

  it('zero gradients: norm 0, gradients stay 0 (no NaN from 0/0)', () => {
    const g = new Map<string, tf.Tensor>([['z', tf.zeros([2, 2])]]);
    const { grads: out, norm } = clipByGlobalNorm(g, 1);
    expect(Array.from(norm.dataSync())).toEqual([0]);
    expect(Array.from(out.get('z')!.dataSync())).toEqual([0, 0, 0, 0]);
    tf.dispose([norm, ...out.values(), ...g.values()]);
  });

  it('a NaN norm leaves the gradients as they are (torch 1.5: NaN < 1 is false)', () => {
    const g = new Map<string, tf.Tensor>([['a', tf.tensor1d([NaN, 2])]]);
    const { grads: out, norm } = clipByGlobalNorm(g, 1);
    expect(Number.isNaN(norm.dataSync()[0])).toBe(true);
    const vals = out.get('a')!.dataSync();
    expect(Number.isNaN(vals[0])).toBe(true);
    expect(vals[1]).toBe(2);
    tf.dispose([norm, ...out.values(), ...g.values()]);
  });

  it('leaks nothing: after disposing the result numTensors is back', () => {
    const g = grads();
    const before = tf.memory().numTensors;
    const { grads: out, norm } = clipByGlobalNorm(g, 1);
    expect(tf.memory().numTensors).toBe(before + 3); // two grads + norm
    tf.dispose([norm, ...out.values()]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(hasNonFinite(g));
    tf.dispose(globalNorm(g));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...g.values()]);
  });

  it('rejects a non-positive maxNorm', () => {
    const g = grads();
    for (const bad of [0, -1, NaN, Infinity]) {
      let ok = false;
      try {
        clipByGlobalNorm(g, bad);
      } catch (e) {
        ok = isCamtlError(e) && (e as { code: string }).code === 'BAD_INPUT';
      }
      expect(ok).toBe(true);
    }
    tf.dispose([...g.values()]);
  });

  it('hasNonFinite spots NaN and ±Inf, not large finite values', () => {
    const cases: Array<[number[], boolean]> = [
      [[1, 2], false],
      [[1e30, -3e38], false], // squares overflow; the values are still finite
      [[1, NaN], true],
      [[Infinity, 0], true],
      [[-Infinity, 0], true],
    ];
    for (const [values, want] of cases) {
      const g = new Map<string, tf.Tensor>([
        ['ok', tf.tensor1d([0.5])],
        ['x', tf.tensor1d(values)],
      ]);
      const flag = hasNonFinite(g);
      expect(flag.dtype).toBe('bool');
      expect(Boolean(flag.dataSync()[0])).toBe(want);
      tf.dispose([flag, ...g.values()]);
    }
    const none = hasNonFinite(new Map());
    expect(Boolean(none.dataSync()[0])).toBe(false);
    none.dispose();
  });
});
