import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { mount } from '../bert/layer';
import { describeEachBackend } from '../testing/backends';
import { maxAbsDiff } from '../testing/compare';
import { expectNoLeak, expectRowByRow, randn, randomStore } from '../testing/random';
import { film, filmParams, filmSpecs } from './film';

describeEachBackend('FiLM', () => {
  it('specs: gb_weights = Linear(d_c → 2d), bias initialised to 0', () => {
    const specs = filmSpecs(16, 5, 0.02);
    expect(specs.map((s) => [s.name, s.shape, s.init.kind])).toEqual([
      ['gb_weights.weight', [10, 16], 'normal'],
      ['gb_weights.bias', [10], 'zeros'],
    ]);
  });

  it('γ is the first half and β the second half of the generator output', () => {
    const store = randomStore(mount('film', filmSpecs(4, 3)));
    const z = randn([2, 4], 7) as tf.Tensor2D;
    const gb = tf.add(
      tf.matMul(z, store.get('film.gb_weights.weight'), false, true),
      store.get('film.gb_weights.bias'),
    );
    const { gamma, beta } = filmParams(store.view('film'), z);
    expect(maxAbsDiff(gamma.dataSync(), tf.slice(gb, [0, 0], [2, 3]).dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(beta.dataSync(), tf.slice(gb, [0, 3], [2, 3]).dataSync())).toBeLessThan(1e-6);
    const x = randn([2, 5, 3], 8);
    const out = film(store.view('film'), x, z);
    const manual = tf.add(tf.mul(tf.reshape(tf.add(gamma, 1), [2, 1, 3]), x), tf.reshape(beta, [2, 1, 3]));
    expect(maxAbsDiff(out.dataSync(), manual.dataSync())).toBeLessThan(1e-6);
    store.dispose();
  });

  it('a mixed batch equals each example alone (batched target and unbatched parameter)', () => {
    const store = randomStore(mount('film', filmSpecs(6, 4)));
    const z = randn([4, 6], 3) as tf.Tensor2D;
    const x = randn([4, 3, 4], 4);
    const w = randn([2, 4], 5);
    expectRowByRow(4, (pick) => film(store.view('film'), pick(x), pick(z)));
    expectRowByRow(4, (pick) => film(store.view('film'), w, pick(z)));
    store.dispose();
  });

  it('rejects a condition that is not [B, d_c], or a target of the wrong width', () => {
    const store = randomStore(filmSpecs(6, 4));
    const bad = [
      () => film(store.view(), randn([2, 3, 4], 1), randn([6], 2) as unknown as tf.Tensor2D),
      () => film(store.view(), randn([2, 3, 5], 1), randn([2, 6], 2) as tf.Tensor2D),
    ];
    for (const f of bad) expect(() => f()).toThrowError(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    store.dispose();
  });

  it('no tensors leak across forward and backward', () => {
    const store = randomStore(filmSpecs(6, 4));
    const z = randn([4, 6], 3) as tf.Tensor2D;
    const x = randn([4, 3, 4], 4);
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(film(store.view(), x, z))) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([z, x]);
    store.dispose();
  });
});
