// Test helpers (not exported): contexts, a recording fake scorer, chi-square.
import * as tf from '@tensorflow/tfjs-core';
import type { Draw, Sampler, SamplerContext, SamplerFactory, SamplerTask } from '@camtl/core';
import type { Scorer } from './candidate-scoring';
import { mtUncertaintyWith, type MtUncertaintyOptions } from './mt-uncertainty';

/**
 * A sampler context. Regression tasks get `targetVariance` 1 (the trainer always
 * fills it) unless `targetVariances` gives each task's value (undefined: none).
 */
export function context(
  sizes: number[],
  batchSize: number,
  extra: Partial<SamplerContext> & {
    kinds?: SamplerTask['kind'][];
    targetVariances?: Array<number | undefined>;
  } = {},
): SamplerContext {
  const tasks = sizes.map((size, t): SamplerTask => {
    const kind = extra.kinds?.[t] ?? 'classification';
    const targetVariance = extra.targetVariances ? extra.targetVariances[t] : kind === 'regression' ? 1 : undefined;
    return { name: `task${t}`, size, kind, ...(targetVariance === undefined ? {} : { targetVariance }) };
  });
  return { tasks, batchSize, seed: extra.seed ?? 1234, epochs: extra.epochs ?? 3 };
}

/** A deterministic pseudo-value in [0, 1) for (task, index, salt): no shared state, so resumes match. */
export function hashUnit(task: number, index: number, salt = 0): number {
  let h = Math.imul(task + 1, 0x9e3779b1) ^ Math.imul(index + 7, 0x85ebca6b) ^ Math.imul(salt + 3, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

export interface ScorerCall {
  draws: Draw[];
  dropout: boolean;
}

export interface FakeScorerSpec {
  entropy: (d: Draw) => number;
  /** Prediction of a draw; `pass` counts dropout calls (mod K handled by the caller). */
  prediction?: (d: Draw, dropout: boolean, pass: number) => number;
  /** The draw's training target; without it the scorer returns no `target` (as an older scorer would). */
  target?: (d: Draw) => number;
}

/** A scorer returning known tensors and recording every call. */
export function fakeScorer(spec: FakeScorerSpec): { scorer: Scorer; calls: ScorerCall[] } {
  const calls: ScorerCall[] = [];
  let dropoutPasses = 0;
  const scorer: Scorer = (draws, { dropout }) => {
    calls.push({ draws: [...draws], dropout });
    const pass = dropout ? dropoutPasses++ : -1;
    const pred = spec.prediction ?? (() => 0);
    return {
      normalizedEntropy: tf.tensor1d(draws.map(spec.entropy)),
      prediction: tf.tensor1d(draws.map((d) => pred(d, dropout, pass))),
      ...(spec.target ? { target: tf.tensor1d(draws.map(spec.target)) } : {}),
    };
  };
  return { scorer, calls };
}

/** A scorer a test can swap between steps (`slot.scorer = …`). */
export interface ScorerSlot {
  scorer: Scorer;
}

/** MT-U over a fake scorer (or a swappable slot) instead of a model's forward pass. */
export function mtuWith(options: MtUncertaintyOptions, scorer: Scorer | ScorerSlot): SamplerFactory {
  const current = typeof scorer === 'function' ? () => scorer : () => scorer.scorer;
  return mtUncertaintyWith(options, () => () => (draws, o) => current()(draws, o));
}

/** Runs `steps` batches in order; epoch advances every epochLength() steps. */
export async function run(sampler: Sampler, steps: number, from = 0): Promise<Draw[][]> {
  const L = sampler.epochLength();
  const out: Draw[][] = [];
  for (let i = 0; i < steps; i++) {
    const step = from + i;
    out.push(await sampler.next({ step, epoch: Math.floor(step / L) + 1 }));
  }
  return out;
}

/** Pearson's chi-square statistic of observed counts against probabilities p. */
export function chiSquare(counts: number[], p: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((acc, c, i) => acc + (c - n * p[i]) ** 2 / (n * p[i]), 0);
}

/** Upper 0.1 % points of the chi-square distribution by degrees of freedom (standard tables). */
export const CHI2_CRIT_001: Record<number, number> = { 1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 5: 20.515 };

export function taskCounts(draws: Draw[], T: number): number[] {
  const counts = new Array(T).fill(0);
  for (const d of draws) counts[d.task] += 1;
  return counts;
}
