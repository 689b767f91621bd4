import { CamtlError, type SamplerContext } from '@camtl/core';
import { requirePositiveInt, type CommonSamplerOptions } from './base';
import type { RegressionPlan, ScoreFormula } from './mt-scores';

/**
 * Explicit uncertainty for regression heads, whose one-output "softmax" has
 * zero entropy (README, "Regression tasks").
 * - 'quantile' (default): the candidates' squared errors, rank-matched to the
 *   pool's classifier entropies and scaled by the head's 1 − R² on the pool
 *   (capped at 1; exactly 1 for any constant predictor), so an unlearnt
 *   regression task competes like a typical classification task.
 * - 'residual': min(1, (ŷ − y)² / Var(y_t)) per candidate.
 * - 'prior': a fixed score (default 0.5).
 * - 'mc-dropout': the variance of the prediction over `samples` dropout passes,
 *   normalised by the task's prediction spread.
 * - 'borrow': the reference's work-around: the first k regression candidates take
 *   the final scores of the first k candidates of task `from` (default 'mrpc').
 */
export type RegressionUncertainty =
  | { kind: 'quantile' }
  | { kind: 'residual' }
  | { kind: 'prior'; value?: number }
  | { kind: 'mc-dropout'; samples?: number; referenceVariance?: number; momentum?: number }
  | { kind: 'borrow'; from?: string };

/**
 * How the scoring forward runs. 'eval' (default): dropout off. 'train': dropout
 * on (the sampler's own masks). 'reference': dropout on, except at the first
 * step and the first step after each evaluation, where HF 2.11's trainer has
 * the model in eval mode (from_pretrained / evaluate leave it so; only
 * `_training_step` calls model.train(), after the loader has scored).
 */
export type ScoreMode = 'eval' | 'train' | 'reference';

/**
 * 'continue' (default): each task's permutation runs on across epochs.
 * 'restart-each-epoch': every task starts a fresh permutation at each epoch,
 * as the reference's iterator re-creates its task loaders every epoch.
 */
export type StreamMode = 'continue' | 'restart-each-epoch';

export interface MtUncertaintyOptions extends CommonSamplerOptions {
  /** Candidates drawn from every task each step (default: the batch size). */
  candidatesPerTask?: number;
  /** 'reference' (default): ĥ·H̄_t/Ĥ as in the official code; 'paper': ĥ/Ĥ. */
  score?: ScoreFormula;
  regression?: RegressionUncertainty;
  scoreMode?: ScoreMode;
  /** Alias of `scoreMode: 'train'` (true) or 'eval' (false). */
  scoreWithDropout?: boolean;
  streams?: StreamMode;
  /**
   * Every task's best `minRowsPerTask` candidates of a step are selected before
   * the global top-b (default max(1, ⌊b/(2T)⌋), camtl's choice; 0 = the
   * reference's and the paper's plain top-b). Shrinks to ⌊b/T⌋ when b < T·minRowsPerTask.
   */
  minRowsPerTask?: number;
  /**
   * Candidates per scoring forward. The T·c candidates are sorted by length
   * and scored in chunks, each padded to its own longest row, also when
   * training pads to a fixed length (the attention mask hides the padding).
   * Default: each step's chunks are cut where padded tokens plus a fixed cost
   * per forward are fewest (`scoringChunks`); a number gives chunks of that
   * many. Scoring with dropout at a fixed length keeps one forward at that
   * length, as its masks follow the shape. Selections do not depend on it.
   */
  scoreChunkSize?: number;
}

/** Checks the options that do not depend on the tasks; returns the resolved score mode. */
export function checkOptions(options: MtUncertaintyOptions): ScoreMode {
  if (options.candidatesPerTask !== undefined) requirePositiveInt(options.candidatesPerTask, 'candidatesPerTask');
  if (options.scoreChunkSize !== undefined) requirePositiveInt(options.scoreChunkSize, 'scoreChunkSize');
  const m = options.minRowsPerTask;
  if (m !== undefined && !(Number.isInteger(m) && m >= 0)) {
    throw new CamtlError('BAD_CONFIG', `mt-uncertainty minRowsPerTask must be an integer ≥ 0, got ${String(m)}`);
  }
  oneOf('score', options.score, ['reference', 'paper']);
  oneOf('scoreMode', options.scoreMode, ['eval', 'train', 'reference']);
  oneOf('streams', options.streams, ['continue', 'restart-each-epoch']);
  const alias = options.scoreWithDropout === undefined ? undefined : options.scoreWithDropout ? 'train' : 'eval';
  if (alias && options.scoreMode && alias !== options.scoreMode) {
    throw new CamtlError(
      'BAD_CONFIG',
      `mt-uncertainty scoreWithDropout: ${String(options.scoreWithDropout)} contradicts scoreMode '${options.scoreMode}'`,
      'give scoreMode only (scoreWithDropout is its old name)',
    );
  }
  return options.scoreMode ?? alias ?? 'eval';
}

function oneOf(name: string, value: unknown, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new CamtlError(
      'BAD_CONFIG',
      `mt-uncertainty ${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got "${String(value)}"`,
    );
  }
}

/** The regression plan with everything that needs the context (target variances, the borrowed task). */
export function planFor(spec: RegressionUncertainty | undefined, context: SamplerContext): RegressionPlan {
  const r = spec ?? { kind: 'quantile' };
  if (r.kind === 'quantile' || r.kind === 'residual')
    return { kind: r.kind, targetVariance: targetVariances(r.kind, context) };
  if (r.kind === 'borrow') return { kind: 'borrow', from: borrowedTask(r.from ?? 'mrpc', context) };
  return resolveRegression(r);
}

/** Residual-based plans normalise by each regression task's target variance, given in the context. */
function targetVariances(kind: string, context: SamplerContext): number[] {
  // A zero, negative, NaN or infinite variance has no 1 − R² scale (∞ would silently zero every u).
  const missing = context.tasks.find(
    (t) => t.kind === 'regression' && !(Number.isFinite(t.targetVariance) && t.targetVariance! > 0),
  );
  if (missing) {
    throw new CamtlError(
      'BAD_CONFIG',
      `regression uncertainty '${kind}' needs a positive, finite target variance for task "${missing.name}", got ${String(missing.targetVariance)}`,
      "give SamplerTask.targetVariance (the trainer does; constant targets give 0), or use regression: { kind: 'prior' }",
    );
  }
  return context.tasks.map((t) => t.targetVariance ?? 1);
}

/**
 * The donor's task index; -1 when the donor is not trained, where the
 * reference's work-around does not fire (its regression rows keep score 0).
 */
function borrowedTask(from: string, context: SamplerContext): number {
  const index = context.tasks.findIndex((t) => t.name === from);
  if (index >= 0 && context.tasks[index].kind !== 'classification') {
    throw new CamtlError(
      'BAD_CONFIG',
      `regression uncertainty 'borrow' copies the scores of classification task "${from}", which is a ${context.tasks[index].kind} task`,
      `name one of: ${context.tasks
        .filter((t) => t.kind === 'classification')
        .map((t) => t.name)
        .join(', ')}`,
    );
  }
  return index;
}

/** Validates the options of a regression kind before any context exists (fail at configuration time). */
export function resolveRegression(r: RegressionUncertainty | undefined): RegressionPlan {
  const spec = r ?? { kind: 'quantile' };
  if (spec.kind === 'quantile') return { kind: 'quantile' };
  if (spec.kind === 'residual') return { kind: 'residual', targetVariance: [] };
  if (spec.kind === 'borrow') {
    if (spec.from !== undefined && typeof spec.from !== 'string')
      throw new CamtlError('BAD_CONFIG', `regression borrow.from must be a task name, got ${String(spec.from)}`);
    return { kind: 'borrow', from: -1 };
  }
  if (spec.kind === 'prior') {
    const value = spec.value ?? 0.5;
    if (!(value >= 0 && value <= 1)) {
      throw new CamtlError('BAD_CONFIG', `regression prior must be in [0, 1], got ${value}`);
    }
    return { kind: 'prior', value };
  }
  if (spec.kind === 'mc-dropout') return mcDropoutPlan(spec);
  throw new CamtlError(
    'BAD_CONFIG',
    `unknown regression uncertainty "${String((spec as { kind?: unknown }).kind)}"`,
    "use 'quantile', 'residual', 'prior', 'mc-dropout' or 'borrow'",
  );
}

function mcDropoutPlan(spec: Extract<RegressionUncertainty, { kind: 'mc-dropout' }>): RegressionPlan {
  const samples = spec.samples ?? 4;
  const momentum = spec.momentum ?? 0.9;
  if (!Number.isInteger(samples) || samples < 2) {
    throw new CamtlError('BAD_CONFIG', `mc-dropout needs samples ≥ 2 (a variance), got ${samples}`);
  }
  if (!(momentum >= 0 && momentum < 1)) {
    throw new CamtlError('BAD_CONFIG', `mc-dropout momentum must be in [0, 1), got ${momentum}`);
  }
  const ref = spec.referenceVariance;
  if (ref !== undefined && !(ref > 0 && Number.isFinite(ref))) {
    throw new CamtlError('BAD_CONFIG', `mc-dropout referenceVariance must be positive, got ${ref}`);
  }
  return { kind: 'mc-dropout', samples, momentum, referenceVariance: ref };
}
