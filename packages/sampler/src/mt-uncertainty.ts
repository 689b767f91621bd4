import { CamtlError, Rng, type Draw, type SamplerContext, type SamplerFactory } from '@camtl/core';
import * as tf from '@tensorflow/tfjs-core';
import { BaseSampler, loadStreams, saveStreams } from './base';
import { modelScorer, scoringSource, type Scorer } from './candidate-scoring';
import { defaultFloor } from './task-floor';
import { selectTopK, type CandidatePool, type RegressionPlan, type SpreadEstimate } from './mt-scores';
import { checkOptions, planFor, resolveRegression, type MtUncertaintyOptions, type ScoreMode } from './mt-options';
import { isRngState, type PermutationStream } from './stream';

export type { MtUncertaintyOptions, RegressionUncertainty, ScoreMode, StreamMode } from './mt-options';

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
  /** Dropout masks when scoring in train mode (scoreMode 'train'/'reference', mc-dropout). */
  private readonly dropoutRng: Rng;
  private readonly scorer: Scorer;
  /** scoreMode 'reference': the next scoring runs in eval mode (first step, first step after an evaluation). */
  private evalModeNext = true;

  constructor(
    context: SamplerContext,
    private readonly options: MtUncertaintyOptions,
    private readonly scoreMode: ScoreMode,
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

  /** The Trainer evaluated: HF 2.11's evaluate() leaves the model in eval mode for the next scoring. */
  onEvaluate(): void {
    this.evalModeNext = true;
  }

  protected async draw(): Promise<Draw[]> {
    // A scorer that throws must not cost the candidates (or the dropout
    // masks, or the epoch restart) it was shown, or a retried step would
    // differ from an uninterrupted run.
    const before = { streams: saveStreams(this.streams), rng: this.dropoutRng.state() };
    if (this.options.streams === 'restart-each-epoch' && this.batches > 0 && this.batches % this.epochLength() === 0) {
      // The reference builds fresh task loaders (new permutations) at every epoch.
      for (const stream of this.streams) stream.restart();
    }
    const pool = this.candidatePool();
    try {
      const chosen = await selectTopK(this.scorer, {
        pool,
        k: Math.min(this.batchSize, pool.draws.length),
        formula: this.options.score ?? 'reference',
        dropout: this.scoreMode === 'train' || (this.scoreMode === 'reference' && !this.evalModeNext),
        plan: this.plan,
        spread: this.spread,
        minRowsPerTask: this.options.minRowsPerTask ?? defaultFloor(this.batchSize, this.sizes.length),
      });
      this.evalModeNext = false;
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
      evalModeNext: this.evalModeNext,
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
    if (state.evalModeNext !== undefined && typeof state.evalModeNext !== 'boolean')
      throw new CamtlError('BAD_INPUT', 'sampler state: malformed mt-uncertainty evalModeNext');
    // States saved before scoreMode existed: only a fresh run scores in eval mode next.
    this.evalModeNext = (state.evalModeNext as boolean | undefined) ?? state.batches === 0;
    this.dispose();
    this.spread.ema = spread!.ema === null ? null : tf.keep(tf.tensor1d(spread!.ema as number[]));
    this.spread.updates = [...(spread!.updates as number[])];
  }
}

/**
 * The MT-Uncertainty plug-in. Its context must carry the model and the
 * training rows (the Trainer passes them): candidates are scored with
 * forward passes over length-sorted chunks (`scoreChunkSize`).
 */
export function mtUncertainty(options: MtUncertaintyOptions = {}): SamplerFactory {
  return mtUncertaintyWith(options, (context) => {
    const source = scoringSource(context);
    return (rng) => modelScorer(source, rng, options.scoreChunkSize);
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
  const scoreMode = checkOptions(options);
  resolveRegression(options.regression); // fail at configuration time, before any context
  return (context) =>
    new MtUncertaintySampler(context, options, scoreMode, planFor(options.regression, context), scorerFor(context));
}
