import { exampleLength, type EncodedExample } from '@camtl/core';

/**
 * What one more scoring forward costs beyond its padded tokens, in tokens:
 * every linear layer's per-call work on its weights, the task-conditioning
 * products on [B, H] and the kernel launches. Measured on wasm at `bench
 * mtu`'s settings (camtl-mini, 8 tasks × 16 candidates): 100–400 score
 * alike, about 10 % faster than chunks of the batch size.
 */
export const FORWARD_COST_TOKENS = 200;

/** The encoder rows of a candidate: one per choice for multiple choice. */
const encoderRows = (r: EncodedExample) => r.choices?.length ?? 1;

/**
 * The candidates (indices of `rows`) in length-sorted chunks, each to be
 * padded to its own longest row, cut where the padded tokens plus
 * `forwardCost` per chunk are fewest: short rows go together in large
 * chunks, long and spread-out ones in small chunks. Exact by dynamic
 * programming over the sorted lengths (O(n²), n = T·c).
 */
export function scoringChunks(rows: readonly EncodedExample[], forwardCost = FORWARD_COST_TOKENS): number[][] {
  const order = rows.map((_, i) => i).sort((a, b) => exampleLength(rows[a]) - exampleLength(rows[b]) || a - b);
  const n = order.length;
  const rowsBefore = [0]; // encoder rows of order[0 … k−1]
  order.forEach((i, k) => rowsBefore.push(rowsBefore[k] + encoderRows(rows[i])));
  const best = new Float64Array(n + 1).fill(Infinity); // best[j]: least cost of order[0 … j−1]
  const cut = new Int32Array(n + 1); // where the last chunk of that best starts
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    const longest = exampleLength(rows[order[j - 1]]); // sorted: the chunk's last row is its longest
    for (let i = 0; i < j; i++) {
      const cost = best[i] + forwardCost + (rowsBefore[j] - rowsBefore[i]) * longest;
      if (cost < best[j]) [best[j], cut[j]] = [cost, i];
    }
  }
  const chunks: number[][] = [];
  for (let j = n; j > 0; j = cut[j]) chunks.unshift(order.slice(cut[j], j));
  return chunks;
}
