/**
 * Token-classification predictions back to words: a word's tag is the one
 * predicted at its first sub-token, the sub-token that carried its label in
 * training (the usual convention); words cut by maxSeqLength get "O".
 */
import { CamtlError } from '../errors';
import type { EncodedExample } from './data';

/** The tag for words with no token (truncated away, or no characters the tokenizer keeps). */
export const OUTSIDE_TAG = 'O';

/**
 * Per row (one row per example for this kind, in the rows' order), one tag
 * per word: `labels[tagIds[r][wordStarts[w]]]`, "O" where wordStarts[w] is −1.
 */
export function wordTags(
  rows: readonly EncodedExample[],
  tagIds: readonly (readonly number[])[],
  labels: readonly string[],
): string[][] {
  if (tagIds.length !== rows.length) {
    throw new CamtlError('BAD_INPUT', `token-words.ts: ${rows.length} rows but ${tagIds.length} rows of tag ids`);
  }
  return rows.map((row, r) => {
    if (!row.wordStarts) throw new CamtlError('BAD_INPUT', `token-words.ts: row ${r} has no wordStarts`);
    return row.wordStarts.map((position) => {
      if (position < 0) return OUTSIDE_TAG;
      const tag = labels[tagIds[r][position]];
      if (tag === undefined) {
        const why = `tag id ${tagIds[r][position]} at token ${position} is not one of the ${labels.length} labels`;
        throw new CamtlError('BAD_INPUT', `token-words.ts: row ${r}: ${why}`);
      }
      return tag;
    });
  });
}
