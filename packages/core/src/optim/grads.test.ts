import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { camtlErrorOf } from '../testing/errors';
import { ParamStore } from '../params/store';
import { describeEachBackend } from '../testing/backends';
import { AdamW } from './adamw';
import { gradsByParamName } from './grads';

function store(): ParamStore {
  const s = new ParamStore();
  s.add('dense.weight', tf.tensor2d([1, -2, 0.5, 3], [2, 2]));
  s.add('dense.bias', tf.tensor1d([0.5, -0.5]));
  return s;
}

/** A small loss of the store's parameters: sum((x·W + b)²). */
function loss(s: ParamStore): tf.Scalar {
  const x = tf.tensor2d([1, 2], [1, 2]);
  return tf.sum(tf.square(tf.add(tf.matMul(x, s.get('dense.weight')), s.get('dense.bias'))));
}

describeEachBackend('gradients by parameter name', () => {
  it('AdamW.step takes tf.variableGrads output as it comes, and moves exactly as with named grads', () => {
    const [a, b] = [store(), store()];
    const [optA, optB] = [new AdamW(a.trainable(), { lr: 0.1 }), new AdamW(b.trainable(), { lr: 0.1 })];
    for (let k = 0; k < 2; k++) {
      const ga = tf.variableGrads(() => loss(a), [...a.trainable().values()]);
      expect(Object.keys(ga.grads).some((key) => a.has(key))).toBe(false); // tfjs ids, not our names
      optA.step(ga.grads);
      const gb = tf.variableGrads(() => loss(b), [...b.trainable().values()]);
      optB.step(gradsByParamName(b, gb.grads));
      tf.dispose([ga.value, gb.value, ...Object.values(ga.grads), ...Object.values(gb.grads)]);
    }
    for (const name of a.names()) expect(a.get(name).dataSync()).toEqual(b.get(name).dataSync());
    expect(a.get('dense.bias').dataSync()).not.toEqual(new Float32Array([0.5, -0.5]));
    [optA, optB, a, b].forEach((x) => x.dispose());
  });

  it('gradsByParamName re-keys variable ids, passes parameter names through and keeps the tensors', () => {
    const s = store();
    const g = tf.variableGrads(() => loss(s), [...s.trainable().values()]);
    const named = gradsByParamName(s, g.grads);
    expect([...named.keys()].sort()).toEqual(['dense.bias', 'dense.weight']);
    expect(named.get('dense.bias')).toBe(g.grads[s.get('dense.bias').name]);
    const again = gradsByParamName(s, Object.fromEntries(named));
    expect([...again.keys()].sort()).toEqual(['dense.bias', 'dense.weight']);
    tf.dispose([g.value, ...Object.values(g.grads)]);
    s.dispose();
  });

  it('an unknown key is a one-line error naming it and saying what to pass; nothing moves', () => {
    const s = store();
    const opt = new AdamW(s.trainable(), { lr: 0.1 });
    const g = tf.tensor1d([1, 1]);
    const before = s.get('dense.bias').dataSync().slice();
    const e = camtlErrorOf(() => opt.step({ 'dense.bias': g, 'dense.kernel': g }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toContain('"dense.kernel"');
    expect(e.hint).toContain('tf.variableGrads');
    expect(`${e.message} ${e.hint}`).not.toContain('\n');
    expect(s.get('dense.bias').dataSync()).toEqual(before);
    expect(opt.stepCount).toBe(0);
    const twice = camtlErrorOf(() => gradsByParamName(s, { 'dense.bias': g, [s.get('dense.bias').name]: g }));
    expect(twice.message).toContain('two gradients for parameter "dense.bias"');
    tf.dispose(g);
    [opt, s].forEach((x) => x.dispose());
  });
});
