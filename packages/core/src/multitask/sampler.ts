import type { CollateOptions, EncodedExample } from './data';
import type { MultiTaskModel } from './model';
import type { TaskKind } from './tasks';

/** One training example chosen by a sampler: its task and its index in that task's data. */
export interface Draw {
  task: number;
  index: number;
}

export interface SamplerTask {
  name: string;
  size: number;
  kind: TaskKind;
  /** Regression: the variance of the training targets (normalises MT-U's residual uncertainty). */
  targetVariance?: number;
}

export interface SamplerContext {
  tasks: SamplerTask[];
  batchSize: number;
  seed: number;
  /** Planned epochs (the annealed sampler needs it). */
  epochs: number;
  /**
   * The model being trained, for samplers that look at it (MT-Uncertainty
   * scores candidates with a forward pass). The others ignore it. The
   * Trainer always gives it.
   */
  model?: MultiTaskModel;
  /** The tokenized training rows, per task, in the model's task order (`Draw` indexes them). */
  train?: readonly (readonly EncodedExample[])[];
  /** How the trainer pads its batches; a sampler that runs the model pads alike. */
  padTo?: CollateOptions['padTo'];
}

/** `next` must be called in order: samplers keep their own counters (`step` is informative). */
export interface SampleRequest {
  step: number;
  /** 1-based epoch. */
  epoch: number;
}

/** JSON-serialisable sampler state, so a resumed run draws exactly what it would have. */
export type SamplerState = Record<string, unknown>;

/**
 * Chooses the examples of every training step. Asynchronous, so a sampler
 * that reads results of the device (MT-Uncertainty's top-k) awaits them
 * instead of blocking: WebGPU cannot read synchronously in Node.
 */
export interface Sampler {
  readonly specificationVersion: 'v1';
  readonly kind: string;
  /** Steps in one epoch, by this sampler's definition of an epoch. */
  epochLength(): number;
  /**
   * Steps in the whole run, when the sampler fixes it whatever the epochs
   * (a replayed schedule: its length). The trainer then runs
   * min(totalSteps(), maxSteps) steps instead of epochs × epochLength(), and
   * its learning-rate schedule spans as many.
   */
  totalSteps?(): number;
  /** The next batch (it may mix tasks). */
  next(request: SampleRequest): Promise<Draw[]>;
  /** Fraction of the training examples ever returned by `next`, overall and per task. */
  usage(): { overall: number; perTask: number[] };
  getState(): Promise<SamplerState>;
  setState(state: SamplerState): Promise<void>;
  /** Called by the Trainer after each evaluation (MT-U's reference scoring mode scores the next step in eval mode, as HF 2.11 leaves the model). */
  onEvaluate?(): void;
  /** Frees device memory the sampler holds (e.g. MT-U's running statistics). */
  dispose?(): void;
}

/** A sampler plug-in: options in, a factory over the training tasks out. */
export type SamplerFactory = (context: SamplerContext) => Sampler;
