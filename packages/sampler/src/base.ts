import {
  CamtlError,
  Rng,
  TASK_KINDS,
  type Draw,
  type SampleRequest,
  type Sampler,
  type SamplerContext,
  type SamplerState,
} from '@camtl/core';
import { isRngState, PermutationStream, type StreamState } from './stream';
import { UsageTracker } from './usage';

/** Options every sampler accepts. */
export interface CommonSamplerOptions {
  /** Steps per epoch, overriding the sampler's own definition. */
  epochLength?: number;
}

const STATE_VERSION = 1;

/**
 * Shared plumbing: context checks, the seeded generators, usage bitsets, the
 * batch counter and the JSON state envelope. Subclasses only decide which
 * draws make the next batch and which extra fields their state needs.
 */
export abstract class BaseSampler implements Sampler {
  readonly specificationVersion = 'v1' as const;
  abstract readonly kind: string;
  protected readonly sizes: number[];
  protected readonly batchSize: number;
  /** Generator for task choices; each permutation stream has its own. */
  protected readonly rng: Rng;
  /** Batches returned so far (round-robin cycles on it). */
  protected batches = 0;
  private readonly tracker: UsageTracker;
  private readonly streamSeeds: number[];
  /** Seed of a generator for scoring with dropout (MT-U); drawn after the stream seeds, so theirs are unchanged. */
  protected readonly scoringSeed: number;

  constructor(
    protected readonly context: SamplerContext,
    private readonly common: CommonSamplerOptions = {},
  ) {
    validateContext(context);
    if (common.epochLength !== undefined) requirePositiveInt(common.epochLength, 'epochLength');
    this.sizes = context.tasks.map((t) => t.size);
    this.batchSize = context.batchSize;
    // Derive every generator from one seed, in a fixed order, so that adding
    // a sampler option never changes another generator's stream.
    const master = new Rng(context.seed);
    this.rng = master.fork();
    this.streamSeeds = Array.from({ length: 1 + this.sizes.length }, () => master.nextUint32());
    this.scoringSeed = master.nextUint32();
    this.tracker = new UsageTracker(this.sizes);
  }

  /** Steps per epoch as this sampler defines it, unless overridden. */
  protected abstract defaultEpochLength(): number;
  protected abstract draw(request: SampleRequest): Draw[] | Promise<Draw[]>;
  protected abstract saveExtra(): Record<string, unknown> | Promise<Record<string, unknown>>;
  protected abstract loadExtra(state: Record<string, unknown>): void;

  epochLength(): number {
    return this.common.epochLength ?? this.defaultEpochLength();
  }

  async next(request: SampleRequest): Promise<Draw[]> {
    const draws = await this.draw(request);
    for (const d of draws) this.tracker.mark(d.task, d.index);
    this.batches += 1;
    return draws;
  }

  usage(): { overall: number; perTask: number[] } {
    return this.tracker.usage();
  }

  async getState(): Promise<SamplerState> {
    return {
      kind: this.kind,
      version: STATE_VERSION,
      batches: this.batches,
      rng: this.rng.state(),
      usage: this.tracker.toJSON(),
      ...(await this.saveExtra()),
    };
  }

  async setState(state: SamplerState): Promise<void> {
    if (state?.kind !== this.kind || state.version !== STATE_VERSION) {
      throw new CamtlError(
        'BAD_INPUT',
        `sampler state is for "${String(state?.kind)}" v${String(state?.version)}, not "${this.kind}" v${STATE_VERSION}`,
        'resume with the sampler the state was saved from',
      );
    }
    if (!isRngState(state.rng) || !Number.isInteger(state.batches) || (state.batches as number) < 0) {
      throw new CamtlError('BAD_INPUT', 'sampler state: malformed generator state or batch counter');
    }
    this.loadExtra(state);
    this.tracker.restore(state.usage);
    this.rng.setState(state.rng);
    this.batches = state.batches as number;
  }

  /** A fresh permutation stream; `slot` fixes which derived seed it uses. */
  protected stream(slot: number, size: number): PermutationStream {
    return new PermutationStream(size, this.streamSeeds[slot]);
  }

  /** One stream per task (slots 1..T; slot 0 is the union stream). */
  protected taskStreams(): PermutationStream[] {
    return this.sizes.map((n, t) => this.stream(t + 1, n));
  }
}

export function saveStreams(streams: PermutationStream[]): StreamState[] {
  return streams.map((s) => s.state());
}

export function loadStreams(streams: PermutationStream[], saved: unknown): void {
  if (!Array.isArray(saved) || saved.length !== streams.length) {
    throw new CamtlError('BAD_INPUT', `sampler state: expected ${streams.length} permutation streams`);
  }
  streams.forEach((s, i) => s.setState(saved[i] as StreamState));
}

export function validateContext(context: SamplerContext): void {
  const { tasks, batchSize, seed, epochs } = context;
  if (!Array.isArray(tasks) || tasks.length === 0) {
    throw new CamtlError('BAD_CONFIG', 'a sampler needs at least one task');
  }
  tasks.forEach((t) => {
    if (!Number.isInteger(t.size) || t.size <= 0) {
      throw new CamtlError('BAD_CONFIG', `task "${t.name}" has size ${t.size}; a sampler needs ≥ 1 example per task`);
    }
    if (!TASK_KINDS.includes(t.kind)) {
      throw new CamtlError('BAD_CONFIG', `task "${t.name}" has unknown kind "${String(t.kind)}"`);
    }
  });
  requirePositiveInt(batchSize, 'batchSize');
  requirePositiveInt(epochs, 'epochs');
  if (!Number.isInteger(seed)) throw new CamtlError('BAD_CONFIG', `sampler seed must be an integer, got ${seed}`);
}

export function requirePositiveInt(value: unknown, name: string): void {
  if (!Number.isInteger(value) || (value as number) <= 0) {
    throw new CamtlError('BAD_CONFIG', `sampler option ${name} must be a positive integer, got ${String(value)}`);
  }
}

/** Total examples over all tasks. */
export function totalSize(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a + b, 0);
}
