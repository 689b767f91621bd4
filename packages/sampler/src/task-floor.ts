import * as tf from '@tensorflow/tfjs-core';

/**
 * MT-U's per-task floor (camtl's choice, not the reference's or the paper's):
 * every task's m best candidates of the step are chosen before the global
 * top-b. With near-uniform classifiers (random init) the reference formula
 * hands all b slots to whichever task is marginally more uncertain by noise;
 * the floor guarantees each task some rows every step without changing how
 * the remaining slots are ranked.
 */

/** Pool positions are grouped by task (task order, then candidate order), `counts[t]` per task. */
export interface FloorPool {
  counts: number[];
}

/**
 * The floor actually applied: `minRows`, shrunk to ⌊k/T'⌋ (T' = tasks with
 * candidates this step) so the floor never takes more than the k slots; with
 * k < T' it is 0 and the step is the plain top-k.
 */
/**
 * The default floor: max(1, ⌊b / (2T)⌋), at most half the batch spread over
 * the tasks. With one row a task, a weak task's loss term is a single example
 * with the weight of a whole task (the loss is the mean of the per-task
 * means), and the built-in suite's from-scratch model stayed at chance on two
 * seeds; with ⌊32 / 8⌋ = 4 rows it learnt (see the sampler README).
 */
export function defaultFloor(batchSize: number, numTasks: number): number {
  return Math.max(1, Math.floor(batchSize / (2 * numTasks)));
}

export function floorSize(minRows: number, k: number, counts: number[]): number {
  const present = counts.filter((c) => c > 0).length;
  return present === 0 ? 0 : Math.min(minRows, Math.floor(k / present));
}

/**
 * Scores with every task's m best candidates (higher score first, compared to
 * 1e-3, ties to the lower pool position) raised above every score, so the top-k takes
 * them all first (their number, Σ_t min(m, n_t), is ≤ k by `floorSize`) and the
 * remaining slots by the unchanged scores. Device ops only: the pool is laid
 * out as a [T, w] grid (w = the largest count, padding −∞) and each candidate's
 * rank within its task is a count of the rivals that beat it, one [T, w, w]
 * comparison, no loop over tasks; padding never beats a candidate. m = 0 returns the scores unchanged.
 */
export function applyFloor(scores: tf.Tensor1D, pool: FloorPool, m: number): tf.Tensor1D {
  if (m === 0) return scores;
  return tf.tidy(() => {
    const { counts } = pool;
    const T = counts.length;
    const w = Math.max(...counts);
    const start = counts.map((_, t) => counts.slice(0, t).reduce((a, b) => a + b, 0));
    const cells = Array.from({ length: T * w }, (_, c) => [Math.floor(c / w), c % w]);
    const valid = tf.tensor2d(
      cells.map(([t, j]) => j < counts[t]),
      [T, w],
      'bool',
    );
    const at = tf.tensor1d(
      cells.map(([t, j]) => (j < counts[t] ? start[t] + j : 0)),
      'int32',
    );
    // Ranked on scores rounded to 1e-3: a weak task's candidates are near-equal (a
    // near-uniform head), and the exact order among them is decided by rounding,
    // which differs between backends; rounded, they tie and the lower position wins.
    const key = tf.round(tf.mul(scores, 1000));
    const grid = tf.where(valid, tf.reshape(tf.gather(key, at), [T, w]), tf.fill([T, w], -Infinity));
    const self = tf.expandDims(grid, 2); // [T, w, 1]: candidate i
    const rival = tf.expandDims(grid, 1); // [T, 1, w]: candidate j of the same task
    const lower = tf.tensor2d(
      Array.from({ length: w * w }, (_, c) => c % w < Math.floor(c / w)),
      [w, w],
      'bool',
    ); // [i, j]: j < i
    const beats = tf.logicalOr(tf.greater(rival, self), tf.logicalAnd(tf.equal(rival, self), lower));
    const rank = tf.sum(tf.cast(beats, 'int32'), 2); // [T, w]
    const chosen = tf.cast(tf.less(rank, m), 'int32');
    // Back to pool positions: task t's j-th candidate sits in grid cell t·w + j.
    const cell = counts.flatMap((n, t) => Array.from({ length: n }, (_, j) => t * w + j));
    const inFloor = tf.cast(tf.gather(tf.reshape(chosen, [-1]), tf.tensor1d(cell, 'int32')), 'bool');
    // 2·max + 1 beats every score (all ≥ 0 and finite) yet stays finite: top-k
    // kernels sort by differences, and ∞ − ∞ = NaN breaks their ties.
    const above = tf.add(tf.mul(tf.max(scores), 2), 1);
    return tf.where(inFloor, tf.broadcastTo(above, [cell.length]), scores) as tf.Tensor1D;
  });
}

/**
 * The grid MT-U ranks on: scores are compared as multiples of 1/G. Selection
 * must not depend on float noise: with near-uniform heads many scores differ
 * by less than the rounding of one backend's kernels against another's, and
 * an exact top-k then picks different rows on WebGPU and wasm. G is a
 * multiple of 64 (so grid-valued scores stay exact) with 4·G·P < 2^24, so
 * every key round(s·G)·P + (P − 1 − i) of a score s ≤ 3 (floor rows are
 * 2·max + 1) is an exact, distinct float32 integer.
 */
export function rankGrid(poolSize: number): number {
  return 64 * Math.max(1, Math.floor(2 ** 24 / (4 * poolSize * 64)));
}

/** Keys for the top-k: scores on the grid, ties to the lower pool position. */
export function rankKeys(scores: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const P = scores.shape[0];
    const order = tf.tensor1d(Array.from({ length: P }, (_, i) => P - 1 - i));
    return tf.add(tf.mul(tf.round(tf.mul(scores, rankGrid(P))), P), order) as tf.Tensor1D;
  });
}
