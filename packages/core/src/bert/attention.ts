import * as tf from '@tensorflow/tfjs-core';
import { dropout, linear } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import type { AttentionModule, AttentionOptions } from '../plugins';

export interface ScaledDotProductOptions {
  /**
   * Added to the scores before the mask, broadcast to [B, h, S, S] (CA-MTL's
   * M(z)). With fewer queries than keys (the [CLS] row alone) only its first
   * rows are added: the queries are positions 0 … S_q − 1.
   */
  scoreBias?: tf.Tensor;
  /** Additive padding mask [B, 1, 1, S]. */
  mask?: tf.Tensor;
  dropoutRate: number;
}

/**
 * softmax(Q Kᵀ/√d + bias + mask) V on [B, h, S, d] tensors, as HF BertSelfAttention.
 * Q is scaled before the product: cheaper than scaling the S×S scores, and
 * exact when √d is a power of two (d = 16, 64). Q may hold the first S_q ≤ S
 * positions only (the [CLS] query row): the result is then [B, h, S_q, d].
 */
export function scaledDotProductAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  options: ScaledDotProductOptions,
  ctx: ModuleContext,
): tf.Tensor4D {
  const d = q.shape[3];
  const one = q.shape[2] === 1;
  const scaled = tf.mul(q, 1 / Math.sqrt(d));
  let scores: tf.Tensor = one ? oneQueryScores(scaled, k) : tf.matMul(scaled, k, false, true); // [B, h, S_q, S]
  if (options.scoreBias) scores = tf.add(scores, queryRows(options.scoreBias, q.shape[2]));
  if (options.mask) scores = tf.add(scores, options.mask);
  const probs = dropout(tf.softmax(scores), options.dropoutRate, ctx);
  return one ? oneQueryContext(probs as tf.Tensor4D, v) : (tf.matMul(probs, v) as tf.Tensor4D); // [B, h, S_q, d]
}

/*
 * One query row (the [CLS] row alone): a batched product would be B·h
 * matrix-vector calls, each a kernel launch on wasm, for O(S·d) work; as
 * broadcast products and sums the same sums are a few element-wise kernels.
 */

/** q [B, h, 1, d], k [B, h, S, d] → q·kᵀ [B, h, 1, S]. */
function oneQueryScores(q: tf.Tensor, k: tf.Tensor4D): tf.Tensor4D {
  const [B, h, S] = k.shape;
  return tf.reshape(tf.sum(tf.mul(q, k), -1), [B, h, 1, S]); // [B, h, S, d] → [B, h, S] → [B, h, 1, S]
}

/** probs [B, h, 1, S], v [B, h, S, d] → probs·v [B, h, 1, d]. */
function oneQueryContext(probs: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [B, h, S] = v.shape;
  const weights = tf.reshape(probs, [B, h, S, 1]);
  return tf.sum(tf.mul(weights, v), 2, true) as tf.Tensor4D; // [B, h, S, d] → [B, h, 1, d]
}

/** The first `rows` query rows of a [B, 1|h, S, S] score bias (all of it when it has no more). */
function queryRows(bias: tf.Tensor, rows: number): tf.Tensor {
  if (bias.rank < 2 || bias.shape[bias.rank - 2] <= rows) return bias;
  const begin = bias.shape.map(() => 0);
  const size = bias.shape.map((n, i) => (i === bias.rank - 2 ? rows : n));
  return tf.slice(bias, begin, size);
}

/** [B, S, H] → [B, 1, H]: position 0, the [CLS] row (itself when it is the only row). */
export function clsRow(x: tf.Tensor3D): tf.Tensor3D {
  return x.shape[1] === 1 ? x : (tf.slice(x, [0, 0, 0], [-1, 1, -1]) as tf.Tensor3D);
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

/**
 * Multi-head self-attention with an optional extra score bias. With
 * `ctx.clsQueryOnly` only the [CLS] row queries: [B, 1, H] out.
 */
export function multiHeadSelfAttention(
  p: Params,
  hidden: tf.Tensor3D,
  options: ScaledDotProductOptions & { numHeads: number },
  ctx: ModuleContext,
): tf.Tensor3D {
  const queries = ctx.clsQueryOnly ? clsRow(hidden) : hidden;
  const q = splitHeads(linear(p.at('query'), queries), options.numHeads);
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
