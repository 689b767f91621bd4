import * as tf from '@tensorflow/tfjs-core';
import { dropout, getActivation, layerNorm, linear } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, ones, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import {
  checkSpecification,
  type AdapterModule,
  type AttentionModule,
  type LayerModule,
  type NormModule,
} from '../plugins';
import { clsRow } from './attention';
import type { BertConfig } from './config';

/** Prefixes a module's relative specs with where it is mounted. */
export function mount(prefix: string, specs: ParamSpec[]): ParamSpec[] {
  return specs.map((s) => ({ ...s, name: `${prefix}.${s.name}` }));
}

export function linearSpecs(prefix: string, out: number, inDim: number, std: number): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [out, inDim], init: normal(std) },
    { name: `${prefix}.bias`, shape: [out], init: zeros },
  ];
}

/** torch.nn.LayerNorm as a NormModule (weight 1, bias 0). */
export function layerNormModule(hidden: number, eps: number): NormModule {
  return {
    specificationVersion: 'v1',
    kind: 'layer-norm',
    paramSpecs: () => [
      { name: 'weight', shape: [hidden], init: ones },
      { name: 'bias', shape: [hidden], init: zeros },
    ],
    apply: (p, x) => layerNorm(p, x, eps),
  };
}

export interface BertLayerParts {
  attention: AttentionModule;
  /** The LayerNorm after attention (`attention.output.LayerNorm`). */
  attentionNorm: NormModule;
  /** The LayerNorm after the feed-forward block (`output.LayerNorm`). */
  outputNorm: NormModule;
  /** Optional adapter on the attention output projection (`attention.output.adapter`). */
  attentionAdapter?: AdapterModule;
  /** Optional adapter on the feed-forward output projection (`output.adapter`). */
  outputAdapter?: AdapterModule;
}

/** Post-LN residual: norm(dropout(adapter(dense(y))) + residual). */
export function residualNorm(
  p: Params,
  norm: NormModule,
  y: tf.Tensor,
  residual: tf.Tensor,
  rate: number,
  ctx: ModuleContext,
  adapter?: AdapterModule,
): tf.Tensor3D {
  let projected = linear(p.at('dense'), y) as tf.Tensor3D; // [B, S, H]
  if (adapter) projected = adapter.apply(p.at('adapter'), projected, ctx);
  return norm.apply(p.at('LayerNorm'), tf.add(dropout(projected, rate, ctx), residual), ctx) as tf.Tensor3D;
}

/** Refuses parts written against a plug-in specification this core does not implement. */
function checkParts(parts: BertLayerParts): void {
  checkSpecification('attention', parts.attention);
  checkSpecification('norm', parts.attentionNorm);
  checkSpecification('norm', parts.outputNorm);
  if (parts.attentionAdapter) checkSpecification('adapter', parts.attentionAdapter);
  if (parts.outputAdapter) checkSpecification('adapter', parts.outputAdapter);
}

/**
 * HF BertLayer: attention block then feed-forward block, both post-LN. With
 * `ctx.clsQueryOnly` it returns the [CLS] row alone, [B, 1, H]; an attention
 * plug-in that ignores the option still gives every row, and row 0 is kept.
 */
export function bertLayer(config: BertConfig, parts: BertLayerParts): LayerModule {
  checkParts(parts);
  const H = config.hiddenSize;
  const std = config.initializerRange;
  const act = getActivation(config.hiddenAct);
  const rate = config.hiddenDropoutProb;
  return {
    specificationVersion: 'v1',
    kind: 'bert-layer',
    paramSpecs: () => [
      ...mount('attention.self', parts.attention.paramSpecs()),
      ...linearSpecs('attention.output.dense', H, H, std),
      ...mount('attention.output.adapter', parts.attentionAdapter?.paramSpecs() ?? []),
      ...mount('attention.output.LayerNorm', parts.attentionNorm.paramSpecs()),
      ...linearSpecs('intermediate.dense', config.intermediateSize, H, std),
      ...linearSpecs('output.dense', H, config.intermediateSize, std),
      ...mount('output.adapter', parts.outputAdapter?.paramSpecs() ?? []),
      ...mount('output.LayerNorm', parts.outputNorm.paramSpecs()),
    ],
    apply(p, x, mask, ctx) {
      let context = parts.attention.apply(p.at('attention.self'), { hidden: x, mask }, ctx); // [B, S, H]
      let residual = x;
      if (ctx.clsQueryOnly) [context, residual] = [clsRow(context), clsRow(x)]; // [B, 1, H]
      const a = residualNorm(
        p.at('attention.output'),
        parts.attentionNorm,
        context,
        residual,
        rate,
        ctx,
        parts.attentionAdapter,
      );
      const inter = act(linear(p.at('intermediate.dense'), a)); // [B, S, I]
      return residualNorm(p.at('output'), parts.outputNorm, inter, a, rate, ctx, parts.outputAdapter);
    },
  };
}
