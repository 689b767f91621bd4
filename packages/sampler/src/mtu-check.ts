// Test helpers for the MT-Uncertainty suites (not exported): a plain-JS
// computation of both formulas and of every regression uncertainty, in
// float32 where the device rounds, to check selections exactly.
import { isCamtlError, type Draw, type SamplerContext } from '@camtl/core';
import { expect } from 'vitest';
import type { MtUncertaintyOptions } from './mt-uncertainty';
import { fakeScorer, hashUnit, mtuWith, type FakeScorerSpec } from './test-helpers';
import { errorGrid } from './regression-uncertainty';
import { defaultFloor, rankGrid } from './task-floor';

export type Formula = 'reference' | 'paper';
export const K = 3;
export const M = 0.9;

/** Entropies on a 1/64 grid (exact in float32), zero for regression rows like a real one-output head. */
export const entropyOf = (ctx: SamplerContext) => (d: Draw) =>
  ctx.tasks[d.task].kind === 'regression' ? 0 : Math.floor(hashUnit(d.task, d.index) * 64) / 64;
export const basePrediction = (d: Draw) => 5 * hashUnit(d.task, d.index, 1);
export const noisyPrediction = (d: Draw, dropout: boolean, pass: number) =>
  basePrediction(d) +
  (dropout ? (1 + 3 * hashUnit(d.task, d.index, 2)) * (hashUnit(d.task, d.index, 10 + (pass % K)) - 0.5) : 0);

/**
 * Residual test data. Predictions on a 1/8 grid in [0, 5); the target is off by
 * g·σ_t with g on a 1/8 grid in [−1.5, 1.5], so with a power-of-4 variance
 * u = min(1, g²) is exact in float32 (task sums too) and about a third of the
 * rows hit the cap. g and −g, and every capped row, tie.
 */
export const gridPrediction = (d: Draw) => Math.floor(40 * hashUnit(d.task, d.index, 1)) / 8;
export const residualG = (d: Draw) => (Math.floor(25 * hashUnit(d.task, d.index, 5)) - 12) / 8;
export const residualTarget = (ctx: SamplerContext) => (d: Draw) =>
  gridPrediction(d) - residualG(d) * Math.sqrt(ctx.tasks[d.task].targetVariance ?? 1);
/** A target unrelated to the prediction (errors up to 5 on any variance). */
export const otherTarget = (d: Draw) => Math.floor(40 * hashUnit(d.task, d.index, 6)) / 8;

export const f32 = Math.fround;

/** u = min(1, (ŷ − y)²/Var_t), op by op in float32 as the device computes it. */
export function residualU(prediction: number, target: number, variance: number): { u: number; capped: boolean } {
  const diff = f32(f32(prediction) - f32(target));
  const ratio = f32(f32(diff * diff) / f32(Math.max(variance, 1e-12)));
  return { u: Math.min(1, ratio), capped: ratio > 1 };
}

/**
 * Plain-JS scores of a pool: ĥ (after regression substitution) → reference or
 * paper formula, rounded to float32 after every op the device rounds, so exact
 * ties on the device are exact ties here (the task sums are exact for the
 * grids used).
 */
export function jsScores(pool: Draw[], h: number[], formula: Formula, T: number): number[] {
  const sum = new Array(T).fill(0);
  const cnt = new Array(T).fill(0);
  pool.forEach((d, i) => ((sum[d.task] += f32(h[i])), (cnt[d.task] += 1)));
  const mean = sum.map((s, t) => f32(f32(s) / cnt[t]));
  const top = Math.max(...mean);
  const safe = (a: number, b: number) => (b === 0 ? 0 : f32(a / b));
  return pool.map((d, i) => (formula === 'paper' ? safe(f32(h[i]), top) : f32(f32(h[i]) * safe(mean[d.task], top))));
}

/**
 * The per-task floor in plain JS: m = min(minRows, ⌊k / tasks with candidates⌋);
 * each task's m best (scores compared to 1e-3, ties to the lower position) score
 * 2·max + 1, as on the device.
 */
export function jsFloor(pool: Draw[], scores: number[], minRows: number, k: number, T: number): number[] {
  const byTask = Array.from({ length: T }, (_, t) => pool.flatMap((d, i) => (d.task === t ? [i] : [])));
  const present = byTask.filter((rows) => rows.length > 0).length;
  const m = present === 0 ? 0 : Math.min(minRows, Math.floor(k / present));
  const out = [...scores];
  const above = f32(2 * Math.max(...scores) + 1);
  for (const rows of byTask) {
    const key = (i: number) => Math.round(f32(scores[i] * 1000));
    const best = [...rows].sort((a, b) => key(b) - key(a) || a - b).slice(0, m);
    for (const i of best) out[i] = above;
  }
  return out;
}

/** Round half to even, as tf.round. */
const rint = (x: number) => {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
};

/** Positions of the k best scores on MT-U's rank grid, ties to the lower position, in pool order. */
export function jsTopK(scores: number[], k: number): number[] {
  const G = rankGrid(scores.length);
  return scores
    .map((s, i) => [rint(f32(f32(s) * G)), i])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i)
    .sort((a, b) => a - b);
}

export const unbiasedVar = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
};

/** The mc-dropout uncertainty of the regression rows, replaying the running spread in JS. */
export function mcDropoutU(
  pool: Draw[],
  ctx: SamplerContext,
  ema: number[],
  updates: number[],
  ref?: number,
): Map<number, number> {
  const out = new Map<number, number>();
  ctx.tasks.forEach((task, t) => {
    if (task.kind !== 'regression') return;
    const rows = pool.map((d, i) => [d, i] as const).filter(([d]) => d.task === t);
    if (rows.length >= 2) {
      ema[t] = M * ema[t] + (1 - M) * unbiasedVar(rows.map(([d]) => basePrediction(d)));
      updates[t] += 1;
    }
    const v0 = ref ?? (updates[t] > 0 ? ema[t] / (1 - M ** updates[t]) : 0);
    for (const [d, i] of rows) {
      const v = unbiasedVar(Array.from({ length: K }, (_, p) => noisyPrediction(d, true, p)));
      out.set(i, v + v0 === 0 ? 0 : v / (v + v0));
    }
  });
  return out;
}

/**
 * Runs `steps` steps and checks every selection against the JS computation.
 * The fake scorer returns targets (`residualTarget` unless `spec` says otherwise);
 * `capped`/`uncapped` count the regression rows scored by residual.
 */
export async function checkSelections(
  ctx: SamplerContext,
  options: MtUncertaintyOptions,
  steps: number,
  spec?: Partial<FakeScorerSpec>,
) {
  const full: FakeScorerSpec = {
    entropy: entropyOf(ctx),
    prediction: noisyPrediction,
    target: residualTarget(ctx),
    ...spec,
  };
  const { scorer, calls } = fakeScorer(full);
  const sampler = mtuWith(options, scorer)(ctx);
  const ema = ctx.tasks.map(() => 0);
  const updates = ctx.tasks.map(() => 0);
  const reg = options.regression ?? { kind: 'quantile' }; // the default
  const isRegression = (d: Draw) => ctx.tasks[d.task].kind === 'regression';
  let capped = 0;
  let uncapped = 0;
  for (let step = 0; step < steps; step++) {
    const before = calls.length;
    const got = await sampler.next({ step, epoch: 1 });
    const pool = calls[before].draws;
    let h = pool.map((d) => full.entropy(d));
    if (reg.kind === 'mc-dropout') {
      const u = mcDropoutU(pool, ctx, ema, updates, reg.referenceVariance);
      h = h.map((x, i) => u.get(i) ?? x);
    } else if (reg.kind === 'prior') {
      h = h.map((x, i) => (isRegression(pool[i]) ? (reg.value ?? 0.5) : x));
    } else if (reg.kind === 'borrow') {
      h = h.map((x, i) => (isRegression(pool[i]) ? 0 : x));
    } else if (reg.kind === 'quantile') {
      const pred = pool.map((d) => full.prediction!(d, false, -1));
      h = quantileU(pool, h, pred, pool.map(full.target!), isRegression, ctx.tasks.length);
    } else {
      h = h.map((x, i) => {
        const d = pool[i];
        if (!isRegression(d)) return x;
        const r = residualU(full.prediction!(d, false, -1), full.target!(d), ctx.tasks[d.task].targetVariance!);
        if (r.capped) capped += 1;
        else uncapped += 1;
        return r.u;
      });
    }
    const k = Math.min(ctx.batchSize, pool.length);
    let scores = jsScores(pool, h, options.score ?? 'reference', ctx.tasks.length);
    if (reg.kind === 'borrow')
      scores = borrowScores(
        pool,
        scores,
        isRegression,
        ctx.tasks.findIndex((t) => t.name === (reg.from ?? 'mrpc')),
      );
    scores = jsFloor(
      pool,
      scores,
      options.minRowsPerTask ?? defaultFloor(ctx.batchSize, ctx.tasks.length),
      k,
      ctx.tasks.length,
    );
    const want = jsTopK(scores, k).map((i) => pool[i]);
    expect(got, `step ${step}`).toEqual(want);
  }
  return { sampler, calls, capped, uncapped };
}

/** (ŷ − y)²/Var_t in float32, uncapped. */
export function residualRatio(prediction: number, target: number, variance: number): number {
  const diff = f32(f32(prediction) - f32(target));
  return f32(f32(diff * diff) / f32(Math.max(variance, 1e-12)));
}

/**
 * 'quantile' in plain JS: u = ρ_t · Q(q), ρ_t = min(1, Σ se / Σ(y − ȳ)²) (1
 * without spread), q from the row's rank by squared error within its task
 * (largest first, ties to the lower pool position), Q the leading
 * classification task's ĥ sorted descending, interpolated at q·n*.
 */
export function quantileU(
  pool: Draw[],
  h: number[],
  pred: number[],
  y: number[],
  isReg: (d: Draw) => boolean,
  T: number,
): number[] {
  const se = pool.map((d, i) => (isReg(d) ? f32(f32(pred[i] - y[i]) ** 2) : 0));
  const rho = new Array(T).fill(1);
  const rank = new Map<number, number>();
  const mean = new Array(T).fill(-1);
  for (let t = 0; t < T; t++) {
    const rows = pool.flatMap((d, i) => (d.task === t ? [i] : []));
    if (rows.length === 0) continue;
    if (!isReg(pool[rows[0]])) {
      mean[t] = f32(rows.reduce((a, i) => f32(a + f32(h[i])), 0) / rows.length);
      continue;
    }
    const ybar = f32(rows.reduce((a, i) => f32(a + f32(y[i])), 0) / rows.length);
    const spread = rows.reduce((a, i) => f32(a + f32(f32(f32(y[i]) - ybar) ** 2)), 0);
    const err = rows.reduce((a, i) => f32(a + se[i]), 0);
    rho[t] = spread > 0 ? Math.min(1, f32(err / spread)) : 1;
    const G = errorGrid(T, pool.length);
    const key = (i: number) => rint(f32(f32(f32(se[i] / f32(se[i] + 1)) * 0.5) * (2 * G)));
    rows.sort((a, b) => key(b) - key(a) || a - b).forEach((i, place) => rank.set(i, place));
  }
  // Means compared to 1e-3, a tie to the lower task id (as the device's leader keys).
  const keys = mean.map((m, t) => (m < 0 ? -1 : Math.round(f32(m * 1000)) * T + (T - 1 - t)));
  const leader = mean.some((m) => m >= 0) ? keys.indexOf(Math.max(...keys)) : -1;
  const sorted = pool.flatMap((d, i) => (d.task === leader ? [h[i]] : [])).sort((a, b) => b - a);
  return h.map((x, i) => {
    const d = pool[i];
    if (!isReg(d)) return x;
    if (leader < 0 || mean[leader] < 0) return rho[d.task];
    const q = f32(f32(rank.get(i)! + 0.5) / rows(pool, d.task));
    const last = sorted.length - 1;
    const pos = Math.min(f32(q * (last + 1)), last);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, last);
    const w = f32(pos - lo);
    const v = f32(f32(f32(sorted[lo]) * f32(1 - w)) + f32(f32(sorted[hi]) * w));
    return f32(rho[d.task] * v);
  });
}

const rows = (pool: Draw[], t: number) => pool.filter((d) => d.task === t).length;

/** The reference's copy: the j-th regression candidate of each task takes the donor's j-th candidate's score. */
export function borrowScores(pool: Draw[], s: number[], isReg: (d: Draw) => boolean, from: number): number[] {
  const donor = pool.flatMap((d, i) => (d.task === from ? [i] : []));
  const seen = new Map<number, number>();
  return s.map((x, i) => {
    const d = pool[i];
    const j = seen.get(d.task) ?? 0;
    seen.set(d.task, j + 1);
    return isReg(d) && j < donor.length ? s[donor[j]] : x;
  });
}

/** Calls f and checks it throws (or rejects with) a CamtlError with this code whose message contains `text`. */
export async function expectCamtlError(f: () => unknown, code: string, text: string) {
  let caught: unknown;
  try {
    await f();
  } catch (e) {
    caught = e;
  }
  expect(isCamtlError(caught), String(caught)).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
  expect((caught as Error).message).toContain(text);
}
