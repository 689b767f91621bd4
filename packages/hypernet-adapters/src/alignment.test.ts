import * as tf from '@tensorflow/tfjs-core';
import { mount } from '@camtl/core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectNoLeak, expectRowByRow, maxAbsDiff, randn, randomStore } from '@camtl/core/testing';
import { conditionalAlignment, conditionalAlignmentSpecs } from './alignment';
import { film, filmParams } from '@camtl/core';

const H = 8;
const B = 4;
const L = 5;

describeEachBackend('conditional alignment', () => {
  it('specs: reference FiLM by default, plus alignment_delta [H, H] (zeros, R = I + Δ) in matrix mode', () => {
    expect(conditionalAlignmentSpecs(H).map((s) => s.name)).toEqual(['gb_weights.weight', 'gb_weights.bias']);
    const m = conditionalAlignmentSpecs(H, H, { mode: 'matrix' });
    expect(m.map((s) => [s.name, s.shape, s.init.kind])).toContainEqual(['alignment_delta', [H, H], 'zeros']);
  });

  it("mode 'film' (default) is X′ = (1 + γ(z)) ⊙ X + β(z)", () => {
    const store = randomStore(mount('conditional_alignment', conditionalAlignmentSpecs(H)));
    const p = store.view('conditional_alignment');
    const x = randn([B, L, H], 1) as tf.Tensor3D;
    const z = randn([B, H], 2) as tf.Tensor2D;
    expect(maxAbsDiff(conditionalAlignment(p, x, z).dataSync(), film(p, x, z).dataSync())).toBe(0);
    store.dispose();
  });

  it("mode 'matrix' at R = I with a zero generator is the identity map", () => {
    const store = randomStore(conditionalAlignmentSpecs(H, H, { mode: 'matrix' }));
    for (const name of ['alignment_delta', 'gb_weights.weight', 'gb_weights.bias']) {
      store.get(name).assign(tf.zerosLike(store.get(name)));
    }
    const x = randn([B, L, H], 1) as tf.Tensor3D;
    const out = conditionalAlignment(store.view(), x, randn([B, H], 2) as tf.Tensor2D, { mode: 'matrix' });
    expect(maxAbsDiff(out.dataSync(), x.dataSync())).toBeLessThan(1e-6);
    store.dispose();
  });

  it("mode 'matrix' equals X_b R̂_b with R̂_b = (1 + γ_b) ⊙ R + β_b built explicitly", () => {
    const store = randomStore(conditionalAlignmentSpecs(H, H, { mode: 'matrix' }));
    const x = randn([B, L, H], 1) as tf.Tensor3D;
    const z = randn([B, H], 2) as tf.Tensor2D;
    const out = conditionalAlignment(store.view(), x, z, { mode: 'matrix' });
    const R = tf.add(tf.eye(H), store.get('alignment_delta')); // [H, H]
    const { gamma, beta } = filmParams(store.view(), z);
    const Rhat = tf.add(tf.mul(tf.reshape(tf.add(gamma, 1), [B, 1, H]), R), tf.reshape(beta, [B, 1, H])); // [B, H, H]
    const manual = tf.matMul(x, Rhat); // [B, L, H]
    expect(maxAbsDiff(out.dataSync(), manual.dataSync())).toBeLessThan(1e-4);
    store.dispose();
  });

  it('a mixed batch equals each example alone, in both modes', () => {
    const store = randomStore(conditionalAlignmentSpecs(H, H, { mode: 'matrix' }));
    const x = randn([B, L, H], 1) as tf.Tensor3D;
    const z = randn([B, H], 2) as tf.Tensor2D;
    for (const mode of ['film', 'matrix'] as const) {
      expectRowByRow(B, (pick) => conditionalAlignment(store.view(), pick(x), pick(z), { mode }));
    }
    store.dispose();
  });

  it('an unknown mode is a BAD_CONFIG error', () => {
    const store = randomStore(conditionalAlignmentSpecs(H));
    const f = () =>
      conditionalAlignment(store.view(), randn([1, 2, H], 1) as tf.Tensor3D, randn([1, H], 2) as tf.Tensor2D, {
        mode: 'rotate' as 'film',
      });
    expect(f).toThrowError(expect.objectContaining({ code: 'BAD_CONFIG' }));
    store.dispose();
  });

  it('gradients reach R and the generator; no tensors leak', () => {
    const store = randomStore(conditionalAlignmentSpecs(H, H, { mode: 'matrix' }));
    const x = randn([B, L, H], 1) as tf.Tensor3D;
    const z = randn([B, H], 2) as tf.Tensor2D;
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(conditionalAlignment(store.view(), x, z, { mode: 'matrix' }))) as tf.Scalar,
      );
      expect(Object.keys(grads)).toHaveLength(3);
      for (const g of Object.values(grads)) expect(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])).toBeGreaterThan(0);
      tf.dispose([value, ...Object.values(grads)]);
    };
    expectNoLeak(step);
    store.dispose();
  });
});
