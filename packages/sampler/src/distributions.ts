import { CamtlError } from '@camtl/core';

/**
 * Task distributions of the baselines, as plain functions of the task sizes
 * so tests and reports can compare empirical frequencies against them.
 */

/** p_t ∝ n_t^α, computed in log space so large tasks and small α stay exact. */
export function powerDistribution(sizes: readonly number[], alpha: number): number[] {
  const logs = sizes.map((n) => alpha * Math.log(n));
  const top = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / sum);
}

/** Temperature sampling (Hyperformer, T = 10 there): p_t ∝ n_t^(1/T). T = 1 is size-proportional. */
export function temperatureDistribution(sizes: readonly number[], temperature: number): number[] {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new CamtlError('BAD_CONFIG', `temperature T must be a positive finite number, got ${temperature}`);
  }
  return powerDistribution(sizes, 1 / temperature);
}

/**
 * The annealing exponent of Stickland & Murray (PALs, 2019):
 * α = 1 − 0.8 (e − 1)/(E − 1), from size-proportional (α = 1) in the first
 * epoch to nearly uniform (α = 0.2) in the last. E = 1 keeps α = 1, and
 * epochs past E stay at 0.2 rather than extrapolate to negative exponents.
 */
export function annealingAlpha(epoch: number, epochs: number): number {
  if (epochs <= 1) return 1;
  const e = Math.min(Math.max(epoch, 1), epochs);
  return 1 - (0.8 * (e - 1)) / (epochs - 1);
}

export function annealedDistribution(sizes: readonly number[], epoch: number, epochs: number): number[] {
  return powerDistribution(sizes, annealingAlpha(epoch, epochs));
}

export function uniformDistribution(sizes: readonly number[]): number[] {
  return sizes.map(() => 1 / sizes.length);
}

/** p_t = n_t / N, the reference's default (RandomSampler over the union). */
export function proportionalDistribution(sizes: readonly number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  return sizes.map((n) => n / total);
}

/** Running sums of p, with the last entry pinned to 1 so rounding never loses mass. */
export function cumulative(p: readonly number[]): number[] {
  let acc = 0;
  const out = p.map((x) => (acc += x));
  out[out.length - 1] = 1;
  return out;
}

/** Inverse-CDF draw of a category for a uniform u in [0, 1). */
export function pick(cdf: readonly number[], u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
