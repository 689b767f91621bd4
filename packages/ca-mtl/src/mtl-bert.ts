import {
  multiTaskConfigToJson,
  MultiTaskModelBase,
  BertDefinition,
  CamtlError,
  checkLossWeighting,
  evalContext,
  headLayout,
  parseTaskKinds,
  type TaskKind,
  headSpecs,
  loadHfCheckpoint,
  lossWeightingSpecs,
  multiTaskObjective,
  parseBertConfig,
  saveHfCheckpoint,
  storeFromSpecs,
  summarizeStore,
  type BertConfig,
  type FileSystem,
  type HeadLayout,
  type HfCheckpoint,
  type LoadReport,
  type LossWeighting,
  type ModuleContext,
  type MultiTaskModel,
  type ParamSpec,
  type ParamStore,
  type ParamSummary,
  type Params,
} from '@camtl/core';
import type { CaMtlInputs, CaMtlOutputs } from './ca-mtl-definition';
import { clsOnlyForward } from './cls-only';
import { resolveNumLabels } from './config';
import { caMtlComponent, freezeEncoderLayers, type FreezeOptions } from './freeze';

/**
 * The reference's vanilla MTL baseline (spec §2.1, `src/model/encoders/bert.py`):
 * any model name other than the CA-MTL ids gives a plain `BertModel` — every
 * pretrained layer, the top one included, and the pooler — under the same
 * per-task heads (`decoders.T.model`) and the same loss as CA-MTL.
 */
export interface MtlBertConfig {
  bert: BertConfig;
  maxSeqLength: number;
  tasks: string[];
  numLabelsPerTask: number[];
  /** Each task's kind (absent: one label is regression, more are classification). config.json `task_kinds`. */
  taskKinds?: TaskKind[];
  options: { headDropout?: number; lossWeighting?: LossWeighting };
}

export const MTL_BERT_MODEL = 'mtl-bert';

export function isMtlBertConfig(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && (raw as Record<string, unknown>).camtl_model === MTL_BERT_MODEL;
}

/** Which parameters exist and how they compute: BERT without its classifier, then the per-task heads. */
export class MtlBertDefinition {
  readonly bert: BertDefinition;
  readonly heads: HeadLayout;

  constructor(readonly config: MtlBertConfig) {
    this.bert = new BertDefinition(config.bert, { classifier: false });
    this.heads = headLayout(config.numLabelsPerTask, config.taskKinds);
  }

  specs(): ParamSpec[] {
    const { bert, numLabelsPerTask, tasks, options } = this.config;
    return [
      ...this.bert.specs(),
      ...headSpecs(numLabelsPerTask, bert.hiddenSize, bert.initializerRange, this.config.taskKinds),
      ...lossWeightingSpecs(options.lossWeighting, tasks.length),
    ];
  }

  forward(root: Params, inputs: CaMtlInputs, ctx: ModuleContext = evalContext()): CaMtlOutputs {
    const [B, S] = inputs.inputIds.shape;
    if (inputs.taskIds.shape[0] !== B)
      throw new CamtlError('BAD_INPUT', `task ids: ${inputs.taskIds.shape[0]} for a batch of ${B}`);
    if (S > this.config.maxSeqLength)
      throw new CamtlError(
        'BAD_INPUT',
        `sequence length ${S} is longer than max_seq_length ${this.config.maxSeqLength}`,
      );
    const out = this.bert.forward(root, inputs, ctx, { clsOnly: clsOnlyForward(ctx, this.heads.kinds) });
    const pooled = out.pooledOutput!;
    const encoded = { sequence: out.lastHiddenState, pooled };
    const heads = multiTaskObjective(root, encoded, inputs, this.heads, this.config.options, ctx);
    return { sequenceOutput: out.lastHiddenState, pooledOutput: pooled, ...heads };
  }
}

/** An MTL-BERT definition plus its weights: a `MultiTaskModel` the core trainer can train. */
export class MtlBertModel extends MultiTaskModelBase<MtlBertConfig> implements MultiTaskModel {
  readonly kind = MTL_BERT_MODEL;

  declare readonly definition: MtlBertDefinition;

  constructor(definition: MtlBertDefinition, store: ParamStore) {
    super(definition, store);
  }

  forward(inputs: CaMtlInputs, ctx: ModuleContext = evalContext()): CaMtlOutputs {
    return this.definition.forward(this.store.view(), inputs, ctx);
  }

  async save(dir: string, fs: FileSystem): Promise<void> {
    await saveHfCheckpoint(
      dir,
      { config: mtlBertConfigToJson(this.config), tensors: await this.store.toTensors() },
      fs,
    );
  }

  summary(): ParamSummary {
    return summarizeStore(this.store, caMtlComponent);
  }

  /** The same rule as CA-MTL's: layers [a, b] and the embeddings (spec §2.3). */
  freeze(range: [number, number], options: FreezeOptions = {}): string[] {
    return freezeEncoderLayers(this.store, range, options);
  }
}

/** config.json: the BERT config plus `camtl_model: "mtl-bert"`, max_seq_length, tasks, num_labels_per_task. */
export function mtlBertConfigToJson(cfg: MtlBertConfig): Record<string, unknown> {
  return multiTaskConfigToJson(cfg, { camtl_model: MTL_BERT_MODEL });
}

export function parseMtlBertConfig(raw: unknown, source = 'config.json'): MtlBertConfig {
  if (!isMtlBertConfig(raw))
    throw new CamtlError('BAD_CONFIG', `${source}: not an MTL-BERT config (no "camtl_model": "mtl-bert")`);
  const r = raw as Record<string, unknown>;
  const maxSeqLength = r.max_seq_length as number;
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 1)
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: "max_seq_length" must be a positive integer, got ${JSON.stringify(r.max_seq_length)}`,
    );
  const tasks = r.tasks as string[];
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string'))
    throw new CamtlError('BAD_CONFIG', `${source}: "tasks" must be a non-empty list of task names`);
  const options = (r.camtl_options as MtlBertConfig['options'] | undefined) ?? {};
  checkLossWeighting(options.lossWeighting, `${source}: camtl_options.lossWeighting`);
  const numLabelsPerTask = resolveNumLabels(tasks, r.num_labels_per_task as number[] | undefined, source);
  const taskKinds = parseTaskKinds(r.task_kinds, numLabelsPerTask, source);
  return { bert: parseBertConfig(raw, source), maxSeqLength, tasks, numLabelsPerTask, taskKinds, options };
}

export interface CreateMtlBertOptions {
  /** A HF BERT folder (or a checkpoint already read); omit for a fresh model from `bertConfig`. */
  base?: string | HfCheckpoint;
  bertConfig?: Record<string, unknown>;
  fs?: FileSystem;
  tasks: string[];
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

/** Unused pretrained tensors: BertForSequenceClassification's classifier and the MLM/NSP heads. */
const IGNORED_FROM_BERT = [/^classifier\./, /^cls\./, /(^|\.)position_ids$/];

/** A new MTL-BERT: every BERT tensor from `base` when given (heads new), else freshly initialised. */
export async function createMtlBert(
  options: CreateMtlBertOptions,
): Promise<{ model: MtlBertModel; report: LoadReport }> {
  if (typeof options.base === 'string' && !options.fs)
    throw new CamtlError('BAD_INPUT', 'createMtlBert: a base folder needs a FileSystem (options.fs)');
  const ckpt = typeof options.base === 'string' ? await loadHfCheckpoint(options.base, options.fs!) : options.base;
  const rawBert = ckpt?.config ?? options.bertConfig;
  if (!rawBert) throw new CamtlError('BAD_INPUT', 'createMtlBert needs a base checkpoint or a bertConfig');
  const extra = { headDropout: options.headDropout, lossWeighting: options.lossWeighting };
  const numLabelsPerTask = resolveNumLabels(options.tasks, options.numLabels);
  const config: MtlBertConfig = {
    bert: parseBertConfig(rawBert, ckpt ? `${ckpt.dir}/config.json` : 'bertConfig'),
    maxSeqLength: options.maxSeqLength ?? 128,
    tasks: options.tasks,
    numLabelsPerTask,
    taskKinds: parseTaskKinds(options.taskKinds, numLabelsPerTask, 'createMtlBert'),
    options: Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
  checkLossWeighting(options.lossWeighting, 'createMtlBert: lossWeighting');
  const definition = new MtlBertDefinition(config);
  const { store, report } = storeFromSpecs(definition.specs(), ckpt, {
    ignore: IGNORED_FROM_BERT,
    seed: options.seed,
  });
  const model = new MtlBertModel(definition, store);
  if (options.freeze) model.freeze(options.freeze);
  return { model, report };
}

/** Loads an MTL-BERT folder saved by `save` (every tensor must be there). */
export async function loadMtlBert(
  dir: string,
  fs: FileSystem,
  options: { strict?: boolean } = {},
): Promise<{ model: MtlBertModel; report: LoadReport }> {
  const ckpt = await loadHfCheckpoint(dir, fs);
  const definition = new MtlBertDefinition(parseMtlBertConfig(ckpt.config, fs.join(dir, 'config.json')));
  const { store, report } = storeFromSpecs(definition.specs(), ckpt, { strict: options.strict ?? true });
  return { model: new MtlBertModel(definition, store), report };
}
