/**
 * HF `BertNormalizer`, step for step in the Rust order: clean_text,
 * handle_chinese_chars, strip_accents, lowercase. Every step works per code
 * point, so normalizing pieces of a string gives the same result as the whole.
 */
import type { BertNormalizerOptions } from './types';

export const DEFAULT_BERT_NORMALIZER: BertNormalizerOptions = {
  cleanText: true,
  handleChineseChars: true,
  stripAccents: null,
  lowercase: true,
};

// HF's is_control is unicode_categories' is_other (Cc, Cf, Co); \t \n \r are
// whitespace instead. NUL and U+FFFD are dropped explicitly by HF.
const CONTROL = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}]/gu;
// Rust char::is_whitespace is the White_Space property (JS \s differs: it has U+FEFF).
const WHITESPACE = /\p{White_Space}/gu;
// The Rust ranges, including their 0x2B920 start of Extension E (Python BERT has 0x2B820).
const CJK_IDEOGRAPH =
  /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;
const NONSPACING_MARK = /\p{Mn}/gu;
const CAPITAL_SIGMA = '\u03A3';
const SMALL_SIGMA = '\u03C3';

/** Removes control characters and maps every whitespace character to ' '. */
export function cleanText(text: string): string {
  return text.replace(CONTROL, '').replace(WHITESPACE, ' ');
}

/** Surrounds each CJK ideograph with spaces, so each becomes its own word. */
export function padChineseChars(text: string): string {
  return text.replace(CJK_IDEOGRAPH, ' $& ');
}

/** NFD, then drop non-spacing marks (é → e, で → て, Hangul syllables → jamo). */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(NONSPACING_MARK, '');
}

/**
 * Lowercases code point by code point, as HF does: Σ always becomes σ. The
 * whole-string toLowerCase() applies the Final_Sigma rule (ς), its only
 * context-dependent mapping, so lowercasing the pieces between capital sigmas
 * is equivalent to lowercasing each code point.
 */
export function lowercasePerCodePoint(text: string): string {
  if (!text.includes(CAPITAL_SIGMA)) return text.toLowerCase();
  return text
    .split(CAPITAL_SIGMA)
    .map((piece) => piece.toLowerCase())
    .join(SMALL_SIGMA);
}

export function bertNormalize(text: string, options: BertNormalizerOptions): string {
  let out = text;
  if (options.cleanText) out = cleanText(out);
  if (options.handleChineseChars) out = padChineseChars(out);
  if (options.stripAccents ?? options.lowercase) out = stripAccents(out);
  if (options.lowercase) out = lowercasePerCodePoint(out);
  return out;
}

/** A normalized text and, per UTF-16 unit of it, the [start, end) units of the original character it came from. */
export interface AlignedText {
  text: string;
  starts: number[];
  ends: number[];
}

/**
 * bertNormalize that also keeps, for every output unit, the original
 * character it comes from, as HF's NormalizedString alignments do: removed
 * characters leave nothing, and every character a step produces (NFD pieces,
 * İ → i̇, the spaces around a CJK ideograph) points at its source character.
 * Each step works per code point, so normalizing one code point at a time
 * gives the same text (HF's NFD is per character too).
 */
export function bertNormalizeAligned(text: string, options: BertNormalizerOptions | null): AlignedText {
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let pos = 0;
  for (const ch of text) {
    const end = pos + ch.length;
    const out = options === null ? ch : normalizeCodePoint(ch, options);
    parts.push(out);
    for (let i = 0; i < out.length; i++) {
      starts.push(pos);
      ends.push(end);
    }
    pos = end;
  }
  return { text: parts.join(''), starts, ends };
}

// Printable ASCII needs none of the Unicode steps: a fast path for the usual text.
function normalizeCodePoint(ch: string, options: BertNormalizerOptions): string {
  const code = ch.charCodeAt(0);
  if (code >= 0x20 && code < 0x7f) return options.lowercase ? ch.toLowerCase() : ch;
  return bertNormalize(ch, options);
}
