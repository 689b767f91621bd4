/**
 * HF `BertPreTokenizer`: split on whitespace (removed), then isolate every
 * punctuation character. BERT's punctuation is all ASCII non-alphanumeric
 * printables (so $ + < = > ^ ` | ~ count) plus the Unicode P* categories.
 */

const WORD_OR_PUNCTUATION =
  /[\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E\p{P}]|[^\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E\p{P}\p{White_Space}]+/gu;

const PUNCTUATION = /^[\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E\p{P}]$/u;

export function isBertPunctuation(char: string): boolean {
  return PUNCTUATION.test(char);
}

/** The words of an already normalized text, each with its first UTF-16 unit there. */
export function bertPreTokenizeSpans(normalized: string): { word: string; start: number }[] {
  return Array.from(normalized.matchAll(WORD_OR_PUNCTUATION), (m) => ({ word: m[0], start: m.index }));
}

/** The words of an already normalized text. */
export function bertPreTokenize(normalized: string): string[] {
  return normalized.match(WORD_OR_PUNCTUATION) ?? [];
}
