import { CamtlError, Rng, type Draw, type SamplerContext, type SamplerFactory } from '@camtl/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseSampler, loadStreams, requirePositiveInt, saveStreams, type CommonSamplerOptions } from './base';
import { modelScorer, scoringSource, type Scorer } from './candidate-scoring';
import {
  selectTopK,
  type CandidatePool,
  type RegressionPlan,
  type ScoreFormula,
  type SpreadEstimate,
} from './mt-scores';
import { isRngState, type PermutationStream } from './stream';

/**
 * Explicit uncertainty for regression heads, whose one-output "softmax" has
 * zero entropy. 'residual' (default): the candidate's squared error over the
 * task's target variance, capped at 1 (1 − R² on average; the targets come
 * from the training rows). 'prior': a fixed score (default 0.5).
 * 'mc-dropout': the variance of the prediction over `samples` dropout passes, normalised by
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
  /**
   * Candidates per scoring forward with dynamic padding (default: the batch
   * size): the T·c candidates are sorted by length and scored in chunks of
   * this many, each padded to its own longest row. Ignored with a fixed
   * padding length. Selections do not depend on it.
   */
  scoreChunkSize?: number;
}

/** Makes the scorer a sampler scores with, given the sampler's dropout generator. */
type ScorerFactory = (dropoutRng: Rng) => Scorer;

/**
 * MT-Uncertainty (CA-MTL): each step draws c candidates from every task,
 * scores them with the model (a forward pass over the context's model and
 * training rows) and keeps the b most uncertain. Unselected candidates are
 * consumed like the reference's (they return in the task's next pass). An
 * epoch is max_t ⌈n_t/c⌉ · T steps, the reference's length.
 */
class MtUncertaintySampler extends BaseSampler {
  readonly kind = 'mt-uncertainty';
  private readonly streams: PermutationStream[];
  private readonly candidates: number;
  private readonly spread: SpreadEstimate;
  /** Dropout masks when scoring in train mode (scoreWithDropout, mc-dropout). */
  private readonly dropoutRng: Rng;
  private readonly scorer: Scorer;

  constructor(
    context: SamplerContext,
    private readonly options: MtUncertaintyOptions,
    private readonly plan: RegressionPlan,
    makeScorer: ScorerFactory,
  ) {
    super(context, options);
    this.candidates = options.candidatesPerTask ?? context.batchSize;
    this.streams = this.taskStreams();
    this.spread = { ema: null, updates: this.sizes.map(() => 0) };
    this.dropoutRng = new Rng(this.scoringSeed);
    this.scorer = makeScorer(this.dropoutRng);
  }

  /** Releases the running spread estimate kept on the device (mc-dropout only). */
  dispose(): void {
    this.spread.ema?.dispose();
    this.spread.ema = null;
  }

  protected defaultEpochLength(): number {
    return Math.max(...this.sizes.map((n) => Math.ceil(n / this.candidates))) * this.sizes.length;
  }

  protected async draw(): Promise<Draw[]> {
    // A scorer that throws must not cost the candidates (or the dropout
    // masks) it was shown, or a retried step would differ from an
    // uninterrupted run.
    const before = { streams: saveStreams(this.streams), rng: this.dropoutRng.state() };
    const pool = this.candidatePool();
    try {
      const chosen = await selectTopK(this.scorer, {
        pool,
        k: Math.min(this.batchSize, pool.draws.length),
        formula: this.options.score ?? 'reference',
        dropout: this.options.scoreWithDropout ?? false,
        plan: this.plan,
        spread: this.spread,
      });
      return chosen.map((i) => pool.draws[i]);
    } catch (e) {
      loadStreams(this.streams, before.streams);
      this.dropoutRng.setState(before.rng);
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

  protected async saveExtra(): Promise<Record<string, unknown>> {
    // The spread average is float32 on the device; reading it back as numbers
    // and uploading it again on restore is exact.
    const ema = this.spread.ema ? Array.from(await this.spread.ema.data()) : null;
    return {
      streams: saveStreams(this.streams),
      spread: { ema, updates: [...this.spread.updates] },
      dropoutRng: this.dropoutRng.state(),
    };
  }

  protected loadExtra(state: Record<string, unknown>): void {
    loadStreams(this.streams, state.streams);
    const spread = state.spread as { ema?: unknown; updates?: unknown } | undefined;
    const T = this.sizes.length;
    const okEma = spread?.ema === null || (Array.isArray(spread?.ema) && spread.ema.length === T);
    const okUpdates = Array.isArray(spread?.updates) && spread.updates.length === T;
    if (!okEma || !okUpdates) throw new CamtlError('BAD_INPUT', 'sampler state: malformed mt-uncertainty spread');
    // States saved before the sampler owned its scoring have no dropout generator: keep the fresh one.
    if (state.dropoutRng !== undefined && !isRngState(state.dropoutRng))
      throw new CamtlError('BAD_INPUT', 'sampler state: malformed mt-uncertainty dropout generator');
    if (state.dropoutRng !== undefined) this.dropoutRng.setState(state.dropoutRng);
    this.dispose();
    this.spread.ema = spread!.ema === null ? null : tf.keep(tf.tensor1d(spread!.ema as number[]));
    this.spread.updates = [...(spread!.updates as number[])];
  }
}

/**
 * The MT-Uncertainty plug-in. Its context must carry the model and the
 * training rows (the Trainer passes them): candidates are scored with a
 * forward pass, in length-sorted chunks of the batch size.
 */
export function mtUncertainty(options: MtUncertaintyOptions = {}): SamplerFactory {
  return mtUncertaintyWith(options, (context) => {
    const source = scoringSource(context);
    return (rng) => modelScorer(source, rng, options.scoreChunkSize ?? context.batchSize);
  });
}

/**
 * MT-Uncertainty over another scorer (tests give exact, known scores).
 * @internal Not exported from the package.
 */
export function mtUncertaintyWith(
  options: MtUncertaintyOptions,
  scorerFor: (context: SamplerContext) => ScorerFactory,
): SamplerFactory {
  const plan = resolveRegression(options.regression);
  if (options.candidatesPerTask !== undefined) requirePositiveInt(options.candidatesPerTask, 'candidatesPerTask');
  if (options.scoreChunkSize !== undefined) requirePositiveInt(options.scoreChunkSize, 'scoreChunkSize');
  if (options.score !== undefined && options.score !== 'reference' && options.score !== 'paper') {
    throw new CamtlError(
      'BAD_CONFIG',
      `mt-uncertainty score must be 'reference' or 'paper', got "${String(options.score)}"`,
    );
  }
  return (context) => new MtUncertaintySampler(context, options, withTargets(plan, context), scorerFor(context));
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
