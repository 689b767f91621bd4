// @camtl/sampler: multi-task samplers as plug-ins (options in, SamplerFactory out).
export type { CommonSamplerOptions } from './base';
export {
  annealedDistribution,
  annealingAlpha,
  proportionalDistribution,
  temperatureDistribution,
  uniformDistribution,
} from './distributions';
export {
  mtUncertainty,
  type MtUncertaintyOptions,
  type RegressionUncertainty,
  type ScoreMode,
  type StreamMode,
} from './mt-uncertainty';
export type { ScoreFormula } from './mt-scores';
export { proportional } from './proportional';
export { replay, type ReplayOptions, type ScheduleStep } from './replay';
export {
  annealed,
  roundRobin,
  temperature,
  uniform,
  type BatchComposition,
  type TaskMixOptions,
  type TemperatureOptions,
} from './task-mix';
export { createSampler, samplerNames, type SamplerName, type SamplerOptionsByName } from './registry';
