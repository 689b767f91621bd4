/**
 * Span-extraction answers from start/end logits, as HF's
 * `postprocess_qa_predictions` (utils_qa.py): per window the top-n start and
 * end tokens, pairs inside the context with start ≤ end and at most
 * maxAnswerLength tokens, scored by start + end logit; the best over all of
 * an example's windows, cut from the original context by character offsets.
 */
import { CamtlError } from '../errors';
import type { EncodedExample } from './data';
import type { Example } from './tasks';

export interface SpanDecodeOptions {
  /** Start and end candidates per window (HF n_best_size); default 20. */
  nBest?: number;
  /** Tokens an answer may span; default 30. */
  maxAnswerLength?: number;
}

export interface SpanChoice {
  score: number;
  /** Token positions in the row. */
  start: number;
  end: number;
}

/**
 * The `n` positions with the largest values among the first `length`, largest
 * first (ties: lower position first). Positions past the row's own tokens
 * (batch padding) never compete, so a row's answer does not depend on its batch.
 */
function topPositions(values: readonly number[], length: number, n: number): number[] {
  const positions = Array.from({ length: Math.min(length, values.length) }, (_, i) => i);
  return positions.sort((a, b) => values[b] - values[a] || a - b).slice(0, n);
}

/** The best valid span of one window, or null (HF skips pairs outside the context, reversed or too long). */
export function bestSpan(
  offsets: readonly ([number, number] | null)[],
  startLogits: readonly number[],
  endLogits: readonly number[],
  options: SpanDecodeOptions = {},
): SpanChoice | null {
  const nBest = options.nBest ?? 20;
  const maxAnswerLength = options.maxAnswerLength ?? 30;
  const ends = topPositions(endLogits, offsets.length, nBest);
  let best: SpanChoice | null = null;
  for (const start of topPositions(startLogits, offsets.length, nBest)) {
    if (!offsets[start]) continue;
    for (const end of ends) {
      if (!offsets[end] || end < start || end - start + 1 > maxAnswerLength) continue;
      const score = startLogits[start] + endLogits[end];
      // Strictly greater: on a tie the earlier candidate stays, as HF's stable sort keeps it.
      if (best === null || score > best.score) best = { score, start, end };
    }
  }
  return best;
}

/**
 * One answer per example: the best span over its windows (rows with
 * `example` = its position; `startLogits[r]` belongs to `rows[r]`), as the
 * text of the ORIGINAL context between the start token's first and the end
 * token's last character. "" when no window has a valid span (HF says "empty").
 */
export function spanPredictions(
  rows: readonly EncodedExample[],
  startLogits: readonly (readonly number[])[],
  endLogits: readonly (readonly number[])[],
  examples: readonly Example[],
  options: SpanDecodeOptions = {},
): string[] {
  if (startLogits.length !== rows.length || endLogits.length !== rows.length) {
    const sizes = `${rows.length} rows, ${startLogits.length} start and ${endLogits.length} end logit rows`;
    throw new CamtlError('BAD_INPUT', `span-answers.ts: ${sizes}`);
  }
  const best: { score: number; text: string }[] = examples.map(() => ({ score: -Infinity, text: '' }));
  rows.forEach((row, r) => {
    const e = row.example ?? row.index ?? r;
    const context = examples[e]?.textB;
    if (context === undefined || !row.offsets) {
      throw new CamtlError('BAD_INPUT', `span-answers.ts: row ${r} has no offsets or no context (example ${e})`);
    }
    const span = bestSpan(row.offsets, startLogits[r], endLogits[r], options);
    if (span === null || span.score <= best[e].score) return;
    best[e] = { score: span.score, text: context.slice(row.offsets[span.start]![0], row.offsets[span.end]![1]) };
  });
  return best.map((b) => b.text);
}
