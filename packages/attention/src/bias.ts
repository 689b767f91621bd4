import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, film, filmSpecs, mount, zeros, type ParamSpec, type Params } from '@camtl/core';
import { blockDiagonalIndex, blockLayout, type BlockLayoutOptions } from './layout';

/**
 * CA-MTL's task-conditioned attention bias M(z) (reference `CBDA` inside
 * `MyBertSelfAttention9`). Parameters, relative to the layer's `attention.self`,
 * keep the reference names so reference checkpoints load unchanged:
 *
 * | name                                     | shared (default) | perHead       |
 * |------------------------------------------|------------------|---------------|
 * | `random_weight_matrix` (A, zeros)        | [L, c]           | [h, L, c]     |
 * | `cond_block_diag_attn.gb_weights.weight` | [2c, d_c]        | [2·h·c, d_c]  |
 * | `cond_block_diag_attn.gb_weights.bias`   | [2c]             | [2·h·c]       |
 *
 * d_c is the condition width (default H). Per head, the generator output is
 * [γ | β] with each half laid out head-major, [h, c] flattened (γ of head k is
 * columns k·c … k·c + c − 1 of the first half), so FiLM stays the one shared
 * primitive with γ the first half and β the second.
 */
export interface AttentionBiasOptions extends BlockLayoutOptions {
  /** One bias per head instead of one shared by all heads (the reference). */
  perHead?: boolean;
  /** h; required with `perHead`. */
  numHeads?: number;
  /** Width of the condition z′ (default hiddenSize). */
  conditionSize?: number;
}

export const BIAS_MATRIX = 'random_weight_matrix';
export const BIAS_GENERATOR = 'cond_block_diag_attn';

function headCount(options: AttentionBiasOptions): number {
  if (!options.perHead) return 1;
  const h = options.numHeads;
  if (h === undefined || !Number.isInteger(h) || h < 1) {
    throw new CamtlError('BAD_CONFIG', `attention bias: perHead needs numHeads (a positive integer), got ${h}`);
  }
  return h;
}

/** Parameter specs of M(z), relative to `attention.self`. */
export function attentionBiasSpecs(options: AttentionBiasOptions & { initializerRange?: number }): ParamSpec[] {
  const { blockSize: c } = blockLayout(options);
  const h = headCount(options);
  const L = options.maxSeqLength;
  const matrixShape = options.perHead ? [h, L, c] : [L, c];
  return [
    // Zero at init, as the reference: M then starts as β(z′) only, near no bias.
    { name: BIAS_MATRIX, shape: matrixShape, init: zeros },
    ...mount(
      BIAS_GENERATOR,
      filmSpecs(options.conditionSize ?? options.hiddenSize, h * c, options.initializerRange ?? 0.02),
    ),
  ];
}

function checkInputs(p: Params, condition: tf.Tensor, seqLen: number, options: AttentionBiasOptions, c: number): void {
  const L = options.maxSeqLength;
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > L) {
    throw new CamtlError(
      'BAD_INPUT',
      `attention bias: sequence length ${seqLen} is longer than maxSeqLength ${L}`,
      `pad or truncate batches to at most ${L} tokens, or build the attention with maxSeqLength ≥ ${seqLen}`,
    );
  }
  const d = options.conditionSize ?? options.hiddenSize;
  if (condition.rank !== 2 || condition.shape[1] !== d) {
    throw new CamtlError('SHAPE_MISMATCH', `attention bias: condition must be [B, ${d}], got [${condition.shape}]`);
  }
  const a = p.get(BIAS_MATRIX);
  const want = options.perHead ? [headCount(options), L, c] : [L, c];
  if (a.shape.join() !== want.join()) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `${p.prefix ? p.prefix + '.' : ''}${BIAS_MATRIX}: expected [${want}], got [${a.shape}]`,
      'the checkpoint was built for another maxSeqLength, block layout or perHead setting',
    );
  }
}

/**
 * [R, L′, c] → [R, L′, L′]: places row chunks of c on the diagonal and drops
 * the columns past L′, as `block_diag(*chunk(Ã))[:, :L]`, with one gather.
 */
function blockDiagonal(aTilde: tf.Tensor3D): tf.Tensor3D {
  const [R, S, c] = aTilde.shape;
  const flat = tf.reshape(aTilde, [R, S * c]); // [R, L′·c]
  // A trailing zero (index L′·c) is what every off-block entry gathers.
  const padded = tf.pad(flat, [
    [0, 0],
    [0, 1],
  ]); // [R, L′·c + 1]
  const index = tf.tensor1d(blockDiagonalIndex(S, c), 'int32'); // [L′·L′]
  const m = tf.gather(padded, index, 1); // [R, L′·L′]
  return tf.reshape(m, [R, S, S]) as tf.Tensor3D; // [R, L′, L′]
}

/** Ã_b = (1 + γ(z′_b)) ⊙ A[:L′] + β(z′_b), one bias shared by the heads: [B, L′, c]. */
function modulateShared(p: Params, condition: tf.Tensor2D, seqLen: number): tf.Tensor3D {
  const a = p.get(BIAS_MATRIX) as tf.Tensor2D; // [L, c]
  const rows = tf.slice(a, [0, 0], [seqLen, a.shape[1]]); // [L′, c]
  return film(p.at(BIAS_GENERATOR), rows, condition, { batched: false }) as tf.Tensor3D; // [B, L′, c]
}

/** Per head: Ã_{b,k} = (1 + γ_k(z′_b)) ⊙ A_k[:L′] + β_k(z′_b), as [B·h, L′, c]. */
function modulatePerHead(p: Params, condition: tf.Tensor2D, seqLen: number): tf.Tensor3D {
  const a = p.get(BIAS_MATRIX) as tf.Tensor3D; // [h, L, c]
  const [h, , c] = a.shape;
  const B = condition.shape[0];
  const rows = tf.slice(a, [0, 0, 0], [h, seqLen, c]); // [h, L′, c]
  // FiLM modulates the last axis: lay the heads side by side in it, head-major.
  const wide = tf.reshape(tf.transpose(rows, [1, 0, 2]), [seqLen, h * c]); // [L′, h·c]
  const mod = film(p.at(BIAS_GENERATOR), wide, condition, { batched: false }); // [B, L′, h·c]
  const split = tf.reshape(mod, [B, seqLen, h, c]); // [B, L′, h, c]
  const byHead = tf.transpose(split, [0, 2, 1, 3]); // [B, h, L′, c]
  return tf.reshape(byHead, [B * h, seqLen, c]) as tf.Tensor3D; // [B·h, L′, c]
}

/**
 * M(z′) for a batch padded to L′ ≤ L: the top-left L′×L′ of the reference's
 * L×L bias (M[b, i, j] depends only on i, j and z′_b, so only those rows are
 * computed). `condition` is z′ per example, [B, d_c]; every row has its own,
 * so mixed-task batches need no loop. Returns [B, L′, L′], or [B, h, L′, L′]
 * with `perHead`. `p` is the layer's `attention.self`.
 */
export function conditionalAttentionBias(
  p: Params,
  condition: tf.Tensor2D,
  seqLen: number,
  options: AttentionBiasOptions,
): tf.Tensor3D | tf.Tensor4D {
  checkInputs(p, condition, seqLen, options, blockLayout(options).blockSize);
  return tf.tidy(() => {
    if (!options.perHead) return blockDiagonal(modulateShared(p, condition, seqLen));
    const h = headCount(options);
    const m = blockDiagonal(modulatePerHead(p, condition, seqLen)); // [B·h, L′, L′]
    return tf.reshape(m, [condition.shape[0], h, seqLen, seqLen]) as tf.Tensor4D; // [B, h, L′, L′]
  });
}
