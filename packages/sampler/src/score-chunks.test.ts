import type { EncodedExample } from '@camtl/core';
import { expect, it } from 'vitest';
import { scoringChunks } from './score-chunks';

const row = (length: number, choices = 0): EncodedExample => {
  const seq = { ids: Array(length).fill(5), typeIds: Array(length).fill(0) };
  return { ...seq, task: 0, target: 0, ...(choices ? { choices: Array(choices).fill(seq) } : {}) };
};

/** Padded tokens plus `cost` per chunk. */
function total(rows: EncodedExample[], chunks: number[][], cost: number): number {
  return chunks.reduce((sum, c) => {
    const longest = Math.max(...c.map((i) => rows[i].ids.length));
    return sum + cost + c.reduce((n, i) => n + (rows[i].choices?.length ?? 1), 0) * longest;
  }, 0);
}

/** The least total over every way of cutting the sorted rows into contiguous chunks (2^(n−1) of them). */
function bruteForce(rows: EncodedExample[], cost: number): number {
  const order = rows.map((_, i) => i).sort((a, b) => rows[a].ids.length - rows[b].ids.length || a - b);
  let best = Infinity;
  for (let mask = 0; mask < 2 ** (order.length - 1); mask++) {
    const chunks: number[][] = [[order[0]]];
    for (let k = 1; k < order.length; k++) {
      if (mask & (1 << (k - 1))) chunks.push([]);
      chunks[chunks.length - 1].push(order[k]);
    }
    best = Math.min(best, total(rows, chunks, cost));
  }
  return best;
}

it('scores every candidate once, in length-sorted chunks (ties in candidate order)', () => {
  const rows = [40, 7, 7, 90, 12, 40, 3].map((n) => row(n));
  const chunks = scoringChunks(rows, 50);
  expect(chunks.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  expect(chunks.flat()).toEqual([6, 1, 2, 4, 0, 5, 3]);
});

it('one forward for equal lengths; a forward each when the cost of one is nothing', () => {
  const same = Array.from({ length: 9 }, () => row(20));
  expect(scoringChunks(same)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8]]);
  const spread = [5, 9, 14, 30].map((n) => row(n));
  expect(scoringChunks(spread, 0)).toEqual([[0], [1], [2], [3]]);
});

it('cuts where padded tokens plus the cost per forward are least, counting every choice row', () => {
  let seed = 7;
  const rand = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
  for (let trial = 0; trial < 30; trial++) {
    const rows = Array.from({ length: 2 + rand(9) }, () => row(3 + rand(120), rand(4) === 0 ? 2 + rand(3) : 0));
    for (const cost of [0, 40, 200, 1000]) {
      expect(total(rows, scoringChunks(rows, cost), cost)).toBe(bruteForce(rows, cost));
    }
  }
});
