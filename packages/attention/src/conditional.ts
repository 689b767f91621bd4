import * as tf from '@tensorflow/tfjs-core';
import {
  CamtlError,
  multiHeadSelfAttention,
  selfAttentionSpecs,
  type AttentionModule,
  type AttentionOptions,
  type ModuleContext,
} from '@camtl/core';
import { attentionBiasSpecs, conditionalAttentionBias, type AttentionBiasOptions } from './bias';
import { blockLayout } from './layout';

export type ConditionalAttentionOptions = AttentionOptions & {
  /** L: the longest batch the bias is built for; shorter batches use its top-left. */
  maxSeqLength: number;
  blocks?: number;
  blockSize?: number;
  perHead?: boolean;
  /** Width of ctx.taskEmbedding (default hiddenSize). */
  conditionSize?: number;
};

function biasOptions(options: ConditionalAttentionOptions): AttentionBiasOptions {
  const { hiddenSize, numHeads, maxSeqLength, blocks, blockSize, perHead, conditionSize } = options;
  if (maxSeqLength === undefined) {
    throw new CamtlError(
      'BAD_CONFIG',
      'conditional attention needs maxSeqLength (the size of the attention bias M)',
      'pass maxSeqLength (CA-MTL config "max_seq_length") in the attention options',
    );
  }
  if (!Number.isInteger(numHeads) || numHeads < 1 || hiddenSize % numHeads !== 0) {
    throw new CamtlError('BAD_CONFIG', `hidden size ${hiddenSize} is not a multiple of ${numHeads} attention heads`);
  }
  const resolved = { hiddenSize, numHeads, maxSeqLength, blocks, blockSize, perHead: !!perHead, conditionSize };
  blockLayout(resolved); // fail at construction, not at the first batch
  return resolved;
}

/** z′ from the context, checked against the batch: [B, d_c]. */
function taskEmbedding(ctx: ModuleContext, batch: number, width: number): tf.Tensor2D {
  const z = ctx.taskEmbedding;
  if (!z) {
    throw new CamtlError(
      'BAD_INPUT',
      'conditional attention needs ctx.taskEmbedding (the transformed task embedding z′, [B, H])',
      'set ctx.taskEmbedding to z′ = task_transformation(E_task[taskIds]) before running the encoder',
    );
  }
  if (z.rank !== 2 || z.shape[0] !== batch || z.shape[1] !== width) {
    throw new CamtlError(
      'SHAPE_MISMATCH',
      `ctx.taskEmbedding must be [${batch}, ${width}] (one row per example), got [${z.shape}]`,
    );
  }
  return z;
}

/**
 * CA-MTL's conditional self-attention (reference `MyBertSelfAttention9`):
 * scores = QKᵀ/√d + M(z′) + mask, softmax, dropout, ·V. M is added before the
 * padding mask, as the reference, and is one bias broadcast over the heads
 * unless `perHead`. Its kind is "conditional".
 */
export function conditionalAttention(options: ConditionalAttentionOptions): AttentionModule {
  const bias = biasOptions(options);
  const width = options.conditionSize ?? options.hiddenSize;
  return {
    specificationVersion: 'v1',
    kind: 'conditional',
    paramSpecs: () => [
      ...selfAttentionSpecs(options.hiddenSize, options.initializerRange),
      ...attentionBiasSpecs({ ...bias, initializerRange: options.initializerRange }),
    ],
    apply: (p, { hidden, mask }, ctx) =>
      tf.tidy(() => {
        const [B, S] = hidden.shape;
        const z = taskEmbedding(ctx, B, width);
        const m = conditionalAttentionBias(p, z, S, bias); // [B, S, S] or [B, h, S, S]
        const scoreBias = bias.perHead ? m : tf.expandDims(m, 1); // [B, 1|h, S, S]
        const dropoutRate = options.attentionDropout;
        return multiHeadSelfAttention(p, hidden, { numHeads: options.numHeads, mask, dropoutRate, scoreBias }, ctx);
      }),
  };
}
