import * as tf from '@tensorflow/tfjs-core';
import { dropout, linear } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import type { AttentionModule, AttentionOptions } from '../plugins';

export interface ScaledDotProductOptions {
  /** Added to the scores before the mask, broadcast to [B, h, S, S] (CA-MTL's M(z)). */
  scoreBias?: tf.Tensor;
  /** Additive padding mask [B, 1, 1, S]. */
  mask?: tf.Tensor;
  dropoutRate: number;
}

/**
 * softmax(Q Kᵀ/√d + bias + mask) V on [B, h, S, d] tensors, as HF BertSelfAttention.
 * Q is scaled before the product: cheaper than scaling the S×S scores, and
 * exact when √d is a power of two (d = 16, 64).
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  options: ScaledDotProductOptions,
  ctx: ModuleContext,
): tf.Tensor4D {
  const d = q.shape[3];
  let scores: tf.Tensor = tf.matMul(tf.mul(q, 1 / Math.sqrt(d)), k, false, true); // [B, h, S, S]
  if (options.scoreBias) scores = tf.add(scores, options.scoreBias);
  if (options.mask) scores = tf.add(scores, options.mask);
  const probs = dropout(tf.softmax(scores), options.dropoutRate, ctx);
  return tf.matMul(probs, v) as tf.Tensor4D; // [B, h, S, d]
}

/** [B, S, H] → [B, h, S, d] */
export function splitHeads(x: tf.Tensor, numHeads: number): tf.Tensor4D {
  const [B, S, H] = x.shape;
  const heads = tf.reshape(x, [B, S, numHeads, H / numHeads]); // [B, S, h, d]
  return tf.transpose(heads, [0, 2, 1, 3]) as tf.Tensor4D; // [B, h, S, d]
}

/** [B, h, S, d] → [B, S, H] */
export function mergeHeads(x: tf.Tensor4D): tf.Tensor3D {
  const [B, h, S, d] = x.shape;
  const t = tf.transpose(x, [0, 2, 1, 3]); // [B, S, h, d]
  return tf.reshape(t, [B, S, h * d]) as tf.Tensor3D; // [B, S, H]
}

/** HF BertSelfAttention parameters: query, key, value Linear(H, H). */
export function selfAttentionSpecs(hidden: number, initializerRange: number): ParamSpec[] {
  return ['query', 'key', 'value'].flatMap((n) => [
    { name: `${n}.weight`, shape: [hidden, hidden], init: normal(initializerRange) },
    { name: `${n}.bias`, shape: [hidden], init: zeros },
  ]);
}

/** Multi-head self-attention with an optional extra score bias. */
export function multiHeadSelfAttention(
  p: Params,
  hidden: tf.Tensor3D,
  options: ScaledDotProductOptions & { numHeads: number },
  ctx: ModuleContext,
): tf.Tensor3D {
  const q = splitHeads(linear(p.at('query'), hidden), options.numHeads);
  const k = splitHeads(linear(p.at('key'), hidden), options.numHeads);
  const v = splitHeads(linear(p.at('value'), hidden), options.numHeads);
  return mergeHeads(scaledDotProductAttention(q, k, v, options, ctx));
}

/** The standard BERT attention as a plug-in: the default of `BertModelOptions.attention`. */
export function bertAttention(options: AttentionOptions): AttentionModule {
  return {
    specificationVersion: 'v1',
    kind: 'bert',
    paramSpecs: () => selfAttentionSpecs(options.hiddenSize, options.initializerRange),
    apply: (p, inputs, ctx) =>
      multiHeadSelfAttention(
        p,
        inputs.hidden,
        { numHeads: options.numHeads, mask: inputs.mask, dropoutRate: options.attentionDropout },
        ctx,
      ),
  };
}
