// Training maths: AdamW, lr schedules, gradient clipping and accumulation.
export { AdamW, HF_NO_DECAY, hfNoDecay } from './adamw';
export type { AdamWOptions, AdamWState } from './adamw';
export { lrAt, lrFactor, warmupStepsFromRatio } from './schedule';
export type { ScheduleSpec } from './schedule';
export { clipByGlobalNorm, globalNorm, hasNonFinite } from './clip';
export type { ClipResult } from './clip';
export { GradientAccumulator } from './accumulate';
export { gradsByParamName, toGradMap } from './grads';
export type { GradMap } from './grads';
