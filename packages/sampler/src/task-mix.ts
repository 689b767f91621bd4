import { CamtlError, type Draw, type SampleRequest, type SamplerContext, type SamplerFactory } from '@camtl/core';
import { BaseSampler, loadStreams, saveStreams, totalSize, type CommonSamplerOptions } from './base';
import { annealedDistribution, cumulative, pick, temperatureDistribution, uniformDistribution } from './distributions';
import type { PermutationStream } from './stream';

/**
 * How a batch is composed. 'mixed': each example's task is drawn on its own
 * (CA-MTL's model handles mixed-task batches). 'single-task': one task per
 * batch, as Hyperformer's sampler does.
 */
export type BatchComposition = 'mixed' | 'single-task';

export interface TaskMixOptions extends CommonSamplerOptions {
  batches?: BatchComposition;
}

export interface TemperatureOptions extends TaskMixOptions {
  /** Temperature T in p_t ∝ n_t^(1/T); default 10 (Hyperformer). */
  T?: number;
}

/** How the task(s) of the next batch are chosen. */
type TaskPolicy = { kind: 'distribution'; probabilities: (epoch: number) => number[] } | { kind: 'cycle' };

/**
 * Baselines that pick tasks from a fixed (or epoch-dependent) distribution or
 * in a fixed cycle, then take the examples of each chosen task from that
 * task's permutation without replacement. An epoch is ⌈N/b⌉ steps, the same
 * number of examples as one pass of the proportional sampler, so step budgets
 * (and learning-rate schedules) are comparable across these samplers.
 */
class TaskMixSampler extends BaseSampler {
  private readonly streams: PermutationStream[];
  private readonly composition: BatchComposition;
  private cdfCache: { epoch: number; cdf: number[] } | undefined;

  constructor(
    readonly kind: string,
    context: SamplerContext,
    private readonly policy: TaskPolicy,
    options: TaskMixOptions,
    defaultComposition: BatchComposition,
  ) {
    super(context, options);
    this.composition = options.batches ?? defaultComposition;
    if (this.composition !== 'mixed' && this.composition !== 'single-task') {
      throw new CamtlError(
        'BAD_CONFIG',
        `sampler option batches must be 'mixed' or 'single-task', got "${String(this.composition)}"`,
      );
    }
    this.streams = this.taskStreams();
  }

  protected defaultEpochLength(): number {
    return Math.ceil(totalSize(this.sizes) / this.batchSize);
  }

  protected draw(request: SampleRequest): Draw[] {
    if (this.composition === 'single-task') {
      // Never crosses the task's pass boundary: the last batch of a
      // task-epoch may be short, but no batch repeats an example.
      const task = this.chooseTask(request.epoch, this.batches);
      return this.streams[task].take(this.batchSize).map((index) => ({ task, index }));
    }
    const draws: Draw[] = [];
    for (let j = 0; j < this.batchSize; j++) {
      // Mixed round-robin cycles per example, so every batch holds ≈ b/T of each task.
      const task = this.chooseTask(request.epoch, this.batches * this.batchSize + j);
      draws.push({ task, index: this.streams[task].takeOne() });
    }
    return draws;
  }

  protected saveExtra(): Record<string, unknown> {
    return { streams: saveStreams(this.streams) };
  }

  protected loadExtra(state: Record<string, unknown>): void {
    loadStreams(this.streams, state.streams);
  }

  private chooseTask(epoch: number, position: number): number {
    if (this.policy.kind === 'cycle') return position % this.sizes.length;
    return pick(this.cdf(epoch), this.rng.next());
  }

  private cdf(epoch: number): number[] {
    if (!Number.isInteger(epoch) || epoch < 1) {
      throw new CamtlError('BAD_INPUT', `sample request epoch must be a 1-based integer, got ${epoch}`);
    }
    if (this.cdfCache?.epoch !== epoch) {
      this.cdfCache = {
        epoch,
        cdf: cumulative(this.policy.kind === 'distribution' ? this.policy.probabilities(epoch) : []),
      };
    }
    return this.cdfCache.cdf;
  }
}

/** Temperature sampling, p_t ∝ n_t^(1/T) (default T = 10, mixed batches). */
export function temperature(options: TemperatureOptions = {}): SamplerFactory {
  const T = options.T ?? 10;
  temperatureDistribution([1], T); // reject a bad T when the plug-in is configured, not at first use
  return (context) => {
    const p = temperatureDistribution(
      context.tasks.map((t) => t.size),
      T,
    );
    return new TaskMixSampler(
      'temperature',
      context,
      { kind: 'distribution', probabilities: () => p },
      options,
      'mixed',
    );
  };
}

/** PALs annealed sampling, p_t ∝ n_t^α(e), α from 1 (epoch 1) to 0.2 (epoch E = context.epochs). */
export function annealed(options: TaskMixOptions = {}): SamplerFactory {
  return (context) => {
    const sizes = context.tasks.map((t) => t.size);
    const probabilities = (epoch: number) => annealedDistribution(sizes, epoch, context.epochs);
    return new TaskMixSampler('annealed', context, { kind: 'distribution', probabilities }, options, 'mixed');
  };
}

/** Uniform task sampling, p_t = 1/T. */
export function uniform(options: TaskMixOptions = {}): SamplerFactory {
  return (context) => {
    const p = uniformDistribution(context.tasks.map((t) => t.size));
    return new TaskMixSampler('uniform', context, { kind: 'distribution', probabilities: () => p }, options, 'mixed');
  };
}

/** Round-robin: batch k is task k mod T (single-task, default), or example j of the run is task j mod T (mixed). */
export function roundRobin(options: TaskMixOptions = {}): SamplerFactory {
  return (context) => new TaskMixSampler('round-robin', context, { kind: 'cycle' }, options, 'single-task');
}
