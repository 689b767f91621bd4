import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { type GradMap, sameShape, shapeStr, toGradMap } from './grads';

/**
 * Gradient accumulation over micro-batches, equivalent to HF's Trainer
 * (`loss = loss / gradient_accumulation_steps; loss.backward()` for each
 * micro-batch, the grads summing in `.grad`): `take()` returns
 * Σ grads / steps, i.e. the mean over a full group of `steps` micro-batches.
 *
 * A name missing from some micro-batches (e.g. a task head no batch used)
 * just gets fewer terms, exactly as torch accumulates into `.grad`.
 */
export class GradientAccumulator {
  private sums = new Map<string, tf.Tensor>();
  private n = 0;
  private disposed = false;
  readonly steps: number;

  constructor(steps: number) {
    if (!(Number.isSafeInteger(steps) && steps >= 1)) {
      throw new CamtlError('BAD_CONFIG', `GradientAccumulator: steps must be an integer ≥ 1, got ${steps}`);
    }
    this.steps = steps;
  }

  /** Micro-batches added since the last take(). */
  get count(): number {
    return this.n;
  }

  /** True once `steps` micro-batches have been added. */
  get ready(): boolean {
    return this.n >= this.steps;
  }

  /**
   * Adds one micro-batch's gradients and TAKES OWNERSHIP of them: they are
   * disposed here (also when this throws), so callers never dispose them.
   * Adding past `ready` is allowed (HF carries leftover micro-batches into the
   * next group); they simply add more terms.
   */
  add(grads: GradMap): void {
    const incoming = toGradMap(grads);
    try {
      if (this.disposed) throw new CamtlError('BAD_INPUT', 'GradientAccumulator: used after dispose()');
      this.checkShapes(incoming);
    } catch (e) {
      for (const g of incoming.values()) g.dispose();
      throw e;
    }
    // tf.keep: the sums outlive this call, so a tidy the caller runs us in
    // must not free them.
    for (const [name, g] of incoming) {
      const prev = this.sums.get(name);
      if (prev) {
        this.sums.set(name, tf.keep(tf.add(prev, g)));
        prev.dispose();
        g.dispose();
      } else {
        this.sums.set(name, tf.keep(g));
      }
    }
    this.n++;
  }

  /**
   * The accumulated gradients divided by `divideBy` and resets.
   * 'steps' (default) divides by the configured steps, as HF does even for a
   * short final group; 'count' divides by the micro-batches actually added
   * (the true mean of a short group). Both agree when the group is full.
   * The returned tensors are new and the caller disposes them.
   */
  take(divideBy: 'steps' | 'count' = 'steps'): Map<string, tf.Tensor> {
    if (this.disposed) throw new CamtlError('BAD_INPUT', 'GradientAccumulator: used after dispose()');
    if (this.n === 0) throw new CamtlError('BAD_INPUT', 'GradientAccumulator: take() before any add()');
    const d = divideBy === 'count' ? this.n : this.steps;
    const out = new Map<string, tf.Tensor>();
    for (const [name, sum] of this.sums) {
      // d = 1 still copies, so ownership is uniform: everything returned is new.
      out.set(name, tf.div(sum, d));
      sum.dispose();
    }
    this.sums = new Map();
    this.n = 0;
    return out;
  }

  /** Frees anything accumulated and not taken. */
  dispose(): void {
    for (const t of this.sums.values()) t.dispose();
    this.sums = new Map();
    this.n = 0;
    this.disposed = true;
  }

  private checkShapes(incoming: Map<string, tf.Tensor>): void {
    for (const [name, g] of incoming) {
      if (g.isDisposed) throw new CamtlError('BAD_INPUT', `GradientAccumulator: gradient of "${name}" is disposed`);
      const prev = this.sums.get(name);
      if (prev && !sameShape(prev.shape, g.shape)) {
        throw new CamtlError(
          'SHAPE_MISMATCH',
          `GradientAccumulator: gradient of "${name}" has shape ${shapeStr(g.shape)}, earlier ones ${shapeStr(prev.shape)}`,
        );
      }
    }
  }
}
