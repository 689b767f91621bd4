import * as tf from '@tensorflow/tfjs-core';
import { getActivation, linear } from '@camtl/core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectNoLeak, expectRowByRow, maxAbsDiff, randn, randomStore } from '@camtl/core/testing';
import { bottleneckSize, conditionalBottleneck, conditionalBottleneckSpecs } from './bottleneck';
import { film } from '@camtl/core';

const H = 12;
const B = 4;

describeEachBackend('conditional bottleneck', () => {
  it('specs: reference names; ⌊H/3⌋ units by default (64 → 21), or the given size', () => {
    expect(conditionalBottleneckSpecs({ hiddenSize: 64 }).map((s) => [s.name, s.shape])).toEqual([
      ['emb_transf.weight', [64, 64]],
      ['emb_transf.bias', [64]],
      ['hidden_modulation.gb_weights.weight', [128, 64]],
      ['hidden_modulation.gb_weights.bias', [128]],
      ['down_proj_layer.weight', [21, 64]],
      ['down_proj_layer.bias', [21]],
      ['up_proj_layer.weight', [64, 21]],
      ['up_proj_layer.bias', [64]],
    ]);
    expect(bottleneckSize({ hiddenSize: 64, bottleneckSize: 8 })).toBe(8);
    expect(() => bottleneckSize({ hiddenSize: 2 })).toThrowError(expect.objectContaining({ code: 'BAD_CONFIG' }));
  });

  it('an activation between down and up, when asked for', () => {
    const store = randomStore(conditionalBottleneckSpecs({ hiddenSize: H }));
    const p = store.view();
    const x = randn([B, 3, H], 1);
    const z = randn([B, H], 2) as tf.Tensor2D;
    const withAct = conditionalBottleneck(p, x, z, { activation: 'gelu' });
    const mod = film(p.at('hidden_modulation'), x, linear(p.at('emb_transf'), z) as tf.Tensor2D);
    const manual = linear(p.at('up_proj_layer'), getActivation('gelu')(linear(p.at('down_proj_layer'), mod)));
    expect(maxAbsDiff(withAct.dataSync(), manual.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(withAct.dataSync(), conditionalBottleneck(p, x, z).dataSync())).toBeGreaterThan(1e-3);
    store.dispose();
  });

  it('a mixed batch equals each example alone', () => {
    const store = randomStore(conditionalBottleneckSpecs({ hiddenSize: H }));
    const t = tf.tensor1d([0, 2, 1, 0], 'int32');
    const z = tf.gather(randn([3, H], 3), t) as tf.Tensor2D;
    const x = randn([B, 5, H], 4);
    expectRowByRow(B, (pick) => conditionalBottleneck(store.view(), pick(x), pick(z)));
    store.dispose();
  });

  it('no tensors leak across forward and backward', () => {
    const store = randomStore(conditionalBottleneckSpecs({ hiddenSize: H }));
    const x = randn([B, 3, H], 1);
    const z = randn([B, H], 2) as tf.Tensor2D;
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(conditionalBottleneck(store.view(), x, z))) as tf.Scalar,
      );
      expect(Object.keys(grads)).toHaveLength(8);
      tf.dispose([value, ...Object.values(grads)]);
    });
    store.dispose();
  });
});
