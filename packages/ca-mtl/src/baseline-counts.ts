import { numel, parseBertConfig, summarize, type LossWeighting, type ParamSpec } from '@camtl/core';
import {
  HyperformerDefinition,
  hyperformerComponent,
  hyperformerTrainable,
  type HyperformerAdapterOptions,
} from '@camtl/hypernet-adapters';
import { resolveNumLabels } from './config';
import { PRESET_BACKBONES, type ParamCounts } from './counts';
import { caMtlComponent, referenceTrainable, type FreezeOptions } from './freeze';
import { MtlBertDefinition } from './mtl-bert';

/** The baselines' counts: the backbone of a CA-MTL preset (bert-base-cased / bert-large-cased) or a given config. */
export interface BaselineCountOptions {
  backbone: 'base' | 'large';
  tasks: string[];
  numLabels?: number[];
  /** A BERT config.json to use instead of the preset backbone. */
  bertConfig?: Record<string, unknown>;
  lossWeighting?: LossWeighting;
  /** MTL-BERT only: the reference freezing rule, as for CA-MTL. */
  freeze?: [number, number];
  freezeOptions?: FreezeOptions;
  /** Hyperformer only: adapter and hypernetwork sizes. */
  adapter?: HyperformerAdapterOptions;
}

function baseConfig(o: BaselineCountOptions) {
  return {
    bert: parseBertConfig(
      o.bertConfig ?? PRESET_BACKBONES[o.backbone],
      o.bertConfig ? 'config.json' : `${o.backbone} preset`,
    ),
    maxSeqLength: 128, // no parameter depends on it
    tasks: o.tasks,
    numLabelsPerTask: resolveNumLabels(o.tasks, o.numLabels),
    options: o.lossWeighting ? { lossWeighting: o.lossWeighting } : {},
  };
}

function counts(specs: ParamSpec[], trainable: (n: string) => boolean, groupOf: (n: string) => string): ParamCounts {
  const infos = specs.map((s) => ({ name: s.name, shape: s.shape, trainable: trainable(s.name) }));
  const perLayerTotal: Record<string, number> = {};
  for (const s of specs) {
    const m = /^bert\.encoder\.layer\.(\d+)\./.exec(s.name);
    if (m) perLayerTotal[m[1]] = (perLayerTotal[m[1]] ?? 0) + numel(s.shape);
  }
  return { ...summarize(infos, groupOf), perLayerTotal };
}

/** Exact counts of MTL-BERT (plain BERT + pooler + one head per task) from shapes alone. */
export function mtlBertParamCounts(o: BaselineCountOptions): ParamCounts {
  const specs = new MtlBertDefinition(baseConfig(o)).specs();
  const trainable = (n: string) => (o.freeze ? referenceTrainable(n, o.freeze, o.freezeOptions) : true);
  return counts(specs, trainable, caMtlComponent);
}

/** Exact counts of Hyperformer++ on the backbone (BERT frozen except its LayerNorms) from shapes alone. */
export function hyperformerParamCounts(o: BaselineCountOptions): ParamCounts {
  const specs = new HyperformerDefinition({ ...baseConfig(o), adapter: o.adapter ?? {} }).specs();
  return counts(specs, hyperformerTrainable, hyperformerComponent);
}
