import { CamtlError } from '@camtl/core';

/**
 * SQuAD v1.1's official evaluation (`evaluate-v1.1.py`), ported so that every
 * step keeps Python 3's semantics: `str.lower()`, ASCII `string.punctuation`,
 * `re.sub(r'\b(a|an|the)\b', ' ', s)` with Python's Unicode word boundaries
 * (a word character is alphanumeric or "_"; JavaScript's `\b` is ASCII-only
 * and would find an article inside "açaí"), and `str.split()` on Python's
 * whitespace set (which differs from JavaScript's `\s`). ReCoRD's official
 * scorer uses the same functions.
 */

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
// Python's re: \w is str.isalnum() or "_"; isalnum covers the letter categories and every numeric character.
const ARTICLE = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
// Python's str.isspace(): bidi classes WS, B, S and category Zs (not U+200B, U+FEFF or U+180E).
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

/** Python's `str.split()` without arguments. */
export function pythonSplit(text: string): string[] {
  return text.split(PY_WHITESPACE).filter((t) => t !== '');
}

/** The official `normalize_answer`: lower, drop ASCII punctuation, drop articles, collapse whitespace. */
export function squadNormalizeAnswer(s: string): string {
  let text = '';
  for (const ch of s.toLowerCase()) if (!PUNCTUATION.has(ch)) text += ch;
  return pythonSplit(text.replace(ARTICLE, ' ')).join(' ');
}

/** 1 when the normalised strings are equal (two empty ones included), else 0. */
export function squadExactMatch(prediction: string, gold: string): number {
  return squadNormalizeAnswer(prediction) === squadNormalizeAnswer(gold) ? 1 : 0;
}

/** Token F1 with multiset intersection; 0 when nothing is shared, so two empty answers score 0. */
export function squadF1(prediction: string, gold: string): number {
  const predTokens = pythonSplit(squadNormalizeAnswer(prediction));
  const goldTokens = pythonSplit(squadNormalizeAnswer(gold));
  const counts = new Map<string, number>();
  for (const t of goldTokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let numSame = 0;
  for (const t of predTokens) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      numSame += 1;
      counts.set(t, c - 1);
    }
  }
  if (numSame === 0) return 0;
  const precision = (1.0 * numSame) / predTokens.length;
  const recall = (1.0 * numSame) / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

function maxOverGolds(fn: (p: string, g: string) => number, prediction: string, golds: readonly string[]): number {
  return Math.max(...golds.map((g) => fn(prediction, g)));
}

/**
 * Exact match and F1 as fractions (the script's percentages / 100): each
 * reference question counts once, a missing prediction scores 0, predictions
 * for ids without a reference are ignored.
 */
export function squadMetrics(
  predictions: Readonly<Record<string, string>>,
  references: Readonly<Record<string, readonly string[]>>,
): { exact_match: number; f1: number } {
  const ids = Object.keys(references);
  if (ids.length === 0) throw new CamtlError('BAD_INPUT', 'squadMetrics: no reference questions');
  let exact = 0;
  let f1 = 0;
  for (const id of ids) {
    const golds = references[id];
    if (golds.length === 0) throw new CamtlError('BAD_INPUT', `squadMetrics: question "${id}" has no gold answer`);
    if (!Object.prototype.hasOwnProperty.call(predictions, id)) continue;
    exact += maxOverGolds(squadExactMatch, predictions[id], golds);
    f1 += maxOverGolds(squadF1, predictions[id], golds);
  }
  return { exact_match: exact / ids.length, f1: f1 / ids.length };
}
