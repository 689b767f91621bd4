import { CamtlError, Rng } from '@camtl/core';

/** The smallest --data-fraction: below it most tasks would keep a single row. */
export const MIN_DATA_FRACTION = 0.001;

/** --data-fraction as a number in [0.001, 1]; absent = 1 (all the training rows). */
export function parseDataFraction(v: unknown): number {
  if (v === undefined) return 1;
  const f = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'boolean' || String(v).trim() === '' || !Number.isFinite(f) || f < MIN_DATA_FRACTION || f > 1) {
    throw new CamtlError(
      'BAD_CONFIG',
      `--data-fraction: expected a number from ${MIN_DATA_FRACTION} to 1, got ${JSON.stringify(v)}`,
      'e.g. --data-fraction 0.1 trains on a seeded 10% of each task’s training split',
    );
  }
  return f;
}

/** Rows kept of a split of n rows: round(F·n), at least one (a task must keep a row to be trained at all). */
export function fractionSize(n: number, fraction: number): number {
  return n === 0 ? 0 : Math.min(n, Math.max(1, Math.round(fraction * n)));
}

/**
 * A seeded subset of one task's training rows, in their original order. Each
 * task draws from its own stream (the run seed and the task's position), so
 * a task's subset does not change when other tasks are added or resized.
 */
export function fractionOf<T>(rows: readonly T[], fraction: number, seed: number, taskIndex: number): T[] {
  if (fraction >= 1) return [...rows];
  const k = fractionSize(rows.length, fraction);
  const rng = new Rng((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(taskIndex + 1, 0x85ebca6b)) >>> 0);
  const picked = rng.shuffle(rows.map((_, i) => i)).slice(0, k);
  return picked.sort((a, b) => a - b).map((i) => rows[i]);
}
