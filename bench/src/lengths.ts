// Per-task WordPiece length distributions of the GLUE training sets. No GLUE
// data is on the benchmark machine, so by default the lengths are MODELLED:
// a seeded log-normal per task with the documented mean length, clipped to
// [4, 128]. `bench epoch --glue-dir` replaces them with measured lengths.

export const MIN_LENGTH = 4;
export const MAX_LENGTH = 128;

export interface TaskLengths {
  task: string;
  /** Training examples in the full GLUE train split (the epoch is extrapolated to it). */
  trainSize: number;
  /** Mean encoded length, [CLS] and [SEP]s included. */
  mean: number;
  /** σ of the underlying normal: the spread of the log-length. */
  sigma: number;
  /** Where the mean comes from. */
  source: string;
}

const DOC = 'documented average (perf-anchors.md)';
const ASSUMED = 'assumed (not in the notes; typical of the task)';

/**
 * Means from perf-anchors.md "What GLUE sentence lengths look like" (pair
 * totals inside their documented ranges); sizes are the GLUE train splits.
 * Single sentences vary more in relative length than pairs, hence the σ.
 */
export const GLUE_LENGTHS: readonly TaskLengths[] = [
  { task: 'cola', trainSize: 8551, mean: 11, sigma: 0.45, source: DOC },
  { task: 'sst-2', trainSize: 67349, mean: 13, sigma: 0.6, source: DOC },
  { task: 'mrpc', trainSize: 3668, mean: 53, sigma: 0.3, source: `${DOC}: 50–70` },
  { task: 'rte', trainSize: 2490, mean: 68, sigma: 0.45, source: `${DOC}: 50–70` },
  { task: 'qqp', trainSize: 363846, mean: 30, sigma: 0.45, source: `${DOC}: 30–50` },
  { task: 'qnli', trainSize: 104743, mean: 50, sigma: 0.4, source: `${DOC}: 30–50` },
  { task: 'mnli', trainSize: 392702, mean: 40, sigma: 0.4, source: DOC },
  { task: 'sts-b', trainSize: 5749, mean: 30, sigma: 0.4, source: ASSUMED },
];

export function glueLengths(task: string): TaskLengths {
  const t = GLUE_LENGTHS.find((x) => x.task === task);
  if (!t) throw new Error(`no length model for task "${task}" (known: ${GLUE_LENGTHS.map((x) => x.task).join(', ')})`);
  return t;
}

/** mulberry32: a tiny seeded PRNG, so the modelled lengths are the same on every run and machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` lengths from log-normal(μ, σ) with E = mean (μ = ln mean − σ²/2), rounded and clipped. */
export function sampleLengths(model: Pick<TaskLengths, 'mean' | 'sigma'>, n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const mu = Math.log(model.mean) - (model.sigma * model.sigma) / 2;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // Box–Muller; 1 − u keeps the log argument in (0, 1].
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    out.push(clip(Math.round(Math.exp(mu + model.sigma * z))));
  }
  return out;
}

export function clip(length: number): number {
  return Math.min(MAX_LENGTH, Math.max(MIN_LENGTH, length));
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
}

/** `k` items evenly spread over `xs` (a deterministic sample of measured lengths). */
export function spread<T>(xs: readonly T[], k: number): T[] {
  if (xs.length <= k) return [...xs];
  return Array.from({ length: k }, (_, i) => xs[Math.floor((i * xs.length) / k)]);
}
