import * as tf from '@tensorflow/tfjs-core';
import {
  bertAttention,
  bertLayer,
  checkSpecification,
  getActivation,
  layerNormModule,
  linear,
  linearSpecs,
  mount,
  residualNorm,
  type BertConfig,
  type AttentionModule,
  type LayerModule,
  type NormModule,
} from '@camtl/core';
import { conditionalAttention } from '@camtl/attention';
import {
  conditionalBottleneck,
  conditionalBottleneckSpecs,
  conditionalLayerNorm,
  type BottleneckOptions,
} from '@camtl/hypernet-adapters';
import { clsRow } from './cls-only';
import { hasComponent, type CaMtlConfig } from './config';

/**
 * The reference's conditional self-attention for layer i (bias M(z′) on the
 * scores); without 'conditional-attention', core's plain BERT self-attention
 * (same query/key/value names, no bias).
 */
export function caMtlAttention(cfg: CaMtlConfig, layerIndex: number): AttentionModule {
  const b = cfg.bert;
  const options = {
    hiddenSize: b.hiddenSize,
    numHeads: b.numAttentionHeads,
    attentionDropout: b.attentionProbsDropoutProb,
    initializerRange: b.initializerRange,
    layerIndex,
  };
  if (!hasComponent(cfg, 'conditional-attention')) return bertAttention(options);
  return conditionalAttention({ ...options, maxSeqLength: cfg.maxSeqLength, ...cfg.options.attention });
}

/** A CLN; without 'conditional-layer-norm', the plain LayerNorm with the same weight and bias names. */
export function caMtlLayerNorm(cfg: CaMtlConfig): NormModule {
  const b = cfg.bert;
  if (!hasComponent(cfg, 'conditional-layer-norm')) return layerNormModule(b.hiddenSize, b.layerNormEps);
  return conditionalLayerNorm({
    hiddenSize: b.hiddenSize,
    conditionSize: b.hiddenSize,
    eps: b.layerNormEps,
    std: b.initializerRange,
    ...cfg.options.cln,
  });
}

export function caMtlBottleneckOptions(cfg: CaMtlConfig): BottleneckOptions {
  const { size, activation } = cfg.options.bottleneck ?? {};
  return { hiddenSize: cfg.bert.hiddenSize, bottleneckSize: size, activation, std: cfg.bert.initializerRange };
}

/**
 * A pretrained BERT layer with the attention bias, and CLNs in place of its
 * LayerNorms when `cln` (core's bertLayer checks the plug-ins' specification).
 */
export function conditionalBertLayer(cfg: CaMtlConfig, layerIndex: number, cln: boolean): LayerModule {
  const b = cfg.bert;
  const norm = () => (cln ? caMtlLayerNorm(cfg) : layerNormModule(b.hiddenSize, b.layerNormEps));
  const layer = bertLayer(b, { attention: caMtlAttention(cfg, layerIndex), attentionNorm: norm(), outputNorm: norm() });
  return { ...layer, kind: cln ? 'ca-mtl-cln-layer' : 'ca-mtl-bias-layer' };
}

/**
 * Base's top layer, rebuilt from scratch (reference `MyBertAdapterLayer9`; its
 * sub-modules are renamed `new_*`, so no pretrained weight loads into it):
 *   a = CLN₁(dropout(W_o·attn_M(x)) + x),  f = CLN₂(dropout(FFN(a)) + a),
 *   out = CLN₃(CB(z′, f) + a)  — the adapter's residual is a, not f.
 * Without 'conditional-bottleneck' the layer ends at f (no `adapter.*`, no
 * CLN₃). It stays rebuilt from scratch under every ablation: rebuilding is the
 * base layout, not a task-conditioned component. With `ctx.clsQueryOnly` it
 * computes and returns the [CLS] row alone, [B, 1, H].
 */
export function adapterTopLayer(cfg: CaMtlConfig, layerIndex: number): LayerModule {
  const b: BertConfig = cfg.bert;
  const H = b.hiddenSize;
  const std = b.initializerRange;
  // Built without bertLayer, so the plug-ins' specification is checked here.
  const attention = checkSpecification('attention', caMtlAttention(cfg, layerIndex));
  const [cln1, cln2, cln3] = [1, 2, 3].map(() => checkSpecification('norm', caMtlLayerNorm(cfg)));
  const act = getActivation(b.hiddenAct);
  const rate = b.hiddenDropoutProb;
  const bottleneck = hasComponent(cfg, 'conditional-bottleneck') ? caMtlBottleneckOptions(cfg) : undefined;
  return {
    specificationVersion: 'v1',
    kind: 'ca-mtl-adapter-top-layer',
    paramSpecs: () => [
      ...mount('new_attention.self', attention.paramSpecs()),
      ...linearSpecs('new_attention.output.dense', H, H, std),
      ...mount('new_attention.output.LayerNorm', cln1.paramSpecs()),
      ...linearSpecs('new_intermediate.dense', b.intermediateSize, H, std),
      ...linearSpecs('new_output.dense', H, b.intermediateSize, std),
      ...mount('new_output.LayerNorm', cln2.paramSpecs()),
      ...(bottleneck
        ? [
            ...mount('adapter.bottleneck', conditionalBottleneckSpecs(bottleneck)),
            ...mount('adapter.condlayernorm', cln3.paramSpecs()),
          ]
        : []),
    ],
    apply(p, x, mask, ctx) {
      let context = attention.apply(p.at('new_attention.self'), { hidden: x, mask }, ctx); // [B, S, H]
      let residual = x;
      // The [CLS] row alone (an attention plug-in that ignores the option still gives every row).
      if (ctx.clsQueryOnly) [context, residual] = [clsRow(context), clsRow(x)]; // [B, 1, H]
      const a = residualNorm(p.at('new_attention.output'), cln1, context, residual, rate, ctx);
      const inter = act(linear(p.at('new_intermediate.dense'), a)); // [B, S, I]
      const f = residualNorm(p.at('new_output'), cln2, inter, a, rate, ctx);
      if (!bottleneck) return f;
      const adapted = conditionalBottleneck(p.at('adapter.bottleneck'), f, ctx.taskEmbedding!, bottleneck);
      return cln3.apply(p.at('adapter.condlayernorm'), tf.add(adapted, a), ctx) as tf.Tensor3D;
    },
  };
}
