import { CamtlError, Rng, type RngState } from '@camtl/core';

/** Serialised form of a {@link PermutationStream}: the permutation is stored as its seed. */
export interface StreamState {
  /** Generator state just before the current permutation was shuffled. */
  permutationSeed: RngState;
  cursor: number;
  /** How many permutations have been started (1 after construction). */
  passes: number;
}

/**
 * One seeded permutation of 0..n-1, consumed without replacement and
 * reshuffled when exhausted, so each pass ("task-epoch") visits every index
 * exactly once. Only the generator state that produced the permutation is
 * saved; restoring regenerates it in O(n) instead of storing n integers.
 */
export class PermutationStream {
  private readonly rng: Rng;
  private order: Uint32Array;
  private seed: RngState;
  private cursor = 0;
  private passes = 0;

  constructor(
    readonly size: number,
    seed: number | RngState,
  ) {
    if (!Number.isInteger(size) || size <= 0) {
      throw new CamtlError('BAD_INPUT', `a sampler stream needs a positive integer size, got ${size}`);
    }
    this.rng = new Rng(seed);
    this.order = new Uint32Array(size);
    this.seed = this.rng.state();
    this.reshuffle();
  }

  /** Indices left in the current pass. */
  remaining(): number {
    return this.size - this.cursor;
  }

  /**
   * Up to `k` indices from the current pass; starts a new pass first if this
   * one is exhausted. Never crosses a pass boundary, so one call never
   * repeats an index (like the last, shorter batch of a DataLoader).
   */
  take(k: number): number[] {
    if (this.cursor >= this.size) this.reshuffle();
    const end = Math.min(this.size, this.cursor + k);
    const out = Array.from(this.order.subarray(this.cursor, end));
    this.cursor = end;
    return out;
  }

  /** Starts a new pass now (a fresh permutation), whatever is left of this one. */
  restart(): void {
    this.reshuffle();
  }

  /** The next single index, reshuffling when needed. */
  takeOne(): number {
    if (this.cursor >= this.size) this.reshuffle();
    return this.order[this.cursor++];
  }

  state(): StreamState {
    return { permutationSeed: [...this.seed] as RngState, cursor: this.cursor, passes: this.passes };
  }

  setState(state: StreamState): void {
    const { permutationSeed, cursor, passes } = state ?? ({} as StreamState);
    if (!isRngState(permutationSeed) || !isCount(cursor, this.size) || !isCount(passes)) {
      throw new CamtlError('BAD_INPUT', 'sampler state: malformed permutation stream');
    }
    this.rng.setState(permutationSeed);
    this.seed = [...permutationSeed] as RngState;
    this.shuffleInPlace();
    this.cursor = cursor;
    this.passes = passes;
  }

  private reshuffle(): void {
    this.seed = this.rng.state();
    this.shuffleInPlace();
    this.cursor = 0;
    this.passes += 1;
  }

  /** Fisher–Yates from the identity, drawing from the stream's own generator. */
  private shuffleInPlace(): void {
    const order = this.order;
    for (let i = 0; i < order.length; i++) order[i] = i;
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
}

export function isRngState(value: unknown): value is RngState {
  return (
    Array.isArray(value) && value.length === 4 && value.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)
  );
}

function isCount(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max;
}
