import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { normal, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import { linear } from './basic';

/**
 * FiLM (feature-wise linear modulation), as the reference `FiLM` module
 * (`conditional_modules.py`): a generator `gb_weights` = Linear(d_c → 2·d)
 * maps the condition z to [γ | β] (γ the first half, β the second), and the
 * target x becomes (1 + γ) ⊙ x + β. Writing the scale as 1 + γ keeps the
 * module near the identity while the generator is small. The generator bias
 * starts at 0; its weight at N(0, std²), as `CaMtl.init_weights` leaves it.
 */
export function filmSpecs(conditionSize: number, targetSize: number, std = 0.02): ParamSpec[] {
  return [
    { name: 'gb_weights.weight', shape: [2 * targetSize, conditionSize], init: normal(std) },
    { name: 'gb_weights.bias', shape: [2 * targetSize], init: zeros },
  ];
}

/** γ(z) and β(z), each [B, d], from a condition [B, d_c] (one row per example). */
export function filmParams(p: Params, condition: tf.Tensor2D): { gamma: tf.Tensor2D; beta: tf.Tensor2D } {
  if (condition.rank !== 2) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `FiLM condition at "${p.prefix}" must be [B, d_c], got [${condition.shape}]`,
      'pass one condition row per example, e.g. the task embedding gathered by task id',
    );
  }
  const gb = linear(p.at('gb_weights'), condition) as tf.Tensor2D; // [B, 2d]
  const d = gb.shape[1] / 2;
  const [gamma, beta] = tf.split(gb, [d, d], 1) as [tf.Tensor2D, tf.Tensor2D]; // [B, d] each
  return { gamma, beta };
}

/**
 * (1 + γ_b) ⊙ x_b + β_b per example b. `x` is either batched [B, …, d]
 * (rank ≥ 3, or `batched: true`) or an unbatched parameter [d] / [R, d] (the
 * reference's CBDA and CLN modulate a weight), which broadcasts to [B, R, d].
 */
export function film(p: Params, x: tf.Tensor, condition: tf.Tensor2D, options: { batched?: boolean } = {}): tf.Tensor {
  const batched = options.batched ?? x.rank >= 3;
  const { gamma, beta } = filmParams(p, condition);
  const B = condition.shape[0];
  const d = gamma.shape[1];
  if (x.shape[x.rank - 1] !== d) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `FiLM at "${p.prefix}" generates ${d} features but the target has ${x.shape[x.rank - 1]} ([${x.shape}])`,
    );
  }
  const middle = batched ? x.rank - 2 : x.rank - 1; // axes between batch and features
  const shape = [B, ...Array(middle).fill(1), d]; // [B, 1…, d]: γ, β broadcast over the middle axes
  const g = tf.reshape(tf.add(gamma, 1), shape);
  const b = tf.reshape(beta, shape);
  return tf.add(tf.mul(g, x), b);
}
