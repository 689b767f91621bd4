import { CamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import type { CollateOptions, EncodedExample } from './data';
import type { EvalSet } from './evaluate';
import type { MultiTaskModel } from './model';
import type { SamplerFactory } from './sampler';
import type { TaskDefinition } from './tasks';

/** A log record (JSONL line); the shapes are those @camtl/report reads. */
export type TrainLogRecord = Record<string, unknown> & { type: string };

export interface TrainProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  examplesPerSecond: number;
  phase: 'train' | 'eval';
}

export interface TrainerOptions {
  model: MultiTaskModel;
  /** Task definitions in the model's task order. */
  tasks: TaskDefinition[];
  /** Tokenized training examples, per task (same order). */
  train: EncodedExample[][];
  /** Labelled evaluation sets (dev splits). */
  dev: EvalSet[];
  sampler: SamplerFactory;
  outputDir: string;
  fs: FileSystem;
  /** Recipe defaults (spec §5): 2e-5, 5 epochs, 10 % warmup, linear decay, clip 1.0, batch 32. */
  learningRate?: number;
  epochs?: number;
  maxSteps?: number;
  batchSize?: number;
  warmupRatio?: number;
  decay?: 'linear' | 'cosine' | 'constant';
  weightDecay?: number;
  adamEpsilon?: number;
  maxGradNorm?: number;
  gradientAccumulation?: number;
  padding?: CollateOptions['padTo'];
  /** Evaluate every N steps (and at the end of every epoch). */
  evalEvery?: number;
  evalBatchSize?: number;
  /** Save a checkpoint every N steps (and after each evaluation); default: at evaluations only. */
  saveEvery?: number;
  keepCheckpoints?: number;
  /** Stop after this many evaluations without a better average. */
  earlyStoppingPatience?: number;
  /** How much better the average must get to reset the patience (default 0). */
  earlyStoppingMinDelta?: number;
  seed?: number;
  /** Continue from the latest checkpoint in outputDir. */
  resume?: boolean;
  /** Extra fields for the log's "run" record (config, backend, …). */
  runInfo?: Record<string, unknown>;
  onProgress?: (p: TrainProgress) => void;
  /** Set `stopped` to end training at the next step boundary (with a checkpoint). */
  stopSignal?: { stopped: boolean };
}

export type ResolvedTrainerOptions = Required<
  Omit<
    TrainerOptions,
    'maxSteps' | 'evalEvery' | 'saveEvery' | 'earlyStoppingPatience' | 'runInfo' | 'onProgress' | 'stopSignal'
  >
> &
  Pick<
    TrainerOptions,
    'maxSteps' | 'evalEvery' | 'saveEvery' | 'earlyStoppingPatience' | 'runInfo' | 'onProgress' | 'stopSignal'
  >;

function positive(name: string, v: number, integer: boolean): void {
  if (!(Number.isFinite(v) && v > 0) || (integer && !Number.isInteger(v))) {
    throw new CamtlError(
      'BAD_CONFIG',
      `trainer: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`,
    );
  }
}

export function resolveTrainerOptions(o: TrainerOptions): ResolvedTrainerOptions {
  const r: ResolvedTrainerOptions = {
    learningRate: 2e-5,
    epochs: 5,
    batchSize: 32,
    warmupRatio: 0.1,
    decay: 'linear',
    weightDecay: 0,
    adamEpsilon: 1e-8,
    maxGradNorm: 1.0,
    gradientAccumulation: 1,
    padding: 'longest',
    evalBatchSize: 64,
    keepCheckpoints: 2,
    seed: 12,
    resume: false,
    earlyStoppingMinDelta: 0,
    ...o,
  };
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
  o.train.forEach((rows, t) => {
    if (rows.length === 0)
      throw new CamtlError('BAD_INPUT', `trainer: task "${o.tasks[t].name}" has no training examples`);
  });
  return r;
}
