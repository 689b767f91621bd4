import {
  CamtlError,
  type BertConfig,
  type FileSystem,
  type LoadReport,
  type LossWeighting,
  type ModuleContext,
  type MultiTaskModel,
  type ParamSummary,
} from '@camtl/core';
import {
  createHyperformer,
  isHyperformerConfig,
  loadHyperformer,
  type HyperformerAdapterOptions,
} from '@camtl/hypernet-adapters';
import type { CaMtlInputs, CaMtlOutputs } from './ca-mtl-definition';
import { createCaMtl, loadCaMtl, type CreateCaMtlOptions } from './ca-mtl-model';
import { isCaMtlConfig, resolveNumLabels } from './config';
import { createMtlBert, isMtlBertConfig, loadMtlBert } from './mtl-bert';

/** The multi-task models camtl trains: CA-MTL, and the two baselines. */
export type Architecture = 'ca-mtl' | 'mtl-bert' | 'hyperformer';
export const ARCHITECTURES: readonly Architecture[] = ['ca-mtl', 'mtl-bert', 'hyperformer'];

/** What the CLI needs of any of them: the trainer's interface, the config basics, forward outputs, counts. */
export interface CamtlMultiTaskModel extends MultiTaskModel {
  readonly kind: Architecture;
  readonly config: { bert: BertConfig; tasks: string[]; numLabelsPerTask: number[]; maxSeqLength: number };
  forward(inputs: CaMtlInputs, ctx?: ModuleContext): Omit<CaMtlOutputs, 'intermediates'>;
  summary(): ParamSummary;
  dispose(): void;
}

export interface CreateModelOptions extends CreateCaMtlOptions {
  architecture?: Architecture;
  lossWeighting?: LossWeighting;
  /** Hyperformer's adapter and hypernetwork sizes. */
  adapter?: HyperformerAdapterOptions;
}

/**
 * A new model of `architecture` from a BERT checkpoint or config. CA-MTL takes
 * `variant`, `options` and freezing; MTL-BERT takes the same freezing rule;
 * Hyperformer freezes BERT its own way (except its LayerNorms) and ignores `freeze`.
 */
export async function createMultiTaskModel(
  o: CreateModelOptions,
): Promise<{ model: CamtlMultiTaskModel; report: LoadReport }> {
  const architecture = o.architecture ?? 'ca-mtl';
  const common = {
    ...{ base: o.base, bertConfig: o.bertConfig, fs: o.fs },
    ...{ tasks: o.tasks, taskKinds: o.taskKinds, maxSeqLength: o.maxSeqLength },
  };
  const more = { seed: o.seed, lossWeighting: o.lossWeighting, headDropout: o.options?.headDropout };
  switch (architecture) {
    case 'ca-mtl': {
      const options = o.lossWeighting ? { ...o.options, lossWeighting: o.lossWeighting } : o.options;
      return createCaMtl({ ...o, options });
    }
    case 'mtl-bert':
      return createMtlBert({ ...common, ...more, numLabels: o.numLabels, freeze: o.freeze });
    case 'hyperformer': {
      const numLabels = resolveNumLabels(o.tasks, o.numLabels);
      return createHyperformer({ ...common, ...more, numLabels, adapter: o.adapter });
    }
    default:
      throw new CamtlError(
        'BAD_CONFIG',
        `unknown architecture "${String(architecture)}"`,
        'use ca-mtl, mtl-bert or hyperformer',
      );
  }
}

/** Whether a config.json is one of camtl's multi-task models (CA-MTL, MTL-BERT, Hyperformer), not a plain BERT. */
export function isMultiTaskConfig(raw: unknown): boolean {
  return isCaMtlConfig(raw) || isMtlBertConfig(raw) || isHyperformerConfig(raw);
}

/** Loads a saved multi-task model folder of any architecture, by its config.json. */
export async function loadMultiTaskModel(
  dir: string,
  fs: FileSystem,
  options: { strict?: boolean } = {},
): Promise<{ model: CamtlMultiTaskModel; report: LoadReport }> {
  const config = await readConfig(dir, fs);
  if (isMtlBertConfig(config)) return loadMtlBert(dir, fs, options);
  if (isHyperformerConfig(config)) return loadHyperformer(dir, fs, options);
  return loadCaMtl(dir, fs, options);
}

/** config.json alone (the weights are read once, by the loader); unreadable ⇒ loadCaMtl reports why. */
async function readConfig(dir: string, fs: FileSystem): Promise<unknown> {
  try {
    return JSON.parse(await fs.readText(fs.join(dir, 'config.json')));
  } catch {
    return undefined;
  }
}
