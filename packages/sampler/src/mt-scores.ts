import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, oneHotFloat, type Draw } from '@camtl/core';
import type { CandidateScores, Scorer } from './candidate-scoring';

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
  | { kind: 'residual'; targetVariance: number[] }
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
}

/**
 * The k pool positions with the highest scores (ties go to the lower
 * position), returned in pool order: task order, then candidate order. Which
 * candidates are chosen is the paper's rule; returning them in pool order,
 * not best first, keeps the batch (and so its dropout masks) the same on
 * every backend when float noise reorders near-equal scores among the
 * chosen. Asynchronous: the indices are the one device read of a step.
 */
export async function selectTopK(scorer: Scorer, options: SelectOptions): Promise<number[]> {
  const previous = options.spread.ema;
  const top = tf.tidy(() => {
    const scores = candidateScores(scorer, options);
    return tf.topk(scores, options.k, true).indices;
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
  if (formula === 'paper') return tf.divNoNan(h, maxMean);
  const ratio = tf.divNoNan(taskMean, maxMean);
  return tf.mul(h, tf.gather(ratio, tf.tensor1d(pool.taskIds, 'int32')));
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
  if (plan.kind === 'prior') {
    return tf.where(isRegression, tf.fill([rows.length], plan.value), h);
  }
  if (plan.kind === 'residual') return tf.where(isRegression, residualUncertainty(out, pool, plan.targetVariance), h);
  const positions = rows.flatMap((r, i) => (r ? [i] : []));
  const u = mcDropoutUncertainty(scorer, options, positions, out.prediction);
  // Scatter u back to pool positions by a gather: slot[i] = i's place among the regression rows.
  let next = 0;
  const slot = rows.map((r) => (r ? next++ : 0));
  return tf.where(isRegression, tf.gather(u, tf.tensor1d(slot, 'int32')), h);
}

/**
 * u = min(1, (ŷ − y)² / Var(y_t)): the candidate's squared error relative to
 * the error of an uninformed predictor (one that predicts the mean target),
 * the regression analogue of entropy / log C: 1 = no better than guessing
 * the mean, 0 = exact. Its task mean is about 1 − R², the fraction of the
 * target variance the model does not explain yet.
 */
function residualUncertainty(out: CandidateScores, pool: CandidatePool, targetVariance: number[]): tf.Tensor1D {
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
  return tf.minimum(tf.div(se, variance), 1) as tf.Tensor1D;
}

/**
 * u = v / (v + v₀): v is the variance of the regression prediction over K
 * dropout passes (unbiased), v₀ the typical spread of that task's predictions
 * across examples (running estimate, or a fixed referenceVariance). u = ½
 * when dropout moves a prediction as much as predictions differ between
 * examples; u → 1 when the noise dominates, u → 0 when it is negligible.
 */
function mcDropoutUncertainty(
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

function checkScores(scores: CandidateScores, rows: number): CandidateScores {
  if (!isTensor(scores?.normalizedEntropy) || !isTensor(scores.prediction)) {
    throw new CamtlError('BAD_INPUT', 'scorer must return { normalizedEntropy, prediction } tensors');
  }
  for (const [name, t] of Object.entries(scores)) {
    if (isTensor(t) && (t.rank !== 1 || t.shape[0] !== rows)) {
      throw new CamtlError('SHAPE_MISMATCH', `scorer returned ${name} of shape [${t.shape}], expected [${rows}]`);
    }
  }
  return scores;
}

/** Duck-typed, so tensors from an ESM and a CJS copy of tfjs-core both pass. */
function isTensor(value: unknown): value is tf.Tensor {
  const t = value as tf.Tensor | undefined;
  return t != null && Array.isArray(t.shape) && typeof t.dispose === 'function' && typeof t.dtype === 'string';
}
