import {
  multiTaskConfigToJson,
  CamtlError,
  checkLossWeighting,
  parseBertConfig,
  parseTaskKinds,
  type BertConfig,
  type LossWeighting,
  type TaskKind,
} from '@camtl/core';
import type { GeneratedAdapterOptions } from './generated-adapter';

/** The adapter options a Hyperformer model keeps; size, depth and task count come from BERT and the tasks. */
export type HyperformerAdapterOptions = Omit<
  GeneratedAdapterOptions,
  'hiddenSize' | 'numLayers' | 'numTasks' | 'prefix'
>;

/** Hyperformer++ on BERT: the model's config, saved in config.json beside the BERT config. */
export interface HyperformerConfig {
  bert: BertConfig;
  maxSeqLength: number;
  tasks: string[];
  numLabelsPerTask: number[];
  /** Each task's kind (absent: one label is regression, more are classification). config.json `task_kinds`. */
  taskKinds?: TaskKind[];
  adapter: HyperformerAdapterOptions;
  /** freezeBackbone: false only when the backbone was left trainable (saved so a reload keeps it so). */
  options: { headDropout?: number; lossWeighting?: LossWeighting; freezeBackbone?: boolean };
}

export const HYPERFORMER_MODEL = 'hyperformer';
/** Where the shared hypernetwork sits in the parameter tree. */
export const HYPERNET_PREFIX = 'adapter_hypernet';

export function isHyperformerConfig(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && (raw as Record<string, unknown>).camtl_model === HYPERFORMER_MODEL;
}

/**
 * What Hyperformer trains (spec §8.1, `freezing_params` with `train_adapters`
 * and `unfreeze_layer_norms`): the hypernetwork, every LayerNorm of the
 * backbone, and here the per-task heads (BERT has no LM head to reuse). Every
 * other BERT weight is frozen — embeddings, attention, FFN and the pooler.
 */
export function hyperformerTrainable(name: string): boolean {
  return !name.startsWith('bert.') || /(^|\.)LayerNorm\./.test(name);
}

/** Summary groups: heads, the hypernetwork, the backbone's LayerNorms and its frozen rest. */
export function hyperformerComponent(name: string): string {
  if (name.startsWith('decoders.')) return 'heads';
  if (name.startsWith(`${HYPERNET_PREFIX}.`)) return 'hypernetwork';
  if (name.startsWith('loss_weighting.')) return 'loss_weighting';
  if (/(^|\.)LayerNorm\./.test(name)) return 'layer_norms';
  if (name.startsWith('bert.embeddings.')) return 'embeddings';
  if (name.startsWith('bert.pooler.')) return 'pooler';
  return 'encoder_layers';
}

export function checkTaskLabels(tasks: unknown, numLabels: unknown, source: string): void {
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string' && t.length > 0))
    throw new CamtlError('BAD_CONFIG', `${source}: "tasks" must be a non-empty list of task names`);
  const ok = Array.isArray(numLabels) && numLabels.length === tasks.length;
  if (!ok || !numLabels.every((n) => Number.isInteger(n) && n >= 1))
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: need one positive label count per task (${tasks.length}), got ${JSON.stringify(numLabels)}`,
    );
}

/** config.json: BERT's config plus `camtl_model: "hyperformer"`, the tasks and the adapter options. */
export function hyperformerConfigToJson(cfg: HyperformerConfig): Record<string, unknown> {
  return multiTaskConfigToJson(cfg, { camtl_model: HYPERFORMER_MODEL }, { hyperformer: cfg.adapter });
}

export function parseHyperformerConfig(raw: unknown, source = 'config.json'): HyperformerConfig {
  if (!isHyperformerConfig(raw))
    throw new CamtlError('BAD_CONFIG', `${source}: not a Hyperformer config (no "camtl_model": "hyperformer")`);
  const r = raw as Record<string, unknown>;
  const maxSeqLength = r.max_seq_length as number;
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 1)
    throw new CamtlError('BAD_CONFIG', `${source}: "max_seq_length" must be a positive integer`);
  checkTaskLabels(r.tasks, r.num_labels_per_task, source);
  const options = (r.camtl_options as HyperformerConfig['options'] | undefined) ?? {};
  checkLossWeighting(options.lossWeighting, `${source}: camtl_options.lossWeighting`);
  return {
    bert: parseBertConfig(raw, source),
    maxSeqLength,
    tasks: r.tasks as string[],
    numLabelsPerTask: r.num_labels_per_task as number[],
    taskKinds: parseTaskKinds(r.task_kinds, r.num_labels_per_task as number[], source),
    adapter: (r.hyperformer as HyperformerAdapterOptions | undefined) ?? {},
    options,
  };
}
