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

export type CaMtlVariant = 'base' | 'large';

/** transformers 2.11 `glue_tasks_num_labels`, which the reference uses for its heads. */
export const GLUE_NUM_LABELS: Readonly<Record<string, number>> = {
  cola: 2,
  mnli: 3,
  mrpc: 2,
  'sst-2': 2,
  'sts-b': 1,
  qqp: 2,
  qnli: 2,
  rte: 2,
  wnli: 2,
};

/** The reference's default task order (`data_args.tasks`): task id = index here. */
export const REFERENCE_TASKS = ['cola', 'mnli', 'rte', 'wnli', 'qqp', 'sts-b', 'sst-2', 'qnli', 'mrpc'];

/**
 * The task-conditioned components an ablation can remove (`CaMtlOptions.without`),
 * in the order the paper's ablation adds them back.
 */
export const CONDITIONAL_COMPONENTS = [
  'conditional-attention',
  'conditional-alignment',
  'conditional-layer-norm',
  'conditional-bottleneck',
] as const;
export type ConditionalComponent = (typeof CONDITIONAL_COMPONENTS)[number];

/** Options that go beyond the reference; every default reproduces it. */
export interface CaMtlOptions {
  /** Attention bias layout: number of blocks N or block width c (default N = ⌊H/L⌋ ≥ 1). */
  attention?: { blocks?: number; blockSize?: number; perHead?: boolean };
  /** CLN: condition the shift too (the paper), and which rows give a task's condition. */
  cln?: { conditionShift?: boolean; conditionRows?: 'first-of-task' | 'per-example' };
  /** Alignment: the reference's FiLM, or the paper's task-conditioned matrix R̂(z). */
  alignment?: { mode?: 'film' | 'matrix' };
  /** Bottleneck adapter width (default ⌊H/3⌋) and activation (default none). */
  bottleneck?: { size?: number; activation?: string };
  /** Dropout before each task head (the reference Decoder uses 0.1). */
  headDropout?: number;
  /** How per-task losses combine: 'equal' (the reference, default) or Kendall et al.'s 'uncertainty'. */
  lossWeighting?: LossWeighting;
  /**
   * Ablation: components whose task-conditioned parameters are removed; each
   * then computes what plain BERT computes there (see `hasComponent`).
   */
  without?: ConditionalComponent[];
}

export interface CaMtlConfig {
  bert: BertConfig;
  variant: CaMtlVariant;
  /** L: the length the attention bias M(z) is built for (the reference pads to it). */
  maxSeqLength: number;
  tasks: string[];
  numLabelsPerTask: number[];
  /** Each task's kind (absent: one label is regression, more are classification). config.json `task_kinds`. */
  taskKinds?: TaskKind[];
  options: CaMtlOptions;
}

const VARIANT_NAMES: Record<string, CaMtlVariant> = { 'CA-MTL-base': 'base', 'CA-MTL-large': 'large' };

export function isCaMtlConfig(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && 'ca_mtl_model' in (raw as object);
}

/** Labels per task: given explicitly, else from the GLUE table; unknown tasks need explicit counts. */
export function resolveNumLabels(tasks: string[], given?: number[], source = 'tasks'): number[] {
  if (given) {
    if (given.length !== tasks.length || !given.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new CamtlError(
        'BAD_CONFIG',
        `${source}: need one positive label count per task (${tasks.length}), got [${given}]`,
      );
    }
    return given;
  }
  return tasks.map((t) => {
    const n = GLUE_NUM_LABELS[t.toLowerCase()];
    if (n === undefined) {
      throw new CamtlError(
        'BAD_CONFIG',
        `${source}: unknown task "${t}" has no default label count`,
        'give the label counts explicitly (num_labels_per_task / --num-labels)',
      );
    }
    return n;
  });
}

function checkTasks(tasks: unknown, source: string): string[] {
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every((t) => typeof t === 'string' && t.length > 0)) {
    throw new CamtlError('BAD_CONFIG', `${source}: "tasks" must be a non-empty list of task names`);
  }
  if (new Set(tasks).size !== tasks.length) throw new CamtlError('BAD_CONFIG', `${source}: "tasks" has duplicates`);
  return tasks as string[];
}

/** Reads the CA-MTL config.json convention: BertConfig + ca_mtl_model, max_seq_length, tasks, num_labels_per_task. */
export function parseCaMtlConfig(raw: unknown, source = 'config.json'): CaMtlConfig {
  const bert = parseBertConfig(raw, source);
  const r = raw as Record<string, unknown>;
  const variant = VARIANT_NAMES[String(r.ca_mtl_model)];
  if (!variant) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: "ca_mtl_model" must be "CA-MTL-base" or "CA-MTL-large", got ${JSON.stringify(r.ca_mtl_model)}`,
    );
  }
  const maxSeqLength = r.max_seq_length;
  if (!Number.isInteger(maxSeqLength) || (maxSeqLength as number) < 1) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: "max_seq_length" must be a positive integer, got ${JSON.stringify(maxSeqLength)}`,
    );
  }
  const tasks = checkTasks(r.tasks, source);
  const numLabelsPerTask = resolveNumLabels(tasks, r.num_labels_per_task as number[] | undefined, source);
  const options = resolveOptions((r.camtl_options as CaMtlOptions | undefined) ?? {}, `${source}: camtl_options`);
  const taskKinds = parseTaskKinds(r.task_kinds, numLabelsPerTask, source);
  return { bert, variant, maxSeqLength: maxSeqLength as number, tasks, numLabelsPerTask, taskKinds, options };
}

export function caMtlConfigToJson(cfg: CaMtlConfig): Record<string, unknown> {
  return multiTaskConfigToJson(cfg, { ca_mtl_model: cfg.variant === 'base' ? 'CA-MTL-base' : 'CA-MTL-large' });
}

/** How the base layout splits L layers: bias-only bottom, CLN middle, rebuilt top (reference: L/2, L/2 − 1, 1). */
export function baseLayout(numLayers: number): { bottom: number; cln: number; top: number } {
  if (numLayers < 2) throw new CamtlError('BAD_CONFIG', `CA-MTL-base needs at least 2 layers, got ${numLayers}`);
  const bottom = Math.floor(numLayers / 2);
  return { bottom, cln: numLayers - bottom - 1, top: 1 };
}

/** Large: the bottom ⌈L/2⌉ layers have the bias only, the top ⌊L/2⌋ add CLNs (reference MyBertEncoder10). */
export function largeLayout(numLayers: number): { bottom: number; cln: number } {
  const bottom = Math.ceil(numLayers / 2);
  return { bottom, cln: numLayers - bottom };
}

/**
 * Checks an ablation list (an array, or a comma-separated string from a flag):
 * known names only, no duplicates, returned in `CONDITIONAL_COMPONENTS` order
 * so that equal ablations save the same config.json.
 */
export function parseWithout(value: unknown, source = 'without'): ConditionalComponent[] {
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(items)) {
    throw new CamtlError('BAD_CONFIG', `${source}: expected a list of components, got ${JSON.stringify(value)}`);
  }
  const valid = CONDITIONAL_COMPONENTS as readonly unknown[];
  const unknown = items.find((c) => !valid.includes(c));
  if (unknown !== undefined) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: unknown component ${JSON.stringify(unknown)}; valid: ${CONDITIONAL_COMPONENTS.join(', ')}`,
    );
  }
  if (new Set(items).size !== items.length) throw new CamtlError('BAD_CONFIG', `${source}: a component is repeated`);
  return CONDITIONAL_COMPONENTS.filter((c) => items.includes(c));
}

/** The options with `without` checked and canonical (an empty list is dropped); a copy. */
export function resolveOptions(options: CaMtlOptions, source = 'options'): CaMtlOptions {
  const { without, ...rest } = options;
  checkLossWeighting(rest.lossWeighting, `${source}.lossWeighting`);
  if (without === undefined) return { ...rest };
  const list = parseWithout(without, `${source}.without`);
  return list.length > 0 ? { ...rest, without: list } : { ...rest };
}

/** Whether the model keeps `component` (it is not in `options.without`). */
export function hasComponent(cfg: CaMtlConfig, component: ConditionalComponent): boolean {
  return !cfg.options.without?.includes(component);
}

/**
 * Which task-embedding parameters a config still needs. z′ (`task_transformation`)
 * feeds the in-layer modules (attention bias, CLN, bottleneck); z
 * (`task_type_embeddings`) feeds the alignment and z′. Parameters nothing reads
 * are dropped, so an ablation has no dead weights.
 */
export function taskConditioning(cfg: CaMtlConfig): { embedding: boolean; transformation: boolean } {
  const inLayer = (['conditional-attention', 'conditional-layer-norm', 'conditional-bottleneck'] as const).some((c) =>
    hasComponent(cfg, c),
  );
  return { embedding: inLayer || hasComponent(cfg, 'conditional-alignment'), transformation: inLayer };
}
