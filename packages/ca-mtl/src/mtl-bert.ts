// The MTL-BERT baseline lives in @camtl/core as `multiTaskBert` / `MultiTaskBert`,
// where a composer finds it. These are CA-MTL's names for it, with CA-MTL's
// extras: GLUE's default label counts, its parameter grouping and freezing rule.
import {
  CamtlError,
  MULTI_TASK_BERT_MODEL,
  MultiTaskBert,
  createMultiTaskBert,
  isMultiTaskBertConfig,
  loadHfCheckpoint,
  multiTaskBertConfigToJson,
  parseMultiTaskBertConfig,
  storeFromSpecs,
  summarizeStore,
  MultiTaskBertDefinition,
  type FileSystem,
  type HfCheckpoint,
  type LoadReport,
  type LossWeighting,
  type ModuleContext,
  type MultiTaskBertConfig,
  type MultiTaskModel,
  type ParamSummary,
  type TaskKind,
} from '@camtl/core';
import type { CaMtlInputs, CaMtlOutputs } from './ca-mtl-definition';
import { resolveNumLabels } from './config';
import { caMtlComponent, freezeEncoderLayers, type FreezeOptions } from './freeze';

/**
 * The reference's vanilla MTL baseline (spec §2.1, `src/model/encoders/bert.py`):
 * any model name other than the CA-MTL ids gives a plain `BertModel` — every
 * pretrained layer, the top one included, and the pooler — under the same
 * per-task heads (`decoders.T.model`) and the same loss as CA-MTL.
 */
export type MtlBertConfig = MultiTaskBertConfig;

export const MTL_BERT_MODEL = MULTI_TASK_BERT_MODEL;

export const isMtlBertConfig = isMultiTaskBertConfig;

export const mtlBertConfigToJson = multiTaskBertConfigToJson;

/** Which parameters exist and how they compute: BERT without its classifier, then the per-task heads. */
export { MultiTaskBertDefinition as MtlBertDefinition };

/** An MTL-BERT definition plus its weights: core's `MultiTaskBert` with CA-MTL's grouping and freezing. */
export class MtlBertModel extends MultiTaskBert implements MultiTaskModel {
  override forward(inputs: CaMtlInputs, ctx?: ModuleContext): CaMtlOutputs {
    return super.forward(inputs, ctx);
  }

  override summary(): ParamSummary {
    return summarizeStore(this.store, caMtlComponent);
  }

  /** The same rule as CA-MTL's: layers [a, b] and the embeddings (spec §2.3). */
  freeze(range: [number, number], options: FreezeOptions = {}): string[] {
    return freezeEncoderLayers(this.store, range, options);
  }
}

/** core's parser, with GLUE's label counts when config.json has no num_labels_per_task. */
export function parseMtlBertConfig(raw: unknown, source = 'config.json'): MtlBertConfig {
  if (!isMtlBertConfig(raw))
    throw new CamtlError('BAD_CONFIG', `${source}: not an MTL-BERT config (no "camtl_model": "mtl-bert")`);
  const r = raw as Record<string, unknown>;
  if (r.num_labels_per_task !== undefined || !Array.isArray(r.tasks)) return parseMultiTaskBertConfig(raw, source);
  const numLabels = resolveNumLabels(r.tasks as string[], undefined, source);
  return parseMultiTaskBertConfig({ ...r, num_labels_per_task: numLabels }, source);
}

export interface CreateMtlBertOptions {
  /** A HF BERT folder (or a checkpoint already read); omit for a fresh model from `bertConfig`. */
  base?: string | HfCheckpoint;
  bertConfig?: Record<string, unknown>;
  fs?: FileSystem;
  tasks: string[];
  /** Classes per task (default: GLUE's counts for GLUE task names). */
  numLabels?: number[];
  /** Each task's kind (default: one label is regression, more are classification). */
  taskKinds?: TaskKind[];
  maxSeqLength?: number;
  /** Freeze layers [a, b] and the embeddings (the reference rule, as for CA-MTL). */
  freeze?: [number, number];
  seed?: number;
  lossWeighting?: LossWeighting;
  /** Dropout before each task head (the reference Decoder: 0.1). */
  headDropout?: number;
}

/** A new MTL-BERT: every BERT tensor from `base` when given (heads new), else freshly initialised. */
export async function createMtlBert(
  options: CreateMtlBertOptions,
): Promise<{ model: MtlBertModel; report: LoadReport }> {
  if (typeof options.base === 'string' && !options.fs)
    throw new CamtlError('BAD_INPUT', 'createMtlBert: a base folder needs a FileSystem (options.fs)');
  const { freeze, numLabels, ...rest } = options;
  const created = await createMultiTaskBert({ ...rest, numLabels: resolveNumLabels(options.tasks, numLabels) });
  // Same definition and store, CA-MTL's class: nothing is copied.
  const model = new MtlBertModel(created.model.definition, created.model.store);
  if (freeze) model.freeze(freeze);
  return { model, report: created.report };
}

/** Loads an MTL-BERT folder saved by `save` (every tensor must be there). */
export async function loadMtlBert(
  dir: string,
  fs: FileSystem,
  options: { strict?: boolean } = {},
): Promise<{ model: MtlBertModel; report: LoadReport }> {
  const ckpt = await loadHfCheckpoint(dir, fs);
  const definition = new MultiTaskBertDefinition(parseMtlBertConfig(ckpt.config, fs.join(dir, 'config.json')));
  const { store, report } = storeFromSpecs(definition.specs(), ckpt, { strict: options.strict ?? true });
  return { model: new MtlBertModel(definition, store), report };
}
