// Batch plans for one epoch of a task: the reference's fixed padding to 128,
// and dynamic padding with length bucketing (shuffle, then sort by length
// inside chunks of a few batches, then pad each batch to its longest row).
// Chunks keep the batches varied between epochs while their rows stay similar
// in length, which is what makes padding cheap.
import { seededRandom } from './lengths';

export interface PlannedBatch {
  /** Indices into the task's examples. */
  rows: number[];
  /** The padded sequence length of this batch. */
  length: number;
}

export interface BucketOptions {
  batchSize: number;
  /** Batches per sorting chunk (the larger, the tighter the buckets). */
  chunkBatches: number;
  /** Round padded lengths up to a multiple (fewer distinct shapes; 8 suits SIMD). */
  multipleOf: number;
  maxSeqLength: number;
  seed: number;
}

/** Fisher–Yates with a seeded generator. */
export function shuffled(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export function roundUp(length: number, multipleOf: number, maxSeqLength: number): number {
  return Math.min(maxSeqLength, Math.ceil(length / multipleOf) * multipleOf);
}

/** The reference: shuffled batches, every one padded to `length`. */
export function fixedPlan(lengths: readonly number[], batchSize: number, length: number, seed: number): PlannedBatch[] {
  const order = shuffled(lengths.length, seed);
  const out: PlannedBatch[] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push({ rows: order.slice(i, i + batchSize), length });
  return out;
}

/** Dynamic padding with bucketing: sorted within chunks, each batch padded to its longest row. */
export function bucketedPlan(lengths: readonly number[], o: BucketOptions): PlannedBatch[] {
  const order = shuffled(lengths.length, o.seed);
  const chunk = o.batchSize * o.chunkBatches;
  const out: PlannedBatch[] = [];
  for (let c = 0; c < order.length; c += chunk) {
    const sorted = order.slice(c, c + chunk).sort((a, b) => lengths[a] - lengths[b] || a - b);
    for (let i = 0; i < sorted.length; i += o.batchSize) {
      const rows = sorted.slice(i, i + o.batchSize);
      const longest = Math.max(...rows.map((r) => lengths[r]));
      out.push({ rows, length: roundUp(longest, o.multipleOf, o.maxSeqLength) });
    }
  }
  return out;
}

/** Rows of each padded length in a plan (the shapes to time, and how much each weighs). */
export function shapeCounts(plan: readonly PlannedBatch[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const b of plan) counts.set(b.length, (counts.get(b.length) ?? 0) + b.rows.length);
  return counts;
}

/**
 * The plan's cost from per-shape step times: a step's cost depends only on
 * its (batch, length) shape, not on the token values, so timing each distinct
 * padded length once prices every batch of that length. Partial batches are
 * charged pro rata by rows.
 */
export function planCost(
  plan: readonly PlannedBatch[],
  stepMs: ReadonlyMap<number, number>,
  batchSize: number,
): number {
  let total = 0;
  for (const b of plan) {
    const ms = stepMs.get(b.length);
    if (ms === undefined) throw new Error(`no step time for padded length ${b.length}`);
    total += (ms * b.rows.length) / batchSize;
  }
  return total;
}

/** Real tokens over padded tokens: the share of the compute that is not padding. */
export function paddingEfficiency(plan: readonly PlannedBatch[], lengths: readonly number[]): number {
  let real = 0;
  let padded = 0;
  for (const b of plan) {
    for (const r of b.rows) real += lengths[r];
    padded += b.rows.length * b.length;
  }
  return padded ? real / padded : Number.NaN;
}
