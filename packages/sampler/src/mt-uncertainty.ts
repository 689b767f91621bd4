import {
  CamtlError,
  type Draw,
  type SampleRequest,
  type SamplerContext,
  type SamplerFactory,
  type Scorer,
} from '@camtl/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseSampler, loadStreams, requirePositiveInt, saveStreams, type CommonSamplerOptions } from './base';
import {
  selectTopK,
  type CandidatePool,
  type RegressionPlan,
  type ScoreFormula,
  type SpreadEstimate,
} from './mt-scores';
import type { PermutationStream } from './stream';

/**
 * Explicit uncertainty for regression heads, whose one-output "softmax" has
 * zero entropy. 'residual' (default): the candidate's squared error over the
 * task's target variance, capped at 1 (1 − R² on average; needs the targets,
 * which the trainer's scorer returns). 'prior': a fixed score (default 0.5).
 * 'mc-dropout': the
 * variance of the prediction over `samples` dropout passes, normalised by
 * the task's prediction spread (see README).
 */
export type RegressionUncertainty =
  | { kind: 'residual' }
  | { kind: 'prior'; value?: number }
  | { kind: 'mc-dropout'; samples?: number; referenceVariance?: number; momentum?: number };

export interface MtUncertaintyOptions extends CommonSamplerOptions {
  /** Candidates drawn from every task each step (default: the batch size). */
  candidatesPerTask?: number;
  /** 'reference' (default): ĥ·H̄_t/Ĥ as in the official code; 'paper': ĥ/Ĥ. */
  score?: ScoreFormula;
  regression?: RegressionUncertainty;
  /** Score with dropout on, as the reference does (it scores in train mode). */
  scoreWithDropout?: boolean;
}

/**
 * MT-Uncertainty (CA-MTL): each step draws c candidates from every task,
 * scores them with the model and keeps the b most uncertain. Unselected
 * candidates are consumed like the reference's (they return in the task's
 * next pass). An epoch is max_t ⌈n_t/c⌉ · T steps, the reference's length.
 */
class MtUncertaintySampler extends BaseSampler {
  readonly kind = 'mt-uncertainty';
  override readonly needsScorer = true;
  private readonly streams: PermutationStream[];
  private readonly candidates: number;
  private readonly spread: SpreadEstimate;

  constructor(
    context: SamplerContext,
    private readonly options: MtUncertaintyOptions,
    private readonly plan: RegressionPlan,
  ) {
    super(context, options);
    this.candidates = options.candidatesPerTask ?? context.batchSize;
    this.streams = this.taskStreams();
    this.spread = { ema: null, updates: this.sizes.map(() => 0) };
  }

  /** Releases the running spread estimate kept on the device (mc-dropout only). */
  dispose(): void {
    this.spread.ema?.dispose();
    this.spread.ema = null;
  }

  protected defaultEpochLength(): number {
    return Math.max(...this.sizes.map((n) => Math.ceil(n / this.candidates))) * this.sizes.length;
  }

  protected draw(_request: SampleRequest, scorer?: Scorer): Draw[] {
    if (typeof scorer !== 'function') {
      throw new CamtlError('BAD_INPUT', 'the mt-uncertainty sampler needs a scorer', 'pass the model scorer to next()');
    }
    // A scorer that throws must not cost the candidates it was shown, or a
    // retried step would differ from an uninterrupted run.
    const before = saveStreams(this.streams);
    const pool = this.candidatePool();
    try {
      const chosen = selectTopK(scorer, {
        pool,
        k: Math.min(this.batchSize, pool.draws.length),
        formula: this.options.score ?? 'reference',
        dropout: this.options.scoreWithDropout ?? false,
        plan: this.plan,
        spread: this.spread,
      });
      return chosen.map((i) => pool.draws[i]);
    } catch (e) {
      loadStreams(this.streams, before);
      throw e;
    }
  }

  /** Up to c candidates from every task, in task order (the pool order breaks ties). */
  private candidatePool(): CandidatePool {
    const draws: Draw[] = [];
    const taskIds: number[] = [];
    const counts = this.streams.map((stream, task) => {
      const indices = stream.take(this.candidates);
      for (const index of indices) {
        draws.push({ task, index });
        taskIds.push(task);
      }
      return indices.length;
    });
    const regression = this.context.tasks.map((t) => t.kind === 'regression');
    return { draws, taskIds, counts, regression };
  }

  protected saveExtra(): Record<string, unknown> {
    // The spread average is float32 on the device; reading it back as numbers
    // and uploading it again on restore is exact.
    const ema = this.spread.ema ? Array.from(this.spread.ema.dataSync()) : null;
    return { streams: saveStreams(this.streams), spread: { ema, updates: [...this.spread.updates] } };
  }

  protected loadExtra(state: Record<string, unknown>): void {
    loadStreams(this.streams, state.streams);
    const spread = state.spread as { ema?: unknown; updates?: unknown } | undefined;
    const T = this.sizes.length;
    const okEma = spread?.ema === null || (Array.isArray(spread?.ema) && spread.ema.length === T);
    const okUpdates = Array.isArray(spread?.updates) && spread.updates.length === T;
    if (!okEma || !okUpdates) throw new CamtlError('BAD_INPUT', 'sampler state: malformed mt-uncertainty spread');
    this.dispose();
    this.spread.ema = spread!.ema === null ? null : tf.keep(tf.tensor1d(spread!.ema as number[]));
    this.spread.updates = [...(spread!.updates as number[])];
  }
}

/** The MT-Uncertainty plug-in. */
export function mtUncertainty(options: MtUncertaintyOptions = {}): SamplerFactory {
  const plan = resolveRegression(options.regression);
  if (options.candidatesPerTask !== undefined) requirePositiveInt(options.candidatesPerTask, 'candidatesPerTask');
  if (options.score !== undefined && options.score !== 'reference' && options.score !== 'paper') {
    throw new CamtlError(
      'BAD_CONFIG',
      `mt-uncertainty score must be 'reference' or 'paper', got "${String(options.score)}"`,
    );
  }
  return (context) => new MtUncertaintySampler(context, options, withTargets(plan, context));
}

/** 'residual' normalises by each regression task's target variance, given in the context. */
function withTargets(plan: RegressionPlan, context: SamplerContext): RegressionPlan {
  if (plan.kind !== 'residual') return plan;
  // A zero, negative, NaN or infinite variance has no 1 − R² scale (∞ would silently zero every u).
  const missing = context.tasks.find(
    (t) => t.kind === 'regression' && !(Number.isFinite(t.targetVariance) && t.targetVariance! > 0),
  );
  if (missing) {
    throw new CamtlError(
      'BAD_CONFIG',
      `regression uncertainty 'residual' needs a positive, finite target variance for task "${missing.name}", got ${String(missing.targetVariance)}`,
      "give SamplerTask.targetVariance (the trainer does; constant targets give 0), or use regression: { kind: 'prior' }",
    );
  }
  return { kind: 'residual', targetVariance: context.tasks.map((t) => t.targetVariance ?? 1) };
}

function resolveRegression(r: RegressionUncertainty | undefined): RegressionPlan {
  const spec = r ?? { kind: 'residual' };
  if (spec.kind === 'residual') return { kind: 'residual', targetVariance: [] };
  if (spec.kind === 'prior') {
    const value = spec.value ?? 0.5;
    if (!(value >= 0 && value <= 1)) {
      throw new CamtlError('BAD_CONFIG', `regression prior must be in [0, 1], got ${value}`);
    }
    return { kind: 'prior', value };
  }
  if (spec.kind === 'mc-dropout') {
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
  throw new CamtlError(
    'BAD_CONFIG',
    `unknown regression uncertainty "${String((spec as { kind?: unknown }).kind)}"`,
    "use 'residual', 'prior' or 'mc-dropout'",
  );
}
