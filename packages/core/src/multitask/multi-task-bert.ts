import { parseBertConfig, type BertConfig } from '../bert/config';
import { storeFromSpecs, type LoadReport } from '../bert/load';
import { BertDefinition } from '../bert/model';
import { CamtlError } from '../errors';
import { loadHfCheckpoint, saveHfCheckpoint, type HfCheckpoint } from '../io/checkpoint';
import type { FileSystem } from '../io/fs';
import { evalContext, type ModuleContext } from '../modules/context';
import type { ParamSpec } from '../params/spec';
import type { ParamStore, Params } from '../params/store';
import { summarizeStore, type ParamSummary } from '../params/summary';
import { checkLossWeighting, type LossWeighting } from './loss-weighting';
import type { MultiTaskBatch, MultiTaskModel } from './model';
import { MultiTaskModelBase, multiTaskConfigToJson } from './model-base';
import { bertHeadSpecs, checkBatchFits, headsOnBert, type BertHeadsOutputs } from './bert-heads';
import { parseTaskKinds } from './task-kinds';
import { headLayout, type HeadLayout } from './task-heads';
import type { TaskKind } from './tasks';

/** config.json's `camtl_model` of a multi-task BERT (CA-MTL's "MTL-BERT" baseline; camtl's name for it). */
export const MULTI_TASK_BERT_MODEL = 'mtl-bert';

/**
 * A shared BERT under one head per task: the vanilla multi-task baseline of
 * CA-MTL (its `src/model/encoders/bert.py`: every pretrained layer, the top
 * one included, and the pooler), with the same per-task heads
 * (`decoders.T.model`) and loss as CA-MTL.
 */
export interface MultiTaskBertConfig {
  bert: BertConfig;
  maxSeqLength: number;
  tasks: string[];
  numLabelsPerTask: number[];
  /** Each task's kind (absent: one label is regression, more are classification). config.json `task_kinds`. */
  taskKinds?: TaskKind[];
  options: { headDropout?: number; lossWeighting?: LossWeighting };
}

/** The encoder's last layer and pooled [CLS] row, plus the heads' logits and (with labels) the loss. */
export type MultiTaskBertOutputs = BertHeadsOutputs;

/** Whether a config.json is a multi-task BERT's (`"camtl_model": "mtl-bert"`). */
export function isMultiTaskBertConfig(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && (raw as Record<string, unknown>).camtl_model === MULTI_TASK_BERT_MODEL;
}

/** Kinds whose heads read token rows, not only the pooled [CLS] row. */
const TOKEN_KINDS: readonly TaskKind[] = ['token-classification', 'span-extraction'];

/**
 * Which parameters exist and how they compute: BERT without its classifier
 * (`headSpecs` adds the heads), then `multiTaskObjective` — the per-task heads
 * and the multi-task loss over a batch that mixes tasks.
 */
export class MultiTaskBertDefinition {
  readonly bert: BertDefinition;
  readonly heads: HeadLayout;

  constructor(readonly config: MultiTaskBertConfig) {
    this.bert = new BertDefinition(config.bert, { classifier: false });
    this.heads = headLayout(config.numLabelsPerTask, config.taskKinds);
  }

  specs(): ParamSpec[] {
    return [...this.bert.specs(), ...bertHeadSpecs(this.config)];
  }

  forward(root: Params, inputs: MultiTaskBatch, ctx: ModuleContext = evalContext()): MultiTaskBertOutputs {
    checkBatchFits(inputs, this.config.maxSeqLength);
    // In inference only the [CLS] row is needed when no head reads token rows; training keeps every row (dropout masks).
    const clsOnly = !!ctx.headRowsOnly && !ctx.training && !this.heads.kinds.some((k) => TOKEN_KINDS.includes(k));
    const out = this.bert.forward(root, inputs, ctx, { clsOnly });
    return headsOnBert(root, out, inputs, this.heads, this.config.options, ctx);
  }
}

/**
 * A multi-task BERT with its weights: a `MultiTaskModel` that `Trainer`,
 * `evaluate` and the samplers take as it is. `forward(batch)` gives each row's
 * logits from its own task's head, and with labels the loss (the unweighted
 * mean over the tasks present) and `perTaskLoss`.
 */
export class MultiTaskBert extends MultiTaskModelBase<MultiTaskBertConfig> implements MultiTaskModel {
  readonly kind = MULTI_TASK_BERT_MODEL;

  declare readonly definition: MultiTaskBertDefinition;

  constructor(definition: MultiTaskBertDefinition, store: ParamStore) {
    super(definition, store);
  }

  forward(inputs: MultiTaskBatch, ctx: ModuleContext = evalContext()): MultiTaskBertOutputs {
    return this.definition.forward(this.store.view(), inputs, ctx);
  }

  /** Writes config.json (`camtl_model: "mtl-bert"`) and model.safetensors to `dir`; `loadMultiTaskBert` reads them. */
  async save(dir: string, fs: FileSystem): Promise<void> {
    const tensors = await this.store.toTensors();
    await saveHfCheckpoint(dir, { config: multiTaskBertConfigToJson(this.config), tensors }, fs);
  }

  summary(): ParamSummary {
    return summarizeStore(this.store);
  }
}

/** config.json: the BERT config plus `camtl_model: "mtl-bert"`, max_seq_length, tasks, num_labels_per_task. */
export function multiTaskBertConfigToJson(cfg: MultiTaskBertConfig): Record<string, unknown> {
  return multiTaskConfigToJson(cfg, { camtl_model: MULTI_TASK_BERT_MODEL });
}

/** One positive integer label count per task. */
function checkNumLabels(tasks: string[], given: unknown, source: string): number[] {
  if (!Array.isArray(given) || given.length !== tasks.length || !given.every((n) => Number.isInteger(n) && n >= 1))
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: need one positive label count per task (${tasks.length}), got ${JSON.stringify(given)}`,
      'give num_labels_per_task (numLabels): 1 for regression, the class count otherwise',
    );
  return given as number[];
}

function checkTasks(tasks: unknown, source: string): string[] {
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string'))
    throw new CamtlError('BAD_CONFIG', `${source}: "tasks" must be a non-empty list of task names`);
  return tasks as string[];
}

/** A multi-task BERT's config.json (as `multiTaskBertConfigToJson` writes it), checked. */
export function parseMultiTaskBertConfig(raw: unknown, source = 'config.json'): MultiTaskBertConfig {
  if (!isMultiTaskBertConfig(raw))
    throw new CamtlError('BAD_CONFIG', `${source}: not a multi-task BERT config (no "camtl_model": "mtl-bert")`);
  const r = raw as Record<string, unknown>;
  const maxSeqLength = r.max_seq_length as number;
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 1)
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: "max_seq_length" must be a positive integer, got ${JSON.stringify(r.max_seq_length)}`,
    );
  const tasks = checkTasks(r.tasks, source);
  const options = (r.camtl_options as MultiTaskBertConfig['options'] | undefined) ?? {};
  checkLossWeighting(options.lossWeighting, `${source}: camtl_options.lossWeighting`);
  const numLabelsPerTask = checkNumLabels(tasks, r.num_labels_per_task, `${source}: num_labels_per_task`);
  const taskKinds = parseTaskKinds(r.task_kinds, numLabelsPerTask, source);
  return { bert: parseBertConfig(raw, source), maxSeqLength, tasks, numLabelsPerTask, taskKinds, options };
}

/** What `multiTaskBert` builds: the tasks, their heads, and the BERT (a config, or a checkpoint already read). */
export interface MultiTaskBertOptions {
  /** A HF BERT checkpoint already read (`loadHfCheckpoint`): its BERT tensors are used, the heads are new. */
  base?: HfCheckpoint;
  /** A HF BERT config.json object, for a freshly initialised BERT (ignored when `base` is given). */
  bertConfig?: Record<string, unknown>;
  tasks: string[];
  /** Classes per task (1 = regression for a sentence task). */
  numLabels: number[];
  /** Each task's kind (default: one label is regression, more are classification). */
  taskKinds?: TaskKind[];
  /** Longest input (default 128). */
  maxSeqLength?: number;
  /** Seed of the initialisation of every new parameter. */
  seed?: number;
  /** 'equal' (default: the unweighted mean over tasks) or 'uncertainty' (learned log-variances). */
  lossWeighting?: LossWeighting;
  /** Dropout before each task head (the reference Decoder: 0.1). */
  headDropout?: number;
}

/** Unused pretrained tensors: BertForSequenceClassification's classifier and the MLM/NSP heads. */
const IGNORED_FROM_BERT = [/^classifier\./, /^cls\./, /(^|\.)position_ids$/];

function resolveConfig(o: MultiTaskBertOptions, who: string): MultiTaskBertConfig {
  const rawBert = o.base?.config ?? o.bertConfig;
  if (!rawBert) throw new CamtlError('BAD_INPUT', `${who} needs a base checkpoint or a bertConfig`);
  const tasks = checkTasks(o.tasks, `${who}: tasks`);
  const numLabelsPerTask = checkNumLabels(tasks, o.numLabels, `${who}: numLabels`);
  checkLossWeighting(o.lossWeighting, `${who}: lossWeighting`);
  const extra = { headDropout: o.headDropout, lossWeighting: o.lossWeighting };
  return {
    bert: parseBertConfig(rawBert, o.base ? `${o.base.dir}/config.json` : 'bertConfig'),
    maxSeqLength: o.maxSeqLength ?? 128,
    tasks,
    numLabelsPerTask,
    taskKinds: parseTaskKinds(o.taskKinds, numLabelsPerTask, who),
    options: Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  };
}

/**
 * A multi-task BERT and what its creation did: `report.initialized` lists the
 * parameters that got new values (the heads, when `base` is given).
 */
export function multiTaskBertWithReport(options: MultiTaskBertOptions): { model: MultiTaskBert; report: LoadReport } {
  const definition = new MultiTaskBertDefinition(resolveConfig(options, 'multiTaskBert'));
  const { store, report } = storeFromSpecs(definition.specs(), options.base, {
    ignore: IGNORED_FROM_BERT,
    seed: options.seed,
  });
  return { model: new MultiTaskBert(definition, store), report };
}

/**
 * A shared BERT with one head per task (the MTL-BERT baseline), ready for
 * `Trainer` or a hand-written loop:
 *
 * ```ts
 * const model = multiTaskBert({ bertConfig, tasks: ['mrpc', 'sts-b'], numLabels: [2, 1], seed: 1 });
 * const vars = [...model.store.trainable().values()];
 * const opt = new AdamW(model.store.trainable(), { lr: 2e-5 });
 * const { value, grads } = tf.variableGrads(() => model.forward(batch, trainContext(rng)).loss!, vars);
 * opt.step(grads); // variableGrads output goes straight in
 * await model.save('out', fs); // loadMultiTaskBert('out', fs) reads it back
 * ```
 *
 * To build a different encoder under the same heads, use its parts: `headSpecs`
 * (the heads' parameters), `headLayout` and `multiTaskObjective` (the heads
 * and the loss over a mixed batch), `MultiTaskModelBase` (the rest of a
 * `MultiTaskModel`). The model owns its weights: `dispose()` frees them.
 */
export function multiTaskBert(options: MultiTaskBertOptions): MultiTaskBert {
  return multiTaskBertWithReport(options).model;
}

/** As `multiTaskBertWithReport`, reading `base` from a HF BERT folder when it is a path. */
export async function createMultiTaskBert(
  options: Omit<MultiTaskBertOptions, 'base'> & { base?: string | HfCheckpoint; fs?: FileSystem },
): Promise<{ model: MultiTaskBert; report: LoadReport }> {
  if (typeof options.base === 'string' && !options.fs)
    throw new CamtlError('BAD_INPUT', `multiTaskBert: the base folder ${options.base} needs a FileSystem (options.fs)`);
  const base = typeof options.base === 'string' ? await loadHfCheckpoint(options.base, options.fs!) : options.base;
  return multiTaskBertWithReport({ ...options, base });
}

/** Loads a folder `MultiTaskBert.save` wrote (every tensor must be there unless `strict: false`). */
export async function loadMultiTaskBert(
  dir: string,
  fs: FileSystem,
  options: { strict?: boolean } = {},
): Promise<{ model: MultiTaskBert; report: LoadReport }> {
  const ckpt = await loadHfCheckpoint(dir, fs);
  const definition = new MultiTaskBertDefinition(parseMultiTaskBertConfig(ckpt.config, fs.join(dir, 'config.json')));
  const { store, report } = storeFromSpecs(definition.specs(), ckpt, { strict: options.strict ?? true });
  return { model: new MultiTaskBert(definition, store), report };
}
