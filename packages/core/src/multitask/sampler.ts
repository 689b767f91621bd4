import type * as tf from '@tensorflow/tfjs-core';
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
}

/** `next` must be called in order: samplers keep their own counters (`step` is informative). */
export interface SampleRequest {
  step: number;
  /** 1-based epoch. */
  epoch: number;
}

/**
 * Model scores of candidate examples, computed on the device: the normalised
 * entropy of each row's head, and the raw prediction (regression heads).
 */
export interface CandidateScores {
  normalizedEntropy: tf.Tensor1D;
  prediction: tf.Tensor1D;
  /** The candidates' training targets (regression uncertainty by residuals). */
  target?: tf.Tensor1D;
}

/** Scores candidates with the current model (inference mode unless `dropout`); the sampler disposes the tensors. */
export type Scorer = (draws: Draw[], options: { dropout: boolean }) => CandidateScores;

/** JSON-serialisable sampler state, so a resumed run draws exactly what it would have. */
export type SamplerState = Record<string, unknown>;

export interface Sampler {
  readonly specificationVersion: 'v1';
  readonly kind: string;
  /** Whether `next` needs a scorer (MT-Uncertainty). */
  readonly needsScorer: boolean;
  /** Steps in one epoch, by this sampler's definition of an epoch. */
  epochLength(): number;
  /** The next batch (it may mix tasks). */
  next(request: SampleRequest, scorer?: Scorer): Draw[];
  /** Fraction of the training examples ever returned by `next`, overall and per task. */
  usage(): { overall: number; perTask: number[] };
  getState(): SamplerState;
  setState(state: SamplerState): void;
  /** Frees device memory the sampler holds (e.g. MT-U's running statistics). */
  dispose?(): void;
}

/** A sampler plug-in: options in, a factory over the training tasks out. */
export type SamplerFactory = (context: SamplerContext) => Sampler;
