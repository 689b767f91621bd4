import { splitLines } from './formats';
import type { Rows } from './official-base';

/**
 * CoNLL-style token files: one token per line with its tag last, separated by
 * a tab (or, without a tab, by spaces), and a blank line between sentences.
 * Oddities are read as the data intends and counted: whitespace-only lines
 * separate sentences (WNUT17's train file uses "\t" lines),
 * `-DOCSTART-` lines are dropped, empty tokens are kept, a tag's stray
 * whitespace is trimmed. A file where no line has a tag is unlabelled.
 */

interface Token {
  word: string;
  tag?: string;
  line: number;
}

function splitToken(text: string): { word: string; tag?: string } {
  const parts = text.includes('\t') ? text.split('\t') : text.trim().split(/ +/);
  return parts.length < 2 ? { word: parts[0] } : { word: parts[0], tag: parts[parts.length - 1] };
}

function tokenLine(text: string, line: number, rows: Rows): Token | undefined {
  if (text.startsWith('-DOCSTART-')) {
    rows.quirk('-DOCSTART- lines');
    return undefined;
  }
  const { word, tag } = splitToken(text);
  if (word.trim() === '') rows.quirk('empty tokens');
  if (tag !== undefined && tag !== tag.trim()) rows.quirk('tags with surrounding whitespace');
  return { word, tag: tag?.trim() || undefined, line };
}

function sentences(text: string, rows: Rows): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  for (const { line, text: raw } of splitLines(text)) {
    if (raw.trim() === '') {
      if (raw !== '') rows.quirk('sentence separators that are whitespace, not empty');
      if (current.length > 0) out.push(current);
      else if (out.length > 0) rows.quirk('extra blank lines');
      current = [];
      continue;
    }
    const token = tokenLine(raw, line, rows);
    if (token) current.push(token);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Parses a CoNLL file into token-classification examples; tags outside `labels` are bad rows. */
export function parseConll(text: string, rows: Rows, labels: readonly string[]): void {
  const all = sentences(text, rows);
  const labelled = all.some((s) => s.some((t) => t.tag !== undefined));
  for (const sentence of all) {
    const bad = labelled ? sentence.find((t) => t.tag === undefined || !labels.includes(t.tag)) : undefined;
    if (bad) {
      const got = bad.tag === undefined ? 'a line without a tag' : `"${bad.tag}"`;
      rows.bad(bad.line, `expected a tag in {${labels.join(', ')}}, got ${got}`);
      continue;
    }
    const words = sentence.map((t) => t.word);
    const ex = { textA: words.join(' '), words, line: sentence[0].line, id: String(rows.examples.length) };
    rows.examples.push(labelled ? { ...ex, tags: sentence.map((t) => t.tag!) } : ex);
  }
}
