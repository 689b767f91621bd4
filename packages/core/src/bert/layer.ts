import * as tf from '@tensorflow/tfjs-core';
import { dropout, getActivation, layerNorm, linear } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, ones, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import type { AttentionModule, LayerModule, NormModule } from '../plugins';
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
}

/** Post-LN residual: norm(dropout(dense(y)) + residual). */
export function residualNorm(
  p: Params,
  norm: NormModule,
  y: tf.Tensor,
  residual: tf.Tensor,
  rate: number,
  ctx: ModuleContext,
): tf.Tensor3D {
  const projected = dropout(linear(p.at('dense'), y), rate, ctx);
  return norm.apply(p.at('LayerNorm'), tf.add(projected, residual), ctx) as tf.Tensor3D;
}

/** HF BertLayer: attention block then feed-forward block, both post-LN. */
export function bertLayer(config: BertConfig, parts: BertLayerParts): LayerModule {
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
      ...mount('attention.output.LayerNorm', parts.attentionNorm.paramSpecs()),
      ...linearSpecs('intermediate.dense', config.intermediateSize, H, std),
      ...linearSpecs('output.dense', H, config.intermediateSize, std),
      ...mount('output.LayerNorm', parts.outputNorm.paramSpecs()),
    ],
    apply(p, x, mask, ctx) {
      const context = parts.attention.apply(p.at('attention.self'), { hidden: x, mask }, ctx); // [B, S, H]
      const a = residualNorm(p.at('attention.output'), parts.attentionNorm, context, x, rate, ctx);
      const inter = act(linear(p.at('intermediate.dense'), a)); // [B, S, I]
      return residualNorm(p.at('output'), parts.outputNorm, inter, a, rate, ctx);
    },
  };
}
