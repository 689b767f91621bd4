/** Pure series transforms used by the report page (and tested in Node). */

export type Series = (number | null)[];

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing):
 * `s = a·s + (1−a)·x`, divided by `1 − a^n` after n values. Nulls stay null and do
 * not advance the average. `alpha` 0 returns the values unchanged.
 */
export function ema(values: Series, alpha: number): Series {
  const a = Math.min(Math.max(alpha, 0), 0.999);
  let s = 0;
  let weight = 0;
  return values.map((x) => {
    if (x === null || !Number.isFinite(x)) return null;
    s = a * s + (1 - a) * x;
    weight = a * weight + (1 - a);
    return s / weight;
  });
}

/**
 * Trailing mean over the last `window` points (nulls ignored; null when the whole
 * window is null).
 */
export function windowMean(values: Series, window: number): Series {
  const w = Math.max(1, Math.floor(window));
  let sum = 0;
  let n = 0;
  return values.map((x, i) => {
    if (x !== null) {
      sum += x;
      n++;
    }
    const out = values[i - w];
    if (i >= w && out !== undefined && out !== null) {
      sum -= out;
      n--;
    }
    return n ? sum / n : null;
  });
}

/**
 * Running totals across series (for stacked areas): `out[k][i] = Σ_{j≤k} series[j][i]`,
 * nulls counted as 0.
 */
export function stack(series: Series[]): number[][] {
  const out: number[][] = [];
  series.forEach((s, k) => {
    out.push(s.map((x, i) => (k ? out[k - 1][i] : 0) + (x ?? 0)));
  });
  return out;
}

/** A default window for smoothing `n` points: about 1/50 of them, at least 1. */
export function defaultWindow(n: number): number {
  return Math.max(1, Math.round(n / 50));
}
