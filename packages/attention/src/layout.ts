import { CamtlError } from '@camtl/core';

/**
 * The block layout of CA-MTL's attention bias M(z), as the reference builds it
 * (`MyBertSelfAttention9` + `CBDA`): N = ⌊H/L⌋ blocks, block width
 * c = ⌈L/N⌉, then `torch.chunk(N)` over the L rows of Ã. torch.chunk makes
 * chunks of c rows, so there are ⌈L/c⌉ of them (possibly fewer than N) and the
 * last may be short; `block_diag` + cutting to L columns then gives
 *
 *   M[i, j] = Ã[i, j − c·⌊i/c⌋]  if ⌊i/c⌋ = ⌊j/c⌋, else 0.
 *
 * The reference refuses H % L ≠ 0; the construction does not need it, so any
 * L is accepted here. L > H (⌊H/L⌋ = 0) is clamped to one full L×L block.
 */
export interface BlockLayoutOptions {
  hiddenSize: number;
  /** L: the longest sequence the bias is built for (`max_seq_length`). */
  maxSeqLength: number;
  /** N, overriding ⌊H/L⌋; the block width becomes ⌈L/N⌉. */
  blocks?: number;
  /** c, overriding ⌈L/N⌉ directly (1 ≤ c ≤ L). */
  blockSize?: number;
}

export interface BlockLayout {
  /** N: the nominal number of blocks (what the reference passes to torch.chunk). */
  numBlocks: number;
  /** c: rows per block and the width of `random_weight_matrix`. */
  blockSize: number;
  /** ⌈L/c⌉: the blocks actually made (≤ N; the last one has L − (chunks−1)·c rows). */
  chunks: number;
}

function checkCount(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1) {
    throw new CamtlError('BAD_CONFIG', `attention bias: ${name} must be a positive integer, got ${value}`);
  }
}

/** The block layout for a hidden size and maximum length (pure; no tensors). */
export function blockLayout(options: BlockLayoutOptions): BlockLayout {
  const { hiddenSize: H, maxSeqLength: L, blocks, blockSize } = options;
  checkCount('hiddenSize', H);
  checkCount('maxSeqLength', L);
  checkCount('blocks', blocks);
  checkCount('blockSize', blockSize);
  if (blockSize !== undefined && blockSize > L) {
    throw new CamtlError(
      'BAD_CONFIG',
      `attention bias: blockSize ${blockSize} is larger than maxSeqLength ${L}`,
      'a block cannot be wider than the sequence; use blockSize ≤ maxSeqLength',
    );
  }
  // torch.chunk(N) cuts rows into chunks of ⌈L/N⌉, so N only matters through c.
  const n = blocks ?? (blockSize !== undefined ? Math.ceil(L / blockSize) : Math.max(1, Math.floor(H / L)));
  const c = blockSize ?? Math.ceil(L / n);
  if (blocks !== undefined && blockSize !== undefined && Math.ceil(L / blocks) !== blockSize) {
    throw new CamtlError(
      'BAD_CONFIG',
      `attention bias: blocks ${blocks} and blockSize ${blockSize} disagree for maxSeqLength ${L}`,
      `give one of them; blocks ${blocks} means blockSize ⌈${L}/${blocks}⌉ = ${Math.ceil(L / blocks)}`,
    );
  }
  return { numBlocks: n, blockSize: c, chunks: Math.ceil(L / c) };
}

// Index maps are pure functions of (L′, c); a few lengths recur every step.
const indexCache = new Map<string, Int32Array>();
const INDEX_CACHE_SIZE = 16;

/**
 * For a row-major [L′, c] matrix flattened and followed by one zero (index
 * L′·c), the flat index that lands on each entry of the [L′, L′] block-diagonal
 * matrix: `gather(pad(Ã), map)` then builds M in one op for the whole batch,
 * and its gradient is a scatter-add back into Ã.
 */
export function blockDiagonalIndex(seqLen: number, blockSize: number): Int32Array {
  const key = `${seqLen}:${blockSize}`;
  const hit = indexCache.get(key);
  if (hit) return hit;
  const c = blockSize;
  const zero = seqLen * c;
  const map = new Int32Array(seqLen * seqLen).fill(zero);
  for (let i = 0; i < seqLen; i++) {
    const start = c * Math.floor(i / c); // first column of row i's block
    const end = Math.min(start + c, seqLen);
    for (let j = start; j < end; j++) map[i * seqLen + j] = i * c + (j - start);
  }
  if (indexCache.size >= INDEX_CACHE_SIZE) indexCache.delete(indexCache.keys().next().value as string);
  indexCache.set(key, map);
  return map;
}
