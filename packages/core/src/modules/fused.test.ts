import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { maxAbsDiff } from '../testing/fixtures';
import { fusedGelu, fusedLayerNorm } from './fused';

/** The decomposed reference: what autodiff of the plain ops gives. */
function plainLayerNorm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), w), b);
}
const plainGelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));

const fixed = (shape: number[], seed: number, scale = 1) =>
  tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);

describeEachBackend('fused LayerNorm and GELU', () => {
  for (const wShape of [[6], [2, 1, 6]]) {
    it(`LayerNorm equals the decomposed ops, value and gradients (weight ${JSON.stringify(wShape)})`, () => {
      const [x, w, b, dy] = [fixed([2, 3, 6], 1, 3), fixed(wShape, 2), fixed(wShape, 3), fixed([2, 3, 6], 4)];
      const grads = (f: typeof plainLayerNorm) =>
        tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, c, d, 1e-12), dy)))([x, w, b]);
      const [got, want] = [grads(fusedLayerNorm), grads(plainLayerNorm)];
      expect(
        maxAbsDiff(fusedLayerNorm(x, w, b, 1e-12).dataSync(), plainLayerNorm(x, w, b, 1e-12).dataSync()),
      ).toBeLessThan(1e-5);
      got.forEach((g, i) => {
        expect(g.shape).toEqual(want[i].shape);
        expect(maxAbsDiff(g.dataSync(), want[i].dataSync())).toBeLessThan(1e-4);
      });
    });
  }

  it('GELU equals the decomposed ops, value and gradient', () => {
    const [x, dy] = [fixed([4, 7], 5, 3), fixed([4, 7], 6)];
    const grad = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), dy)))(x);
    expect(maxAbsDiff(fusedGelu(x).dataSync(), plainGelu(x).dataSync())).toBeLessThan(1e-6);
    expect(maxAbsDiff(grad(fusedGelu).dataSync(), grad(plainGelu).dataSync())).toBeLessThan(1e-5);
  });

  it('keeps fewer tensors alive under a tape', () => {
    const x = fixed([8, 16], 7);
    const live = (f: (t: tf.Tensor) => tf.Tensor) => {
      let inside = 0;
      tf.tidy(() =>
        tf.grad((t: tf.Tensor) => {
          const y = f(f(t));
          inside = tf.memory().numTensors;
          return tf.sum(y);
        })(x),
      );
      return inside;
    };
    expect(live(fusedGelu)).toBeLessThan(live(plainGelu));
  });
});
