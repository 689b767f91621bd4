import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it, vi } from 'vitest';
import { CamtlError } from '../errors';
import { describeEachBackend } from '../testing/backends';
import { randn } from '../testing/random';
import * as engineTape from './engine-tape';
import { leanGradients, leanVariableGrads } from './lean-grads';

// tfjs's own gradients need the very internals the adapter checks, so a
// changed engine is simulated at the adapter: tapeEngine() throws while set.
let broken = false;
/** Warnings so far in this file: the second backend's suite finds the one-time warning already given. */
let warnedSoFar = 0;
vi.mock('./engine-tape', async (importOriginal) => {
  const original = await importOriginal<typeof engineTape>();
  return {
    ...original,
    tapeEngine: () => {
      if (broken) throw new CamtlError('UNSUPPORTED', 'tfjs engine internals are not as expected: test', 'hint');
      return original.tapeEngine();
    },
  };
});

afterEach(() => {
  broken = false;
  vi.restoreAllMocks();
});

describeEachBackend('leanVariableGrads when the engine internals are not as expected', () => {
  it('warns once and returns tf.variableGrads’ result; leanGradients throws the CamtlError', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const v = tf.variable(randn([3], 1));
    const f = () => tf.sum(tf.mul(v, v)) as tf.Scalar;
    broken = true;
    for (let i = 0; i < 2; i++) {
      const { value, grads } = leanVariableGrads(f, [v]);
      expect(Array.from(await grads[v.name].data())).toEqual(Array.from(await tf.mul(v, 2).data()));
      tf.dispose([value, grads[v.name]]);
    }
    expect(() => leanGradients(f, [v])).toThrow(/internals are not as expected/);
    const warnings = warn.mock.calls.filter((c) => /falling back to tf.variableGrads/.test(String(c[0])));
    warnedSoFar += warnings.length;
    expect(warnedSoFar).toBe(1);
    v.dispose();
  });
});
