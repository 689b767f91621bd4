import * as tf from '@tensorflow/tfjs-core';
import { oneHotFloat, type Draw } from '@camtl/core';
import { checkScores, type Scorer } from './candidate-scoring';
import { mcDropoutUncertainty, quantileUncertainty, residualUncertainty } from './regression-uncertainty';
import { applyFloor, floorSize, rankKeys } from './task-floor';

/**
 * MT-Uncertainty scoring on the device. Everything from the scorer's output
 * to the top-k runs as tensor ops on the active backend; only the k chosen
 * pool positions come back, in one awaited read. Per-task means are one
 * [1, n]·[n, T] product with a one-hot matrix: no loop over tasks, and one
 * kernel that every backend runs fast.
 */

export type ScoreFormula = 'reference' | 'paper';

/** Resolved regression uncertainty (defaults filled in). */
export type RegressionPlan =
  | { kind: 'quantile' }
  | { kind: 'residual'; targetVariance: number[] }
  | { kind: 'borrow'; /** Index of the task whose candidates' scores the regression candidates take. */ from: number }
  | { kind: 'prior'; value: number }
  | { kind: 'mc-dropout'; samples: number; referenceVariance?: number; momentum: number };

/** Running per-task estimate of the regression prediction spread (mc-dropout's v₀). */
export interface SpreadEstimate {
  /** Bias-uncorrected exponential moving average, [T], kept on the device. */
  ema: tf.Tensor1D | null;
  /** Updates folded into each task's average (for Adam-style bias correction). */
  updates: number[];
}

export interface CandidatePool {
  draws: Draw[];
  /** Task of each pool position. */
  taskIds: number[];
  /** Candidates per task in the pool. */
  counts: number[];
  /** Whether each task is a regression task. */
  regression: boolean[];
}

export interface SelectOptions {
  pool: CandidatePool;
  k: number;
  formula: ScoreFormula;
  dropout: boolean;
  plan: RegressionPlan;
  spread: SpreadEstimate;
  /** Every task's best `minRowsPerTask` candidates are chosen first (0: the plain top-k). */
  minRowsPerTask: number;
}

/**
 * The k pool positions with the highest scores (ties go to the lower
 * position), after every task's floor of best candidates (task-floor.ts), returned in pool order: task order, then candidate order. Which
 * candidates are chosen is the paper's rule; returning them in pool order,
 * not best first, keeps the batch (and so its dropout masks) the same on
 * every backend when float noise reorders near-equal scores among the
 * chosen. Asynchronous: the indices are the one device read of a step.
 */
export async function selectTopK(scorer: Scorer, options: SelectOptions): Promise<number[]> {
  const previous = options.spread.ema;
  const top = tf.tidy(() => {
    const scores = candidateScores(scorer, options);
    const m = floorSize(options.minRowsPerTask, options.k, options.pool.counts);
    return tf.topk(rankKeys(applyFloor(scores, options.pool, m)), options.k, true).indices;
  });
  // The running spread was replaced (and kept) inside the tidy; free the old one.
  if (previous && previous !== options.spread.ema) previous.dispose();
  try {
    return Array.from(await top.data()).sort((a, b) => a - b);
  } finally {
    top.dispose();
  }
}

/** s(x) for every candidate: 'reference' ĥ·H̄_t/Ĥ, 'paper' ĥ/Ĥ. */
function candidateScores(scorer: Scorer, options: SelectOptions): tf.Tensor1D {
  const { pool, formula } = options;
  const h = candidateEntropy(scorer, options);
  const T = pool.counts.length;
  const oneHot = oneHotFloat(tf.tensor1d(pool.taskIds, 'int32'), T);
  const taskMean = tf.div(tf.reshape(tf.matMul(tf.reshape(h, [1, -1]), oneHot), [T]), tf.tensor1d(pool.counts));
  const maxMean = tf.max(taskMean);
  // All-zero uncertainty (Ĥ = 0) gives score 0 everywhere, not NaN; ties then
  // fall back to pool order.
  const scores =
    formula === 'paper'
      ? tf.divNoNan(h, maxMean)
      : tf.mul(h, tf.gather(tf.divNoNan(taskMean, maxMean), tf.tensor1d(pool.taskIds, 'int32')));
  if (options.plan.kind !== 'borrow') return scores as tf.Tensor1D;
  return tf.gather(scores, tf.tensor1d(borrowedPositions(pool, options.plan.from), 'int32')) as tf.Tensor1D;
}

/**
 * The reference's STS-B work-around (spec §4.2 item 6) as a gather map: the
 * j-th candidate of every regression task, j < k = min(its count, the donor's
 * count), takes the final score of the donor task's j-th candidate by pool
 * position; every other position keeps its own score (a regression row's is 0).
 * Without the donor among the tasks nothing is copied, as in the reference.
 */
function borrowedPositions(pool: CandidatePool, from: number): number[] {
  if (from < 0) return pool.taskIds.map((_, i) => i); // no donor trained: nothing is copied
  const start = pool.counts.map((_, t) => pool.counts.slice(0, t).reduce((a, b) => a + b, 0));
  return pool.taskIds.map((t, i) => {
    const j = i - start[t];
    return pool.regression[t] && j < pool.counts[from] ? start[from] + j : i;
  });
}

/** ĥ from the scorer, with regression rows replaced by their explicit uncertainty. */
function candidateEntropy(scorer: Scorer, options: SelectOptions): tf.Tensor1D {
  const { pool, plan, dropout } = options;
  const out = checkScores(scorer(pool.draws, { dropout }), pool.draws.length);
  const rows = pool.taskIds.map((t) => pool.regression[t]);
  // Cast defensively: tf.where needs both branches float32.
  const h = tf.cast(out.normalizedEntropy, 'float32');
  if (!rows.some(Boolean)) return h;
  const isRegression = tf.tensor1d(rows, 'bool');
  // The reference keeps a regression head's own ĥ (0) and overwrites its final scores afterwards.
  if (plan.kind === 'borrow') return tf.where(isRegression, tf.zerosLike(h), h);
  if (plan.kind === 'prior') {
    return tf.where(isRegression, tf.fill([rows.length], plan.value), h);
  }
  if (plan.kind === 'residual') return tf.where(isRegression, residualUncertainty(out, pool, plan.targetVariance), h);
  if (plan.kind === 'quantile') {
    return tf.where(isRegression, quantileUncertainty(out, pool, h), h);
  }
  const positions = rows.flatMap((r, i) => (r ? [i] : []));
  const u = mcDropoutUncertainty(scorer, options, positions, out.prediction);
  // Scatter u back to pool positions by a gather: slot[i] = i's place among the regression rows.
  let next = 0;
  const slot = rows.map((r) => (r ? next++ : 0));
  return tf.where(isRegression, tf.gather(u, tf.tensor1d(slot, 'int32')), h);
}
