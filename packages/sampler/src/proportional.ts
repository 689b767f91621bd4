import type { Draw, SamplerContext, SamplerFactory } from '@camtl/core';
import { BaseSampler, totalSize, type CommonSamplerOptions } from './base';
import type { PermutationStream, StreamState } from './stream';

/**
 * The reference's default loader: a RandomSampler over the concatenation of
 * all tasks. One seeded permutation of the union per epoch, cut into batches
 * of b, so batches mix tasks and task t appears with probability n_t/N. An
 * epoch is ⌈N/b⌉ steps and visits every example exactly once; its last
 * batch holds the N mod b leftovers (a DataLoader without drop_last).
 */
class ProportionalSampler extends BaseSampler {
  readonly kind = 'proportional';
  private readonly union: PermutationStream;
  /** offsets[t] = first union index of task t (concatenation order). */
  private readonly offsets: number[];

  constructor(context: SamplerContext, options: CommonSamplerOptions) {
    super(context, options);
    this.union = this.stream(0, totalSize(this.sizes));
    let acc = 0;
    this.offsets = this.sizes.map((n) => {
      const start = acc;
      acc += n;
      return start;
    });
  }

  protected defaultEpochLength(): number {
    return Math.ceil(totalSize(this.sizes) / this.batchSize);
  }

  protected draw(): Draw[] {
    return this.union.take(this.batchSize).map((g) => this.locate(g));
  }

  protected saveExtra(): Record<string, unknown> {
    return { union: this.union.state() };
  }

  protected loadExtra(state: Record<string, unknown>): void {
    this.union.setState(state.union as StreamState);
  }

  /** Union index → (task, index within task), by binary search over the offsets. */
  private locate(g: number): Draw {
    let lo = 0;
    let hi = this.offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.offsets[mid] <= g) lo = mid;
      else hi = mid - 1;
    }
    return { task: lo, index: g - this.offsets[lo] };
  }
}

/** Size-proportional sampling by example-level shuffling over the union of all tasks. */
export function proportional(options: CommonSamplerOptions = {}): SamplerFactory {
  return (context) => new ProportionalSampler(context, options);
}
