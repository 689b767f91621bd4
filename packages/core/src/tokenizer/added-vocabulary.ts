/**
 * HF `AddedVocabulary`: finds added tokens (the [CLS]/[SEP]/... specials and
 * any user additions) before the model sees the text. Tokens with
 * `normalized: false` are matched in the raw text, case-sensitively; the rest
 * are matched in the normalized text of what is left. Matching is
 * leftmost-longest and non-overlapping, as with HF's Aho-Corasick automaton.
 */
import type { AlignedText } from './normalizer';
import type { AddedToken } from './types';
import type { ModelToken } from './wordpiece';

/** A piece of the input: either an added token or text still to be pre-tokenized. */
export interface TextSplit {
  text: string;
  token?: ModelToken;
  /** When asked for: per UTF-16 unit of `text`, the [start, end) of its source character in the original text. */
  origin?: Omit<AlignedText, 'text'>;
}

/** A split of one matcher's input, with its first unit's position there. */
interface PlacedSplit extends TextSplit {
  start: number;
}

interface Pattern {
  text: string;
  token: AddedToken;
}

// Rust regex \w and \s are Unicode-aware; these mirror them.
const ENDS_WITH_WORD = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const STARTS_WITH_WORD = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACES_AT_END = /\p{White_Space}*$/u;
const SPACES_AT_START = /^\p{White_Space}*/u;

class TokenMatcher {
  // Keyed by first UTF-16 unit; each list longest first, so the first hit is the longest.
  private readonly byFirstUnit = new Map<string, Pattern[]>();

  constructor(patterns: Pattern[]) {
    const sorted = [...patterns].sort((a, b) => b.text.length - a.text.length);
    for (const p of sorted) {
      if (p.text.length === 0) continue;
      const list = this.byFirstUnit.get(p.text[0]) ?? [];
      list.push(p);
      this.byFirstUnit.set(p.text[0], list);
    }
  }

  get isEmpty(): boolean {
    return this.byFirstUnit.size === 0;
  }

  split(sentence: string): PlacedSplit[] {
    if (this.isEmpty) return [{ text: sentence, start: 0 }];
    const splits: PlacedSplit[] = [];
    let offset = 0;
    for (let i = 0; i < sentence.length; ) {
      const match = this.longestAt(sentence, i);
      if (!match) {
        i++;
        continue;
      }
      const end = i + match.text.length;
      const span = widenSpan(sentence, i, end, offset, match.token);
      i = end;
      if (!span) continue;
      if (offset < span.start) splits.push({ text: sentence.slice(offset, span.start), start: offset });
      const value = sentence.slice(span.start, span.stop);
      splits.push({ text: value, token: { id: match.token.id, value }, start: span.start });
      offset = span.stop;
    }
    if (offset < sentence.length) splits.push({ text: sentence.slice(offset), start: offset });
    return splits;
  }

  private longestAt(sentence: string, i: number): Pattern | undefined {
    return this.byFirstUnit.get(sentence[i])?.find((p) => sentence.startsWith(p.text, i));
  }
}

/** Applies single_word / lstrip / rstrip to a match; null when single_word rejects it. */
function widenSpan(
  sentence: string,
  start: number,
  stop: number,
  offset: number,
  token: AddedToken,
): { start: number; stop: number } | null {
  if (token.singleWord) {
    const wordBefore = start > 0 && ENDS_WITH_WORD.test(sentence.slice(0, start));
    const wordAfter = stop < sentence.length && STARTS_WITH_WORD.test(sentence.slice(stop));
    if (wordBefore || wordAfter) return null;
  }
  let s = start;
  let e = stop;
  if (token.lstrip) {
    const before = sentence.slice(0, start);
    s = Math.max(before.length - (before.match(SPACES_AT_END)?.[0].length ?? 0), offset);
  }
  if (token.rstrip) e += sentence.slice(stop).match(SPACES_AT_START)?.[0].length ?? 0;
  return { start: s, stop: e };
}

export class AddedVocabulary {
  private readonly rawMatcher: TokenMatcher;
  private readonly normalizedMatcher: TokenMatcher;
  private readonly normalize: (text: string) => string;

  constructor(tokens: AddedToken[], normalize: (text: string) => string) {
    this.normalize = normalize;
    const raw = tokens.filter((t) => !t.normalized).map((t) => ({ text: t.content, token: t }));
    // As in HF, a normalized token is looked for in its normalized form.
    const normalized = tokens.filter((t) => t.normalized).map((t) => ({ text: normalize(t.content), token: t }));
    this.rawMatcher = new TokenMatcher(raw);
    this.normalizedMatcher = new TokenMatcher(normalized);
  }

  /**
   * Raw-text matches first, then normalize each remaining piece and match
   * again; empty pieces dropped. With `align` (the normalizer with
   * alignments), every split also gets its `origin` in `text`.
   */
  extractAndNormalize(text: string, align?: (text: string) => AlignedText): TextSplit[] {
    const out: TextSplit[] = [];
    for (const split of this.rawMatcher.split(text)) {
      if (split.token) {
        out.push({ text: split.text, token: split.token, ...(align && { origin: unitOrigin(split) }) });
        continue;
      }
      const normalized = this.normalize(split.text);
      const aligned = align && placeAlignment(align(split.text), normalized, split);
      for (const inner of this.normalizedMatcher.split(normalized)) {
        if (!inner.token && inner.text.length === 0) continue;
        const origin = aligned && sliceOrigin(aligned, inner.start, inner.start + inner.text.length);
        out.push({ text: inner.text, ...(inner.token && { token: inner.token }), ...(origin && { origin }) });
      }
    }
    return out;
  }
}

/** Raw text maps to itself, unit by unit. */
function unitOrigin(split: PlacedSplit): Omit<AlignedText, 'text'> {
  const starts = Array.from({ length: split.text.length }, (_, i) => split.start + i);
  return { starts, ends: starts.map((s) => s + 1) };
}

/**
 * The alignment of a normalized piece, moved to the piece's place in the
 * whole text. Should the aligned normalization ever differ from the one the
 * ids come from, every unit points at the whole piece: coarse, never wrong.
 */
function placeAlignment(aligned: AlignedText, normalized: string, piece: PlacedSplit): Omit<AlignedText, 'text'> {
  if (aligned.text !== normalized) {
    return {
      starts: new Array<number>(normalized.length).fill(piece.start),
      ends: new Array<number>(normalized.length).fill(piece.start + piece.text.length),
    };
  }
  return { starts: aligned.starts.map((s) => s + piece.start), ends: aligned.ends.map((e) => e + piece.start) };
}

function sliceOrigin(origin: Omit<AlignedText, 'text'>, from: number, to: number): Omit<AlignedText, 'text'> {
  return { starts: origin.starts.slice(from, to), ends: origin.ends.slice(from, to) };
}
