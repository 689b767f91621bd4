// The block layout, and M(z) against plain-JS references for the lengths and
// sizes the reference code refuses (H % L ≠ 0, L > H) and for the overrides.
import * as tf from '@tensorflow/tfjs-core';
import { isCamtlError, paramsFromRecord } from '@camtl/core';
import { describeEachBackend, maxAbsDiff } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import { attentionBiasSpecs, blockDiagonalIndex, blockLayout, conditionalAttentionBias } from './index';
import type { AttentionBiasOptions } from './index';
import { disposeAll, randomArray, randomValues, toTensors, type JsTensor } from './test-helpers';

function expectConfigError(f: () => unknown, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(isCamtlError(e)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a CamtlError');
}

describe('blockLayout', () => {
  it('follows the reference: N = H // L, c = ⌈L/N⌉, ⌈L/c⌉ chunks', () => {
    expect(blockLayout({ hiddenSize: 768, maxSeqLength: 128 })).toEqual({ numBlocks: 6, blockSize: 22, chunks: 6 });
    expect(blockLayout({ hiddenSize: 768, maxSeqLength: 64 })).toEqual({ numBlocks: 12, blockSize: 6, chunks: 11 });
    expect(blockLayout({ hiddenSize: 1024, maxSeqLength: 128 })).toEqual({ numBlocks: 8, blockSize: 16, chunks: 8 });
  });

  it('accepts what the reference refuses: H % L ≠ 0, and L > H (one full block)', () => {
    expect(blockLayout({ hiddenSize: 768, maxSeqLength: 512 })).toEqual({ numBlocks: 1, blockSize: 512, chunks: 1 });
    expect(blockLayout({ hiddenSize: 48, maxSeqLength: 32 })).toEqual({ numBlocks: 1, blockSize: 32, chunks: 1 });
    expect(blockLayout({ hiddenSize: 16, maxSeqLength: 40 })).toEqual({ numBlocks: 1, blockSize: 40, chunks: 1 });
  });

  it('takes blocks or blockSize overrides', () => {
    expect(blockLayout({ hiddenSize: 32, maxSeqLength: 20, blocks: 6 })).toEqual({
      numBlocks: 6,
      blockSize: 4,
      chunks: 5,
    });
    expect(blockLayout({ hiddenSize: 32, maxSeqLength: 20, blockSize: 7 })).toEqual({
      numBlocks: 3,
      blockSize: 7,
      chunks: 3,
    });
    expect(blockLayout({ hiddenSize: 32, maxSeqLength: 20, blocks: 3, blockSize: 7 }).blockSize).toBe(7);
  });

  it('rejects bad layouts with a CamtlError', () => {
    expectConfigError(() => blockLayout({ hiddenSize: 32, maxSeqLength: 20, blocks: 2, blockSize: 7 }), /disagree/);
    expectConfigError(
      () => blockLayout({ hiddenSize: 32, maxSeqLength: 20, blockSize: 21 }),
      /larger than maxSeqLength 20/,
    );
    expectConfigError(() => blockLayout({ hiddenSize: 32, maxSeqLength: 0 }), /maxSeqLength/);
    expectConfigError(() => blockLayout({ hiddenSize: 32, maxSeqLength: 20, blocks: 1.5 }), /blocks/);
  });

  it('index map: in-block entries point into Ã, off-block ones at the trailing zero', () => {
    const map = blockDiagonalIndex(5, 2); // rows 0-1, 2-3, 4 (short last block)
    const zero = 10;
    expect(Array.from(map.slice(0, 5))).toEqual([0, 1, zero, zero, zero]);
    expect(Array.from(map.slice(15, 20))).toEqual([zero, zero, 6, 7, zero]);
    expect(Array.from(map.slice(20, 25))).toEqual([zero, zero, zero, zero, 8]);
  });
});

// ---------------------------------------------------------------------------
// Plain-JS references.

/** γ, β of every head for condition row z: gb = W z + b, γ = first half, β = second. */
function filmJs(w: JsTensor, bias: JsTensor, z: Float32Array): { gamma: number[]; beta: number[] } {
  const [out, d] = w.shape;
  const gb = Array.from({ length: out }, (_, r) => bias.data[r] + z.reduce((s, v, q) => s + w.data[r * d + q] * v, 0));
  return { gamma: gb.slice(0, out / 2), beta: gb.slice(out / 2) };
}

/** The reference algorithm literally: torch.chunk rows by c, block_diag, keep L columns. */
function chunkBlockDiag(aTilde: number[][], c: number, L: number): number[][] {
  const chunks: number[][][] = [];
  for (let r = 0; r < aTilde.length; r += c) chunks.push(aTilde.slice(r, r + c));
  const width = c * chunks.length;
  const rows: number[][] = [];
  chunks.forEach((chunk, n) => {
    for (const row of chunk)
      rows.push(Array.from({ length: width }, (_, j) => (j >= n * c && j < (n + 1) * c ? row[j - n * c] : 0)));
  });
  return rows.map((row) => row.slice(0, L));
}

/** The closed form M[i, j] = Ã[i, j − c⌊i/c⌋] if ⌊i/c⌋ = ⌊j/c⌋ else 0, on an S×S top-left. */
function closedForm(aTilde: number[][], c: number, S: number): number[][] {
  return Array.from({ length: S }, (_, i) =>
    Array.from({ length: S }, (_, j) =>
      Math.floor(i / c) === Math.floor(j / c) ? aTilde[i][j - c * Math.floor(i / c)] : 0,
    ),
  );
}

/** Ã for head k of example z: (1 + γ_k) ⊙ A_k + β_k, with the head-major generator layout. */
function modulatedJs(values: Record<string, JsTensor>, z: Float32Array, k: number, L: number, c: number): number[][] {
  const a = values.random_weight_matrix.data;
  const { gamma, beta } = filmJs(
    values['cond_block_diag_attn.gb_weights.weight'],
    values['cond_block_diag_attn.gb_weights.bias'],
    z,
  );
  return Array.from({ length: L }, (_, i) =>
    Array.from({ length: c }, (_, j) => (1 + gamma[k * c + j]) * a[(k * L + i) * c + j] + beta[k * c + j]),
  );
}

/** Reference M for every example (and head), flattened as [B, (h,) S, S]. */
function referenceM(
  values: Record<string, JsTensor>,
  cond: JsTensor,
  o: AttentionBiasOptions,
  S: number,
  literal: boolean,
): number[] {
  const { hiddenSize: H, maxSeqLength: L } = o;
  // c independently of blockLayout: the reference's ⌈L / max(1, H // L)⌉, or the override.
  const n = o.blocks ?? Math.max(1, Math.floor(H / L));
  const c = o.blockSize ?? Math.ceil(L / n);
  const heads = o.perHead ? o.numHeads! : 1;
  const [B, d] = cond.shape;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const z = cond.data.slice(b * d, (b + 1) * d);
    for (let k = 0; k < heads; k++) {
      const aTilde = modulatedJs(values, z, k, L, c);
      const full = literal ? chunkBlockDiag(aTilde, c, L) : closedForm(aTilde, c, L);
      for (let i = 0; i < S; i++) out.push(...full[i].slice(0, S));
    }
  }
  return out;
}

const CASES: { title: string; options: AttentionBiasOptions; seqLen?: number }[] = [
  { title: 'H 48, L 32 (H % L ≠ 0, N = 1)', options: { hiddenSize: 48, maxSeqLength: 32 } },
  { title: 'H 50, L 16 (N = 3, c = 6, chunks 6/6/4)', options: { hiddenSize: 50, maxSeqLength: 16 } },
  { title: 'H 70, L 9 (N = 7, c = 2, 5 chunks < N)', options: { hiddenSize: 70, maxSeqLength: 9 } },
  { title: 'H 16, L 40 (L > H: one 40×40 block)', options: { hiddenSize: 16, maxSeqLength: 40 } },
  { title: 'blocks 6 at L 20 (c = 4, 5 chunks)', options: { hiddenSize: 32, maxSeqLength: 20, blocks: 6 } },
  { title: 'blockSize 7 at L 20 (7/7/6)', options: { hiddenSize: 32, maxSeqLength: 20, blockSize: 7 } },
  { title: 'H 50, L 16 padded to 11', options: { hiddenSize: 50, maxSeqLength: 16 }, seqLen: 11 },
  {
    title: 'per head, h 3, H 24, L 10 (N = 2, c = 5)',
    options: { hiddenSize: 24, maxSeqLength: 10, perHead: true, numHeads: 3 },
  },
  {
    title: 'per head, h 2, L 13 padded to 9',
    options: { hiddenSize: 32, maxSeqLength: 13, perHead: true, numHeads: 2 },
    seqLen: 9,
  },
];

describeEachBackend('M(z) against plain-JS references', () => {
  for (const { title, options, seqLen } of CASES) {
    it(title, () => {
      const S = seqLen ?? options.maxSeqLength;
      const values = randomValues(attentionBiasSpecs(options), 11);
      const cond = randomArray([4, options.hiddenSize], 12);
      const literal = referenceM(values, cond, options, S, true);
      const closed = referenceM(values, cond, options, S, false);
      expect(maxAbsDiff(literal, closed)).toBe(0); // the closed form is the reference algorithm
      const tensors = toTensors(values);
      const z = tf.tensor2d(cond.data, cond.shape as [number, number]);
      const m = conditionalAttentionBias(paramsFromRecord(tensors), z, S, options);
      const h = options.perHead ? [options.numHeads!] : [];
      expect(m.shape).toEqual([4, ...h, S, S]);
      expect(maxAbsDiff(m.dataSync(), closed)).toBeLessThanOrEqual(1e-5);
      disposeAll({ ...tensors, z, m });
    });
  }
});
