import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, oneHotFloat } from '@camtl/core';
import { checkScores, isTensor, type CandidateScores, type Scorer } from './candidate-scoring';
import type { CandidatePool, RegressionPlan, SelectOptions } from './mt-scores';

/**
 * Regression rows' explicit uncertainty (a one-output head has zero entropy),
 * on the device. Each function returns u [n] for every pool position; the
 * caller keeps it only on regression rows.
 */

/**
 * 'quantile' (the default): u_i = ρ_t · Q(q_i).
 * - ρ_t = min(1, Σ(ŷ − y)² / Σ(y − ȳ_t)²) over task t's candidates, ȳ_t their
 *   mean target: 1 − R² of the head on this pool. Every constant predictor
 *   (an untrained head, or one that has learnt only the bias) has ρ_t = 1
 *   exactly, whatever the pool; ρ_t falls only as the head explains the
 *   targets. With no spread to explain (one candidate, equal targets) ρ_t = 1.
 * - q_i = (rank_i + ½) / n_t, rank_i the candidate's place among its task's
 *   candidates by squared error, largest first; Q(q) the entropies of the
 *   pool's most uncertain classification task at descending quantile q.
 * A constant predictor is as uninformed as a regression head can be, so an
 * unlearnt regression task is put level with the most uncertain classifier
 * (its rows interleaved with that task's, its most wrong rows the highest),
 * whatever scale its targets have; it loses ground only as it learns.
 * Without classification candidates in the pool, u = ρ_t.
 */
export function quantileUncertainty(out: CandidateScores, pool: CandidatePool, h: tf.Tensor1D): tf.Tensor1D {
  if (!isTensor(out.target)) {
    throw new CamtlError(
      'BAD_INPUT',
      "regression uncertainty 'quantile' needs the scorer to return the candidates' targets",
    );
  }
  const rows = pool.taskIds.map((t) => pool.regression[t]);
  const hasClassifiers = rows.some((isReg) => !isReg);
  const n = rows.length;
  const taskIds = tf.tensor1d(pool.taskIds, 'int32');
  const isReg = tf.tensor1d(rows, 'bool');
  const y = tf.where(isReg, tf.cast(out.target, 'float32'), tf.zeros([n]));
  const se = tf.where(isReg, tf.square(tf.sub(tf.cast(out.prediction, 'float32'), y)), tf.zeros([n])) as tf.Tensor1D;
  const rho = tf.gather(unexplained(se, y, taskIds, pool), taskIds);
  if (!hasClassifiers) return rho as tf.Tensor1D;
  const rank = withinTaskRank(se, taskIds, isReg, pool);
  const q = tf.div(tf.add(tf.cast(rank, 'float32'), 0.5), tf.gather(tf.tensor1d(pool.counts), taskIds));
  const hF = tf.cast(h, 'float32') as tf.Tensor1D;
  return tf.mul(rho, leadingTaskQuantile(hF, q as tf.Tensor1D, taskIds, pool)) as tf.Tensor1D;
}

/**
 * Q(q): the entropies of the classification task with the highest mean ĥ in
 * this pool (the most uncertain one, means compared to 1e-3, the first on a tie), sorted descending,
 * read at position q·n* and interpolated linearly. Reading between two
 * neighbours (not at them) interleaves the regression rows with that task's
 * rows instead of tying with them, since ties would go by pool order.
 */
function leadingTaskQuantile(h: tf.Tensor1D, q: tf.Tensor1D, taskIds: tf.Tensor1D, pool: CandidatePool): tf.Tensor1D {
  const n = pool.taskIds.length;
  const T = pool.counts.length;
  const isReg = tf.tensor1d(pool.regression, 'bool');
  const sums = tf.reshape(tf.matMul(tf.reshape(h, [1, -1]), oneHotFloat(taskIds, T)), [T]);
  const leader = tf.argMax(leaderKeys(tf.div(sums, tf.tensor1d(pool.counts)) as tf.Tensor1D, isReg));
  const sorted = tf.topk(tf.where(tf.equal(taskIds, leader), h, tf.fill([n], -1)), n).values;
  const last = tf.sub(tf.gather(tf.tensor1d(pool.counts), leader), 1);
  // Positions stay in float32 until the gather (wasm clips int32 as float bits).
  const pos = tf.minimum(tf.mul(q, tf.add(last, 1)), last);
  const lo = tf.floor(pos);
  const hi = tf.minimum(tf.add(lo, 1), last);
  const w = tf.sub(pos, lo);
  const at = (i: tf.Tensor) => tf.gather(sorted, tf.cast(i, 'int32'));
  return tf.add(tf.mul(at(lo), tf.sub(1, w)), tf.mul(at(hi), w)) as tf.Tensor1D;
}

/**
 * The leader's keys, exact integers in float32: round(1000 · mean) · T + (T − 1 − t).
 * Near-uniform heads give every task almost the same mean, and an argmax on the
 * raw means was decided by rounding: it differed between WebGPU and wasm, and
 * every regression score moved with it. Means within 1e-3 tie, and a tie goes
 * to the lower task id, on every backend. Regression tasks never lead (−1).
 */
function leaderKeys(means: tf.Tensor1D, isReg: tf.Tensor1D): tf.Tensor1D {
  const T = means.shape[0];
  const order = tf.tensor1d(Array.from({ length: T }, (_, t) => T - 1 - t));
  const keys = tf.add(tf.mul(tf.round(tf.mul(means, 1000)), T), order);
  return tf.where(isReg, tf.fill([T], -1), keys) as tf.Tensor1D;
}

/** ρ_t = min(1, Σ se / Σ(y − ȳ_t)²) per task [T] (1 without spread), by [1, n]·[n, T] products: no loop over tasks. */
function unexplained(se: tf.Tensor1D, y: tf.Tensor1D, taskIds: tf.Tensor1D, pool: CandidatePool): tf.Tensor1D {
  const T = pool.counts.length;
  const oneHot = oneHotFloat(taskIds, T);
  const perTask = (x: tf.Tensor1D) => tf.reshape(tf.matMul(tf.reshape(x, [1, -1]), oneHot), [T]);
  const mean = tf.div(perTask(y), tf.tensor1d(pool.counts));
  const dev = tf.where(
    tf.tensor1d(
      pool.taskIds.map((t) => pool.regression[t]),
      'bool',
    ),
    tf.square(tf.sub(y, tf.gather(mean, taskIds))),
    tf.zerosLike(y),
  );
  const spread = perTask(dev as tf.Tensor1D);
  return tf.where(
    tf.greater(spread, 0),
    tf.minimum(tf.div(perTask(se), spread), 1),
    tf.onesLike(spread),
  ) as tf.Tensor1D;
}

/**
 * Each regression row's 0-based place among its own task's candidates by r,
 * largest first, from one sort of the whole pool: the key task + ½·r/(1 + r)
 * (< task + ½, so tasks never interleave) sorts regression tasks in
 * descending task order, classification rows (key −1) last.
 */
/** The squared-error grid: (T + 1)(G + 1)·n < 2^24, so every key is an exact float32 integer. */
export function errorGrid(numTasks: number, poolSize: number): number {
  return Math.max(1, Math.floor(2 ** 24 / ((numTasks + 1) * poolSize)) - 1);
}

function withinTaskRank(r: tf.Tensor1D, taskIds: tf.Tensor1D, isReg: tf.Tensor1D, pool: CandidatePool): tf.Tensor1D {
  const n = pool.taskIds.length;
  // r/(1 + r) < 1 maps any squared error into [0, ½): ranks are unchanged.
  const squashed = tf.mul(tf.div(r, tf.add(r, 1)), 0.5);
  // Exact, distinct float32 integer keys (task, error on a grid, then the lower
  // position first): errors closer than the grid step tie, so float noise
  // between backends cannot reorder them (see task-floor.ts `rankGrid`).
  const G = errorGrid(pool.counts.length, n);
  const onGrid = tf.round(tf.mul(squashed, 2 * G));
  const order0 = tf.tensor1d(Array.from({ length: n }, (_, i) => n - 1 - i));
  const cell = tf.add(tf.mul(tf.cast(taskIds, 'float32'), G + 1), onGrid);
  const key = tf.where(isReg, tf.add(tf.mul(cell, n), order0), tf.fill([n], -1));
  const order = tf.topk(key, n).indices; // pool positions in sorted order
  // The inverse permutation (pool position → sorted place), by sorting the positions.
  const place = tf.topk(tf.neg(tf.cast(order, 'float32')), n).indices;
  // Regression candidates of later tasks come first: a task's block starts after theirs.
  const offset = pool.counts.map((_, t) =>
    pool.counts.reduce((acc, c, u) => acc + (u > t && pool.regression[u] ? c : 0), 0),
  );
  return tf.sub(place, tf.gather(tf.tensor1d(offset, 'int32'), taskIds)) as tf.Tensor1D;
}

/**
 * u = min(1, (ŷ − y)² / Var(y_t)): the candidate's squared error relative to
 * the error of an uninformed predictor (one that predicts the mean target),
 * the regression analogue of entropy / log C: 1 = no better than guessing
 * the mean, 0 = exact. Its task mean is about 1 − R², the fraction of the
 * target variance the model does not explain yet.
 */
export function residualUncertainty(out: CandidateScores, pool: CandidatePool, targetVariance: number[]): tf.Tensor1D {
  return tf.minimum(residualRatio(out, pool, targetVariance), 1) as tf.Tensor1D;
}

/** (ŷ − y)² / Var(y_t) per candidate, uncapped (classification rows give garbage the caller masks). */
function residualRatio(out: CandidateScores, pool: CandidatePool, targetVariance: number[]): tf.Tensor1D {
  if (!isTensor(out.target)) {
    throw new CamtlError(
      'BAD_INPUT',
      "regression uncertainty 'residual' needs the scorer to return the candidates' targets",
    );
  }
  const variance = tf.gather(
    tf.tensor1d(targetVariance.map((v) => Math.max(v, 1e-12))),
    tf.tensor1d(pool.taskIds, 'int32'),
  );
  const se = tf.square(tf.sub(tf.cast(out.prediction, 'float32'), tf.cast(out.target, 'float32')));
  return tf.div(se, variance) as tf.Tensor1D;
}

/**
 * u = v / (v + v₀): v is the variance of the regression prediction over K
 * dropout passes (unbiased), v₀ the typical spread of that task's predictions
 * across examples (running estimate, or a fixed referenceVariance). u = ½
 * when dropout moves a prediction as much as predictions differ between
 * examples; u → 1 when the noise dominates, u → 0 when it is negligible.
 */
export function mcDropoutUncertainty(
  scorer: Scorer,
  options: SelectOptions,
  positions: number[],
  prediction: tf.Tensor1D,
): tf.Tensor1D {
  const plan = options.plan as Extract<RegressionPlan, { kind: 'mc-dropout' }>;
  const draws = positions.map((i) => options.pool.draws[i]);
  const passes = Array.from(
    { length: plan.samples },
    () => checkScores(scorer(draws, { dropout: true }), draws.length).prediction,
  );
  const stacked = tf.cast(tf.stack(passes), 'float32'); // [K, R]
  const centred = tf.sub(stacked, tf.mean(stacked, 0));
  const v = tf.div(tf.sum(tf.square(centred), 0), plan.samples - 1) as tf.Tensor1D;
  const taskIds = positions.map((i) => options.pool.taskIds[i]);
  const v0 =
    plan.referenceVariance !== undefined
      ? tf.fill([positions.length], plan.referenceVariance)
      : tf.gather(
          updateSpread(options, taskIds, tf.gather(tf.cast(prediction, 'float32'), tf.tensor1d(positions, 'int32'))),
          tf.tensor1d(taskIds, 'int32'),
        );
  return tf.divNoNan(v, tf.add(v, v0));
}

/**
 * Folds this step's across-candidate variance of each regression task's
 * (inference-pass) predictions into a bias-corrected moving average and
 * returns the corrected [T] estimate. Tasks with fewer than two candidates
 * this step have no spread to measure and keep their estimate.
 */
function updateSpread(options: SelectOptions, taskIds: number[], pred: tf.Tensor1D): tf.Tensor1D {
  const { spread, pool, plan } = options;
  const momentum = (plan as Extract<RegressionPlan, { kind: 'mc-dropout' }>).momentum;
  const T = pool.counts.length;
  const n = pool.counts.map((c, t) => (pool.regression[t] ? c : 0));
  const oneHot = oneHotFloat(tf.tensor1d(taskIds, 'int32'), T); // [R, T]
  const mean = tf.divNoNan(tf.reshape(tf.matMul(tf.reshape(pred, [1, -1]), oneHot), [T]), tf.tensor1d(n));
  const dev = tf.square(tf.sub(pred, tf.gather(mean, tf.tensor1d(taskIds, 'int32'))));
  const sumSq = tf.reshape(tf.matMul(tf.reshape(dev, [1, -1]), oneHot), [T]);
  const measured = n.map((c) => c >= 2);
  const stepSpread = tf.div(sumSq, tf.tensor1d(n.map((c) => Math.max(c - 1, 1))));
  const old = spread.ema ?? tf.zeros([T]);
  const mask = tf.tensor1d(measured.map((m) => (m ? 1 - momentum : 0)));
  const ema = tf.keep(tf.add(old, tf.mul(mask, tf.sub(stepSpread, old))) as tf.Tensor1D);
  spread.ema = ema;
  spread.updates = spread.updates.map((u, t) => u + (measured[t] ? 1 : 0));
  const correction = spread.updates.map((u) => (u > 0 ? 1 / (1 - momentum ** u) : 0));
  return tf.mul(ema, tf.tensor1d(correction));
}
