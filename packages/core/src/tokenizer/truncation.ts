/**
 * HF `truncate_encodings` (Rust, right side, stride 0). The budget excludes the
 * special tokens; the caller subtracts them first. The fast tokenizer splits a
 * pair budget in one step (shorter sequence first), unlike the slow Python
 * tokenizer's one-token-at-a-time loop, so the two can differ by one token.
 */
import { CamtlError } from '../errors';
import type { SequenceEncoding, TruncationStrategy } from './types';

/** Keeps the first `length` tokens. */
export function truncateSequence(encoding: SequenceEncoding, length: number): SequenceEncoding {
  if (encoding.ids.length <= length) return encoding;
  const kept: SequenceEncoding = {
    ids: encoding.ids.slice(0, length),
    tokens: encoding.tokens.slice(0, length),
    wordIds: encoding.wordIds.slice(0, length),
  };
  if (encoding.offsets) kept.offsets = encoding.offsets.slice(0, length);
  return kept;
}

/**
 * The lengths `longest_first` keeps for a pair that is over `budget`: a short
 * sequence stays whole and the other gets the rest; when both are long, the
 * shorter one gets floor(budget / 2) and the longer one the remainder.
 */
export function longestFirstLengths(firstLength: number, secondLength: number, budget: number): [number, number] {
  const swap = firstLength > secondLength;
  let n1 = Math.min(firstLength, secondLength);
  let n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}

/**
 * The lengths transformers 2.11's slow `truncate_sequences('longest_first')`
 * keeps: it removes one token at a time from the longer sequence, and from
 * the second one on a tie. So a short sequence stays whole; when both are
 * long, the first gets ceil(budget / 2) — the fast tokenizer gives the
 * shorter-or-equal first floor(budget / 2), the one case where they differ.
 */
export function referenceLongestFirstLengths(
  firstLength: number,
  secondLength: number,
  budget: number,
): [number, number] {
  if (firstLength + secondLength <= budget) return [firstLength, secondLength];
  const shorter = Math.min(firstLength, secondLength);
  if (shorter <= budget - shorter) {
    // Only the longer one is cut, down to what the shorter leaves.
    return firstLength > secondLength ? [budget - shorter, shorter] : [shorter, budget - shorter];
  }
  return [Math.ceil(budget / 2), Math.floor(budget / 2)];
}

/**
 * The length a sequence counts as in a pair's `longest_first` split. HF
 * tokenizers 0.23 stops word-piecing a sequence once it holds `maxSeqLength`
 * tokens, finishing the word it is in, so a longer sequence counts only up to
 * that word's end. This decides which sequence is "shorter" (and gets
 * floor(budget / 2)); e.g. fixture cases public-198/199/200. Verified against
 * the npm `tokenizers@0.23.2` binding on 3,000 random pairs.
 */
export function countedLength(encoding: SequenceEncoding, maxSeqLength: number): number {
  const w = encoding.wordIds;
  if (w.length <= maxSeqLength || maxSeqLength <= 0) return w.length;
  const last = w[maxSeqLength - 1];
  let k = maxSeqLength;
  while (k < w.length && last !== null && w[k] === last) k++;
  return k;
}

export function truncateEncodings(
  first: SequenceEncoding,
  second: SequenceEncoding | null,
  budget: number,
  strategy: TruncationStrategy,
  maxSeqLength = budget,
): [SequenceEncoding, SequenceEncoding | null] {
  if (budget === 0) return [truncateSequence(first, 0), second && truncateSequence(second, 0)];
  const total = first.ids.length + (second?.ids.length ?? 0);
  if (total <= budget) return [first, second];
  if (strategy === 'longest_first_reference') {
    if (!second) return [truncateSequence(first, budget), null];
    // The slow tokenizer word-pieces whole sequences: no countedLength cut-off.
    const [n1, n2] = referenceLongestFirstLengths(first.ids.length, second.ids.length, budget);
    return [truncateSequence(first, n1), truncateSequence(second, n2)];
  }
  if (strategy === 'longest_first') {
    if (!second) return [truncateSequence(first, budget), null];
    const [n1, n2] = longestFirstLengths(
      countedLength(first, maxSeqLength),
      countedLength(second, maxSeqLength),
      budget,
    );
    return [truncateSequence(first, n1), truncateSequence(second, n2)];
  }
  const toRemove = total - budget;
  const target = strategy === 'only_first' ? first : second;
  if (!target) {
    throw new CamtlError('BAD_INPUT', `truncation '${strategy}' needs a second sequence, but only one was given`);
  }
  if (target.ids.length <= toRemove) {
    throw new CamtlError(
      'BAD_INPUT',
      `truncation '${strategy}': the sequence has ${target.ids.length} tokens, too few to remove the ${toRemove} needed to fit the budget of ${budget}`,
      "use truncation 'longest_first' or a larger maxSeqLength",
    );
  }
  const kept = truncateSequence(target, target.ids.length - toRemove);
  return strategy === 'only_first' ? [kept, second] : [first, kept];
}
