import * as tf from '@tensorflow/tfjs-core';
import {
  MultiTaskModelBase,
  CamtlError,
  Rng,
  checkMatch,
  evalContext,
  parseTaskKinds,
  type TaskKind,
  instantiate,
  loadHfCheckpoint,
  matchParameters,
  parseBertConfig,
  saveHfCheckpoint,
  specShapes,
  storeFromCheckpoint,
  summarizeStore,
  type FileSystem,
  type HfCheckpoint,
  type LoadReport,
  type ModuleContext,
  type MultiTaskModel,
  type ParamStore,
  type ParamSummary,
} from '@camtl/core';
import {
  caMtlConfigToJson,
  isCaMtlConfig,
  parseCaMtlConfig,
  resolveNumLabels,
  resolveOptions,
  type CaMtlConfig,
  type CaMtlOptions,
  type CaMtlVariant,
  type ConditionalComponent,
} from './config';
import { caMtlComponent, freezeEncoderLayers, type FreezeOptions } from './freeze';
import { CaMtlDefinition, type CaMtlInputs, type CaMtlOutputs } from './ca-mtl-definition';

/** A CA-MTL definition plus its weights; a `MultiTaskModel` the core trainer can train. */
export class CaMtlModel extends MultiTaskModelBase<CaMtlConfig> implements MultiTaskModel {
  readonly kind = 'ca-mtl';

  declare readonly definition: CaMtlDefinition;

  constructor(definition: CaMtlDefinition, store: ParamStore) {
    super(definition, store);
  }

  save(dir: string, fs: FileSystem): Promise<void> {
    return saveCaMtl(this, dir, fs);
  }

  forward(inputs: CaMtlInputs, ctx: ModuleContext = evalContext(), collect = false): CaMtlOutputs {
    return this.definition.forward(this.store.view(), inputs, ctx, collect);
  }

  /** Total / trainable / frozen counts per component. */
  summary(): ParamSummary {
    return summarizeStore(this.store, caMtlComponent);
  }

  /** The reference freezing of layers [a, b] (and the embeddings). */
  freeze(range: [number, number], options: FreezeOptions = {}): string[] {
    return freezeEncoderLayers(this.store, range, options);
  }
}

export interface CreateCaMtlOptions {
  /** A HF BERT folder (or a checkpoint already read) to initialise from; omit for a fresh model. */
  base?: string | HfCheckpoint;
  /** Its BERT config when `base` is omitted. */
  bertConfig?: Record<string, unknown>;
  fs?: FileSystem;
  tasks: string[];
  numLabels?: number[];
  /** Each task's kind (default: one label is regression, more are classification). */
  taskKinds?: TaskKind[];
  variant?: CaMtlVariant;
  /** L for the attention bias (default 128, the reference's max_seq_length). */
  maxSeqLength?: number;
  options?: CaMtlOptions;
  /** Freeze layers [a, b] and the embeddings, as the reference's --freeze_encoder_layers a-b. */
  freeze?: [number, number];
  freezeOptions?: FreezeOptions;
  seed?: number;
}

/**
 * Pretrained tensors a new CA-MTL model does not use, as expected: the task
 * heads replace BertForSequenceClassification's classifier and the MLM/NSP
 * heads, and base rebuilds its top layer from scratch (spec §2.2), so the
 * pretrained weights of that layer are set aside, as in the reference.
 */
function ignoredFromBert(config: CaMtlConfig): RegExp[] {
  const ignored = [/^classifier\./, /^cls\./, /(^|\.)position_ids$/];
  if (config.variant === 'base') {
    const top = config.bert.numHiddenLayers - 1;
    ignored.push(new RegExp(`^(bert\\.)?encoder\\.layer\\.${top}\\.(attention|intermediate|output)\\.`));
  }
  return ignored;
}

async function readBase(options: CreateCaMtlOptions): Promise<HfCheckpoint | undefined> {
  if (typeof options.base !== 'string') return options.base;
  if (!options.fs) throw new CamtlError('BAD_INPUT', 'createCaMtl: a base folder needs a FileSystem (options.fs)');
  return loadHfCheckpoint(options.base, options.fs);
}

/**
 * A new CA-MTL model (spec §1.2 layouts): from a plain HF BERT checkpoint when
 * `base` is given (embeddings, layers, pooler and the CLN weights load from the
 * pretrained ones; base's top layer is rebuilt), else freshly initialised.
 */
export async function createCaMtl(options: CreateCaMtlOptions): Promise<{ model: CaMtlModel; report: LoadReport }> {
  const ckpt = await readBase(options);
  const rawBert = ckpt?.config ?? options.bertConfig;
  if (!rawBert) throw new CamtlError('BAD_INPUT', 'createCaMtl needs a base checkpoint or a bertConfig');
  const numLabelsPerTask = resolveNumLabels(options.tasks, options.numLabels);
  const config: CaMtlConfig = {
    bert: parseBertConfig(rawBert, ckpt ? `${ckpt.dir}/config.json` : 'bertConfig'),
    variant: options.variant ?? 'base',
    maxSeqLength: options.maxSeqLength ?? 128,
    tasks: options.tasks,
    numLabelsPerTask,
    taskKinds: parseTaskKinds(options.taskKinds, numLabelsPerTask, 'createCaMtl taskKinds'),
    options: resolveOptions(options.options ?? {}, 'createCaMtl options'),
  };
  const definition = new CaMtlDefinition(config);
  const specs = definition.specs();
  let store: ParamStore;
  let report: LoadReport = { initialized: specs.map((s) => s.name), unexpected: [], ignored: [] };
  if (ckpt) {
    const match = matchParameters(specShapes(specs), ckpt.tensors, { ignoreUnexpected: ignoredFromBert(config) });
    checkMatch(match, ckpt.files.join(', '), false);
    store = storeFromCheckpoint(specs, ckpt, match, options.seed ?? 0);
    report = { initialized: match.missing, unexpected: match.unexpected, ignored: match.ignored };
  } else {
    store = instantiate(specs, new Rng(options.seed ?? 0));
  }
  const model = new CaMtlModel(definition, store);
  if (options.freeze) model.freeze(options.freeze, options.freezeOptions);
  return { model, report };
}

export interface LoadCaMtlOptions {
  /** Refuse a checkpoint with missing tensors (default true). */
  strict?: boolean;
  /**
   * Load into an ablated model (replaces the checkpoint's own `without`): the
   * tensors of the removed components are left out and listed in
   * `report.unexpected`; a component the checkpoint lacks is missing.
   */
  without?: ConditionalComponent[];
}

/** Loads a CA-MTL checkpoint: camtl's own, or one saved by the reference PyTorch code (same names). */
export async function loadCaMtl(
  dir: string,
  fs: FileSystem,
  options: LoadCaMtlOptions = {},
): Promise<{ model: CaMtlModel; report: LoadReport }> {
  const ckpt = await loadHfCheckpoint(dir, fs);
  const source = fs.join(dir, 'config.json');
  if (!isCaMtlConfig(ckpt.config)) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: not a CA-MTL config (no "ca_mtl_model")`,
      'use createCaMtl({ base }) to start a CA-MTL model from a plain BERT',
    );
  }
  const config = parseCaMtlConfig(ckpt.config, source);
  if (options.without) config.options = resolveOptions({ ...config.options, without: options.without }, 'loadCaMtl');
  const definition = new CaMtlDefinition(config);
  const specs = definition.specs();
  const match = matchParameters(specShapes(specs), ckpt.tensors);
  checkMatch(match, ckpt.files.join(', '), options.strict ?? true);
  const store = storeFromCheckpoint(specs, ckpt, match, 0);
  return {
    model: new CaMtlModel(definition, store),
    report: { initialized: match.missing, unexpected: match.unexpected, ignored: match.ignored },
  };
}

/** Saves under the reference names with the CA-MTL config.json convention. */
export async function saveCaMtl(model: CaMtlModel, dir: string, fs: FileSystem): Promise<void> {
  await saveHfCheckpoint(dir, { config: caMtlConfigToJson(model.config), tensors: await model.store.toTensors() }, fs);
}

/** Reads a tensor of the model by name (tests, debugging). */
export function parameter(model: CaMtlModel, name: string): tf.Variable {
  return model.store.get(name);
}
