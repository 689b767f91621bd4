import { bertAttention, type AttentionModule, type AttentionOptions } from '@camtl/core';

/**
 * The standard BERT self-attention (HF `BertSelfAttention`), of kind
 * "multi-head". The maths and parameters are the core's own `bertAttention`,
 * so the two are interchangeable; this factory only gives the plug-in family a
 * uniform entry point next to `conditionalAttention`.
 */
export function multiHeadAttention(options: AttentionOptions): AttentionModule {
  const base = bertAttention(options);
  return {
    specificationVersion: 'v1',
    kind: 'multi-head',
    paramSpecs: () => base.paramSpecs(),
    apply: (p, inputs, ctx) => base.apply(p, inputs, ctx),
  };
}
