import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, zeros, type ParamSpec, type Params } from '@camtl/core';
import { film, filmParams, filmSpecs } from '@camtl/core';

/**
 * Conditional alignment, applied once between the BERT embeddings and
 * layer 0, conditioned on the RAW task embedding z (not z′). Mounted by the
 * caller at `conditional_alignment` (CA-MTL: `bert.conditional_alignment`).
 *
 * - `mode: 'film'` (default, the reference `CaMtlBaseEncoder.forward`):
 *   X′ = (1 + γ(z)) ⊙ X + β(z), γ, β ∈ R^{B×1×H} from `gb_weights` = Linear(H, 2H).
 *   There is no alignment matrix in the reference.
 * - `mode: 'matrix'` (a camtl option): the paper's task-conditioned alignment
 *   R̂(z) = R γ(z) + β(z) (⚠ unverified; check against the paper, OpenReview
 *   `de11dbHzAMF`; whether R multiplies the embeddings is ambiguous in the
 *   available text). camtl reads it as a learned R ∈ R^{H×H} modulated
 *   column-wise in the residual FiLM form, R̂_b = (1 + γ_b) ⊙ R + β_b
 *   (γ_b, β_b broadcast down the rows), and X′_b = X_b R̂_b.
 *
 * R is stored as `alignment_delta` with R = I + alignment_delta, initialised
 * to zeros: core's initialisers have no identity, and this parametrisation
 * starts at R = I (the pretrained input distribution is kept at the start;
 * weight decay pulls towards I rather than towards 0).
 */
export type AlignmentMode = 'film' | 'matrix';

export interface AlignmentOptions {
  mode?: AlignmentMode;
  /** Std of the generator weight init (CaMtl.init_weights: 0.02). */
  std?: number;
}

export function conditionalAlignmentSpecs(
  hidden: number,
  conditionSize = hidden,
  options: AlignmentOptions = {},
): ParamSpec[] {
  const specs = filmSpecs(conditionSize, hidden, options.std ?? 0.02);
  if ((options.mode ?? 'film') === 'matrix') {
    specs.push({ name: 'alignment_delta', shape: [hidden, hidden], init: zeros });
  }
  return specs;
}

/** X [B, L, H], z [B, d_c] (one row per example) → X′ [B, L, H]. */
export function conditionalAlignment(
  p: Params,
  x: tf.Tensor3D,
  z: tf.Tensor2D,
  options: Pick<AlignmentOptions, 'mode'> = {},
): tf.Tensor3D {
  const mode = options.mode ?? 'film';
  if (mode === 'film') return film(p, x, z, { batched: true }) as tf.Tensor3D;
  if (mode === 'matrix') return alignByMatrix(p, x, z);
  throw new CamtlError(
    'BAD_CONFIG',
    `unknown conditional alignment mode "${mode as string}"`,
    "use 'film' or 'matrix'",
  );
}

/**
 * X_b R̂_b with R̂_b = (1 + γ_b) ⊙ R + β_b 1ᵀ-broadcast. Expanding the product,
 * X_b R̂_b = (X_b R) ⊙ (1 + γ_b) + (X_b 1) β_bᵀ, which is exact and never
 * materialises the B matrices R̂_b of [H, H]: one shared matmul plus a row sum.
 */
function alignByMatrix(p: Params, x: tf.Tensor3D, z: tf.Tensor2D): tf.Tensor3D {
  const [B, L, H] = x.shape;
  const delta = p.get('alignment_delta'); // [H, H]
  const { gamma, beta } = filmParams(p, z); // [B, H] each
  const x2 = tf.reshape(x, [B * L, H]); // [B·L, H]: one matmul for the whole batch
  const xr = tf.add(x2, tf.matMul(x2, delta)); // X (I + Δ) = X R, [B·L, H]
  const scaled = tf.mul(tf.reshape(xr, [B, L, H]), tf.reshape(tf.add(gamma, 1), [B, 1, H])); // [B, L, H]
  const rowSum = tf.sum(x, 2, true); // X_b 1, [B, L, 1]
  return tf.add(scaled, tf.mul(rowSum, tf.reshape(beta, [B, 1, H]))) as tf.Tensor3D; // [B, L, H]
}
