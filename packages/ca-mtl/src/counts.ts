import { numel, parseBertConfig, summarize, type ParamSummary } from '@camtl/core';
import { resolveNumLabels, resolveOptions, type CaMtlConfig, type CaMtlOptions, type CaMtlVariant } from './config';
import { caMtlComponent, referenceTrainable, type FreezeOptions } from './freeze';
import { CaMtlDefinition } from './ca-mtl-definition';

/** The backbones of the reference presets (spec §2.1): bert-base-cased and bert-large-cased. */
export const PRESET_BACKBONES: Record<CaMtlVariant, Record<string, unknown>> = {
  base: {
    model_type: 'bert',
    vocab_size: 28996,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
  },
  large: {
    model_type: 'bert',
    vocab_size: 28996,
    hidden_size: 1024,
    num_hidden_layers: 24,
    num_attention_heads: 16,
    intermediate_size: 4096,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    layer_norm_eps: 1e-12,
  },
};

export interface PresetCountOptions {
  variant: CaMtlVariant;
  tasks: string[];
  numLabels?: number[];
  maxSeqLength?: number;
  /** A BERT config.json to use instead of the preset backbone. */
  bertConfig?: Record<string, unknown>;
  options?: CaMtlOptions;
  freeze?: [number, number];
  freezeOptions?: FreezeOptions;
}

export interface ParamCounts extends ParamSummary {
  /** Totals of `bert.encoder.layer.N.*` per layer N. */
  perLayerTotal: Record<string, number>;
}

export function presetConfig(o: PresetCountOptions): CaMtlConfig {
  return {
    bert: parseBertConfig(
      o.bertConfig ?? PRESET_BACKBONES[o.variant],
      o.bertConfig ? 'config.json' : `${o.variant} preset`,
    ),
    variant: o.variant,
    maxSeqLength: o.maxSeqLength ?? 128,
    tasks: o.tasks,
    numLabelsPerTask: resolveNumLabels(o.tasks, o.numLabels),
    options: resolveOptions(o.options ?? {}),
  };
}

/** Exact parameter counts of a CA-MTL preset from shapes alone: nothing is allocated. */
export function caMtlParamCounts(o: PresetCountOptions): ParamCounts {
  const specs = new CaMtlDefinition(presetConfig(o)).specs();
  const infos = specs.map((s) => ({
    name: s.name,
    shape: s.shape,
    trainable: o.freeze ? referenceTrainable(s.name, o.freeze, o.freezeOptions) : true,
  }));
  const perLayerTotal: Record<string, number> = {};
  for (const s of specs) {
    const m = /^bert\.encoder\.layer\.(\d+)\./.exec(s.name);
    if (m) perLayerTotal[m[1]] = (perLayerTotal[m[1]] ?? 0) + numel(s.shape);
  }
  return { ...summarize(infos, caMtlComponent), perLayerTotal };
}
