// @camtl/attention — standard multi-head self-attention and CA-MTL's
// conditional self-attention (task-conditioned block-diagonal bias M(z)),
// as @camtl/core attention plug-ins (factories for BertModelOptions.attention).
export { blockDiagonalIndex, blockLayout, type BlockLayout, type BlockLayoutOptions } from './layout';
export {
  BIAS_GENERATOR,
  BIAS_MATRIX,
  attentionBiasSpecs,
  conditionalAttentionBias,
  type AttentionBiasOptions,
} from './bias';
export { multiHeadAttention } from './multi-head';
export { conditionalAttention, type ConditionalAttentionOptions } from './conditional';
