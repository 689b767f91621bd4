import { CamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import { checkSpecification } from '../plugins';
import type { CollateOptions, EncodedExample } from './data';
import type { EvalSet } from './evaluate';
import type { MultiTaskModel } from './model';
import { REFERENCE_RECIPE, type TrainingRecipe } from './recipe';
import type { SamplerFactory } from './sampler';
import { checkSelectBy, SELECT_BY_MEAN, type SelectBy } from './selection';
import type { TaskDefinition } from './tasks';

/** A log record (JSONL line); the shapes are those @camtl/report reads. */
export type TrainLogRecord = Record<string, unknown> & { type: string };

/** A training step just ended: its batch loss and throughput. */
export interface TrainStepProgress {
  phase: 'train';
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  examplesPerSecond: number;
}

/** An evaluation of the dev sets starts after `step` (no loss: none is computed for a batch here). */
export interface EvalProgress {
  phase: 'eval';
  step: number;
  totalSteps: number;
  epoch: number;
}

/** What `onProgress` receives; narrow on `phase` before reading `loss`. */
export type TrainProgress = TrainStepProgress | EvalProgress;

/** The recipe's hyper-parameters the trainer uses (maxSeqLength is the tokenizer's and the model's). */
export type TrainerRecipe = Omit<TrainingRecipe, 'maxSeqLength'>;

export interface TrainerOptions extends Partial<TrainerRecipe> {
  model: MultiTaskModel;
  /** Task definitions in the model's task order. */
  tasks: TaskDefinition[];
  /** Tokenized training examples, per task (same order); row.task is its task's index. */
  train: EncodedExample[][];
  /** Labelled evaluation sets (dev splits). */
  dev: EvalSet[];
  sampler: SamplerFactory;
  outputDir: string;
  fs: FileSystem;
  /** Stop after this many steps (default: epochs × the sampler's epoch length). */
  maxSteps?: number;
  decay?: 'linear' | 'cosine' | 'constant';
  adamEpsilon?: number;
  padding?: CollateOptions['padTo'];
  /** Evaluate every N steps (and at the end of every epoch). */
  evalEvery?: number;
  evalBatchSize?: number;
  /** Save a checkpoint every N steps (and after each evaluation); default: at evaluations only. */
  saveEvery?: number;
  keepCheckpoints?: number;
  /**
   * The score that picks the best checkpoint and drives early stopping
   * (default: the mean of the task scores, name 'mean'). Eval records carry
   * both the mean (`average`) and this `score`, named `selectBy`.
   */
  selectBy?: SelectBy;
  /** Stop after this many evaluations without a better selected score. */
  earlyStoppingPatience?: number;
  /** How much better the selected score must get to reset the patience (default 0). */
  earlyStoppingMinDelta?: number;
  /** Continue from the latest checkpoint in outputDir. */
  resume?: boolean;
  /** Extra fields for the log's "run" record (config, backend, …). */
  runInfo?: Record<string, unknown>;
  onProgress?: (p: TrainProgress) => void;
  /** Set `stopped` to end training at the next step boundary (with a checkpoint). */
  stopSignal?: { stopped: boolean };
}

type OptionalKeys =
  | 'maxSteps'
  | 'evalEvery'
  | 'saveEvery'
  | 'earlyStoppingPatience'
  | 'runInfo'
  | 'onProgress'
  | 'stopSignal';

export type ResolvedTrainerOptions = Required<Omit<TrainerOptions, OptionalKeys>> & Pick<TrainerOptions, OptionalKeys>;

function positive(name: string, v: number, integer: boolean): void {
  if (!(Number.isFinite(v) && v > 0) || (integer && !Number.isInteger(v))) {
    throw new CamtlError(
      'BAD_CONFIG',
      `trainer: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`,
    );
  }
}

/** Defaults: the reference recipe (REFERENCE_RECIPE) and the trainer's own. */
function withDefaults(o: TrainerOptions): ResolvedTrainerOptions {
  const { maxSeqLength: _unused, ...recipe } = REFERENCE_RECIPE;
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as TrainerOptions;
  return {
    ...recipe,
    decay: 'linear',
    adamEpsilon: 1e-8,
    padding: 'longest',
    evalBatchSize: 64,
    keepCheckpoints: 2,
    resume: false,
    earlyStoppingMinDelta: 0,
    selectBy: SELECT_BY_MEAN,
    ...given,
  };
}

/**
 * Task ids are checked here, at the data edge, once: every training row of
 * set t and every dev row carries its task's index. The model then trusts
 * the ids it is given (an out-of-range gather is not an error on every
 * backend, and checking in the forward would be a device read per step).
 */
function checkRowTasks(o: TrainerOptions): void {
  const T = o.tasks.length;
  const bad = (rows: readonly EncodedExample[], t: number) => rows.findIndex((r) => r.task !== t);
  o.train.forEach((rows, t) => {
    if (rows.length === 0)
      throw new CamtlError('BAD_INPUT', `trainer: task "${o.tasks[t].name}" has no training examples`);
    const i = bad(rows, t);
    if (i >= 0)
      throw new CamtlError(
        'BAD_INPUT',
        `trainer: training row ${i} of task "${o.tasks[t].name}" has task id ${rows[i].task}, not ${t}`,
        "encode each task's rows with its index in the model's task list (encodeExamples(…, taskIndex))",
      );
  });
  for (const set of o.dev) {
    const known = Number.isInteger(set.taskIndex) && set.taskIndex >= 0 && set.taskIndex < T;
    const i = known ? bad(set.rows, set.taskIndex) : 0; // an unknown index makes every row wrong
    if (set.rows.length > 0 && i >= 0)
      throw new CamtlError(
        'BAD_INPUT',
        `trainer: dev set "${set.key}" (task index ${set.taskIndex}) has a row with task id ${set.rows[i].task}; the model has ${T} tasks`,
      );
  }
}

export function resolveTrainerOptions(o: TrainerOptions): ResolvedTrainerOptions {
  const r = withDefaults(o);
  for (const k of [
    'learningRate',
    'epochs',
    'batchSize',
    'gradientAccumulation',
    'evalBatchSize',
    'keepCheckpoints',
  ] as const) {
    positive(k, r[k], k !== 'learningRate');
  }
  for (const k of ['maxSteps', 'evalEvery', 'saveEvery', 'earlyStoppingPatience'] as const)
    if (r[k] !== undefined) positive(k, r[k]!, true);
  if (!(r.warmupRatio >= 0 && r.warmupRatio < 1))
    throw new CamtlError('BAD_CONFIG', `trainer: warmupRatio must be in [0, 1), got ${r.warmupRatio}`);
  if (o.tasks.length !== o.model.taskNames.length || o.train.length !== o.tasks.length) {
    throw new CamtlError(
      'BAD_CONFIG',
      `trainer: ${o.tasks.length} task definitions and ${o.train.length} training sets for a model with ${o.model.taskNames.length} tasks`,
    );
  }
  for (const task of o.tasks) checkSpecification('task', task);
  checkRowTasks(o);
  checkSelectBy(r.selectBy);
  return r;
}
