import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, ones, zeros, type ModuleContext, type NormModule, type ParamSpec, type Params } from '@camtl/core';
import { film, filmSpecs } from '@camtl/core';
import { checkTaskIds } from './task-embedding';

/**
 * Conditional LayerNorm (the reference `ConditionalLayerNorm`):
 *
 *   y = (x − μ) / √(σ² + ε) ⊙ [(1 + γ(z′)) ⊙ w + β(z′)] + b
 *
 * with the biased variance, `weight` w and `bias` b named like BERT's
 * LayerNorm (so a preset loads them from the pretrained LayerNorm) and the
 * scale generator `ln_weight_modulation.gb_weights` = Linear(d_c, 2H).
 *
 * - Default = reference: only the scale is conditioned, and each row uses the
 *   condition of the FIRST row of its task in the batch (`conditionRows:
 *   'first-of-task'`): the reference loops over the tasks present and takes
 *   `condition[task rows][0]`. In CA-MTL all rows of a task carry the same z′,
 *   so this equals `'per-example'` except for the gradient w.r.t. an explicitly
 *   supplied per-row condition (later rows of a task get exactly 0).
 * - `conditionShift: true` (the paper, ⚠ unverified; check against the paper:
 *   γ̂ = γ′ γ(z) + β′ with both scale and shift conditioned) adds
 *   `ln_bias_modulation.gb_weights` so that b_t = (1 + γ_b(z′)) ⊙ b + β_b(z′).
 */
export interface ConditionalLayerNormOptions {
  hiddenSize: number;
  /** Width of the condition z′ (CA-MTL: H). */
  conditionSize: number;
  /** CA-MTL uses BERT's layer_norm_eps, 1e-12. */
  eps: number;
  /** Also condition the bias (the paper); default false (the reference). */
  conditionShift?: boolean;
  /** Which row's condition a row uses; default 'first-of-task' (the reference). */
  conditionRows?: 'first-of-task' | 'per-example';
  /** Std of the generator weight init (CaMtl.init_weights: 0.02). */
  std?: number;
}

export function conditionalLayerNormSpecs(options: ConditionalLayerNormOptions): ParamSpec[] {
  const { hiddenSize: H, conditionSize } = options;
  const std = options.std ?? 0.02;
  const specs: ParamSpec[] = [
    { name: 'weight', shape: [H], init: ones },
    { name: 'bias', shape: [H], init: zeros },
    ...prefixed('ln_weight_modulation', filmSpecs(conditionSize, H, std)),
  ];
  if (options.conditionShift) specs.push(...prefixed('ln_bias_modulation', filmSpecs(conditionSize, H, std)));
  return specs;
}

function prefixed(prefix: string, specs: ParamSpec[]): ParamSpec[] {
  return specs.map((s) => ({ ...s, name: `${prefix}.${s.name}` }));
}

/**
 * For each example b, the index of the first example of the same task:
 * first(b) = min{ j : id_j = id_b }. Loop-free and exact in int32: column j
 * scores B − j where the task matches (0 elsewhere), so the row maximum is
 * unique and sits at the first match; no reliance on argMax tie-breaking.
 */
export function firstRowOfTask(taskIds: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const B = taskIds.shape[0];
    const same = tf.cast(tf.equal(tf.expandDims(taskIds, 1), tf.expandDims(taskIds, 0)), 'int32'); // [B, B]
    const score = tf.sub(tf.scalar(B, 'int32'), tf.range(0, B, 1, 'int32')); // [B]: B − j
    const best = tf.max(tf.mul(same, score), 1); // [B]: B − first(b)
    return tf.sub(tf.scalar(B, 'int32'), best) as tf.Tensor1D;
  });
}

/** The condition row each example uses under `conditionRows`. */
function selectConditionRows(
  condition: tf.Tensor2D,
  taskIds: tf.Tensor1D | undefined,
  rows: 'first-of-task' | 'per-example',
): tf.Tensor2D {
  if (rows === 'per-example') return condition;
  if (!taskIds) {
    throw new CamtlError(
      'BAD_INPUT',
      "conditional LayerNorm with conditionRows 'first-of-task' needs the task ids",
      "pass taskIds (ctx.taskIds), or use conditionRows: 'per-example'",
    );
  }
  checkTaskIds(taskIds, condition.shape[0]);
  // A gather: rows that are not the first of their task receive no gradient.
  return tf.gather(condition, firstRowOfTask(taskIds)) as tf.Tensor2D; // [B, d_c]
}

/**
 * y = LN(x) ⊙ w_b + b_b per example, x [B, …, H], condition [B, d_c] (one row
 * per example), taskIds int32 [B] (needed for 'first-of-task' only).
 */
export function conditionalLayerNormApply(
  p: Params,
  x: tf.Tensor,
  condition: tf.Tensor2D,
  taskIds: tf.Tensor1D | undefined,
  options: ConditionalLayerNormOptions,
): tf.Tensor {
  const B = x.shape[0];
  if (condition.shape[0] !== B) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `CLN at "${p.prefix}": ${condition.shape[0]} condition rows for ${B} examples`,
    );
  }
  const z = selectConditionRows(condition, taskIds, options.conditionRows ?? 'first-of-task');
  const shape = [B, ...Array(x.rank - 2).fill(1), options.hiddenSize]; // [B, 1…, H]: broadcast over positions
  const w = tf.reshape(film(p.at('ln_weight_modulation'), p.get('weight'), z), shape); // [B, H] → [B, 1…, H]
  const bias = options.conditionShift
    ? tf.reshape(film(p.at('ln_bias_modulation'), p.get('bias'), z), shape) // [B, H] → [B, 1…, H]
    : p.get('bias');
  const { mean, variance } = tf.moments(x, -1, true); // biased variance, as F.layer_norm
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, options.eps)));
  return tf.add(tf.mul(normed, w), bias);
}

/**
 * The CLN as a core `NormModule`: the condition is `ctx.taskEmbedding` (z′)
 * and the task ids `ctx.taskIds`.
 */
export function conditionalLayerNorm(options: ConditionalLayerNormOptions): NormModule {
  return {
    specificationVersion: 'v1',
    kind: 'conditional-layer-norm',
    paramSpecs: () => conditionalLayerNormSpecs(options),
    apply(p: Params, x: tf.Tensor, ctx: ModuleContext) {
      if (!ctx.taskEmbedding) {
        throw new CamtlError(
          'BAD_INPUT',
          `conditional LayerNorm at "${p.prefix}" needs ctx.taskEmbedding (the transformed task embedding z′, [B, d])`,
          'run the model with a context that carries taskEmbedding and taskIds',
        );
      }
      return conditionalLayerNormApply(p, x, ctx.taskEmbedding, ctx.taskIds, options);
    },
  };
}
