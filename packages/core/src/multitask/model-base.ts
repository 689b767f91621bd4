import { bertConfigToJson, type BertConfig } from '../bert/config';
import type { ParamStore } from '../params/store';
import { taskKindsToJson } from './task-kinds';
import { headParameterNames } from './task-heads';
import type { TaskKind } from './tasks';

/** What a multi-task model's config says of its tasks and encoder (CA-MTL's, MTL-BERT's, Hyperformer's). */
export interface MultiTaskConfigBase {
  bert: BertConfig;
  tasks: string[];
  numLabelsPerTask: number[];
  taskKinds?: TaskKind[];
  /** The longest input the model is built for (CA-MTL: the attention-bias length L). */
  maxSeqLength: number;
}

/**
 * The part of `MultiTaskModel` every camtl model computes the same way from
 * its definition's config and its weights: the task list, the label counts
 * and kinds, the longest input, the per-task head parameters, and disposal.
 * A model adds `forward` and `save`.
 */
export abstract class MultiTaskModelBase<C extends MultiTaskConfigBase> {
  constructor(
    readonly definition: { readonly config: C },
    readonly store: ParamStore,
  ) {}

  get config(): C {
    return this.definition.config;
  }
  get taskNames(): readonly string[] {
    return this.config.tasks;
  }
  get numLabelsPerTask(): readonly number[] {
    return this.config.numLabelsPerTask;
  }
  get taskKinds(): readonly TaskKind[] | undefined {
    return this.config.taskKinds;
  }
  /** The config's max length, within the position embeddings. */
  get maxSeqLength(): number {
    return Math.min(this.config.maxSeqLength, this.config.bert.maxPositionEmbeddings);
  }
  /** Each task's head: the trainer leaves it without a gradient when its task is absent. */
  get taskParameters(): string[][] {
    return headParameterNames(this.config.tasks.length, this.config.taskKinds);
  }

  dispose(): void {
    this.store.dispose();
  }
}

/**
 * A multi-task model's config.json: BERT's config, the model's own marker
 * (`marker`), max_seq_length, tasks, num_labels_per_task, `extra` fields,
 * task_kinds (when not all default) and camtl_options (when any). The model
 * has one head per task, so BertForSequenceClassification's single-head keys go.
 */
export function multiTaskConfigToJson(
  cfg: MultiTaskConfigBase & { options: object },
  marker: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ...bertConfigToJson(cfg.bert),
    ...marker,
    max_seq_length: cfg.maxSeqLength,
    tasks: cfg.tasks,
    num_labels_per_task: cfg.numLabelsPerTask,
    ...extra,
  };
  const kinds = taskKindsToJson(cfg.taskKinds, cfg.numLabelsPerTask);
  if (kinds) json.task_kinds = kinds;
  for (const key of ['id2label', 'label2id', 'num_labels', 'architectures']) delete json[key];
  if (Object.keys(cfg.options).length > 0) json.camtl_options = cfg.options;
  return json;
}
