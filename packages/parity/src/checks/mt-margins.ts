// How robust MT-Uncertainty's selection is: at every step, the gap between
// the k-th and the (k+1)-th candidate score. Float noise between backends
// changes the selection only if it is of that size. Computed on cpu, in the
// reference run only: the model MT-U is given keeps copies of what its
// scoring forwards saw, and the scores are recomputed here in float64 with
// MT-U's 'reference' formula (ĥ·H̄_t/Ĥ, regression by residual). That the
// recomputed top k equals MT-U's own choice is checked and reported.
import * as tf from '@tensorflow/tfjs-core';
import { normalizedEntropy, type Draw, type EncodedExample, type MultiTaskModel } from '@camtl/core';

interface Scored {
  task: number;
  /** The row's tokens (its padding cut off): finds it among the training rows. */
  key: string;
  entropy: number;
  prediction: number;
}

export interface StepMargin {
  /** s_(k) − s_(k+1), scores sorted in decreasing order; Infinity when every candidate is chosen. */
  gap: number;
  /** s_(k), the lowest chosen score. */
  kth: number;
  /** Whether the recomputed top k is the set MT-U chose. */
  agrees: boolean;
}

/** Wraps the model MT-U scores with: the same forward, plus a kept copy of each chunk's scores. */
export class ScoreRecorder {
  private chunks: tf.Tensor[][] = [];

  constructor(private readonly inner: MultiTaskModel) {}

  model(): MultiTaskModel {
    const m = this.inner;
    return {
      store: m.store,
      taskNames: m.taskNames,
      numLabelsPerTask: m.numLabelsPerTask,
      maxSeqLength: m.maxSeqLength,
      save: (dir, fs) => m.save(dir, fs),
      forward: (batch, ctx) => {
        const out = m.forward(batch, ctx);
        const kept = tf.tidy(() => [
          tf.clone(batch.taskIds),
          tf.clone(batch.inputIds),
          tf.clone(batch.attentionMask!),
          normalizedEntropy(out.logits, batch.taskIds, m.numLabelsPerTask),
          tf.reshape(tf.slice(out.logits, [0, 0], [-1, 1]), [-1]),
        ]);
        // MT-U's scorer disposes its forward's tensors when its tidy ends.
        this.chunks.push(kept.map((t) => tf.keep(t)));
        return out;
      },
    };
  }

  /** The candidates scored since the last call, read and freed. */
  async take(): Promise<Scored[]> {
    const out: Scored[] = [];
    for (const chunk of this.chunks) {
      const [taskIds, ids, mask, entropy, prediction] = await Promise.all(chunk.map((t) => t.data()));
      const S = chunk[1].shape[1]!;
      for (let b = 0; b < taskIds.length; b++) {
        const len = Array.from(mask.subarray(b * S, (b + 1) * S)).reduce((a, x) => a + x, 0);
        const key = Array.from(ids.subarray(b * S, b * S + len)).join(',');
        out.push({ task: taskIds[b], key, entropy: entropy[b], prediction: prediction[b] });
      }
      tf.dispose(chunk);
    }
    this.chunks = [];
    return out;
  }

  dispose(): void {
    for (const chunk of this.chunks) tf.dispose(chunk);
    this.chunks = [];
  }
}

export interface MarginTasks {
  rows: readonly (readonly EncodedExample[])[];
  regression: boolean[];
  /** Each task's training-target variance (population, as the Trainer gives it to MT-U). */
  variance: number[];
}

/** Score of each candidate by MT-U's 'reference' formula, in float64. */
function scores(pool: Scored[], targets: number[], t: MarginTasks): number[] {
  const u = pool.map((c, i) =>
    t.regression[c.task]
      ? Math.min(1, (c.prediction - targets[i]) ** 2 / Math.max(t.variance[c.task], 1e-12))
      : c.entropy,
  );
  const sum = t.rows.map(() => 0);
  const count = t.rows.map(() => 0);
  pool.forEach((c, i) => ((sum[c.task] += u[i]), (count[c.task] += 1)));
  const mean = sum.map((s, task) => (count[task] ? s / count[task] : 0));
  const max = Math.max(...mean);
  return u.map((x, i) => (max > 0 ? (x * mean[pool[i].task]) / max : 0));
}

/** The gap at rank k of one step's pool, and whether its top k is `chosen`. */
export function stepMargin(pool: Scored[], chosen: Draw[], t: MarginTasks): StepMargin {
  const index = t.rows.map((rows) => new Map(rows.map((r, i) => [r.ids.join(','), i])));
  const draws = pool.map((c) => ({ task: c.task, index: index[c.task].get(c.key) ?? -1 }));
  if (draws.some((d) => d.index < 0)) throw new Error('a scored candidate is not among the training rows');
  const s = scores(
    pool,
    draws.map((d) => t.rows[d.task][d.index].target),
    t,
  );
  const order = s.map((_, i) => i).sort((a, b) => s[b] - s[a] || a - b);
  const k = chosen.length;
  const name = (d: Draw) => `${d.task}:${d.index}`;
  const top = new Set(order.slice(0, k).map((i) => name(draws[i])));
  const agrees = top.size === k && chosen.every((d) => top.has(name(d)));
  const gap = k < s.length ? s[order[k - 1]] - s[order[k]] : Infinity;
  return { gap, kth: s[order[k - 1]], agrees };
}
