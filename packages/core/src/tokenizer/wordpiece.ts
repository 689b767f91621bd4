/**
 * HF `WordPiece` model (greedy longest-match-first over code points) and the
 * `WordPiece` decoder with its cleanup.
 */
import { CamtlError } from '../errors';
import type { WordPieceDecoderOptions, WordPieceOptions } from './types';

export interface ModelToken {
  id: number;
  value: string;
}

export class WordPiece {
  readonly options: WordPieceOptions;
  private readonly vocab: Map<string, number>;
  private readonly unk: ModelToken;
  // No vocabulary entry is longer than this, so longer candidates are skipped unseen.
  private readonly maxPieceChars: number;

  constructor(vocab: Map<string, number>, options: WordPieceOptions, source = 'WordPiece') {
    const unkId = vocab.get(options.unkToken);
    if (unkId === undefined) {
      throw new CamtlError(
        'BAD_CONFIG',
        `${source}: the unknown token ${JSON.stringify(options.unkToken)} is not in the vocabulary`,
      );
    }
    this.vocab = vocab;
    this.options = options;
    this.unk = { id: unkId, value: options.unkToken };
    let longest = 0;
    for (const token of vocab.keys()) longest = Math.max(longest, codePointLength(token));
    this.maxPieceChars = longest;
  }

  /** The pieces of one pre-tokenized word; a word that cannot be covered is one [UNK]. */
  tokenize(word: string): ModelToken[] {
    // at[i]: the UTF-16 offset of code point i, so candidates are native slices (no per-candidate join).
    const at: number[] = [];
    for (let i = 0; i < word.length; i += word.codePointAt(i)! > 0xffff ? 2 : 1) at.push(i);
    if (at.length > this.options.maxInputCharsPerWord) return [this.unk];
    at.push(word.length);
    const pieces: ModelToken[] = [];
    let start = 0;
    while (start < at.length - 1) {
      const found = this.longestPieceAt(word, at, start);
      if (!found) return [this.unk];
      pieces.push(found.token);
      start = found.end;
    }
    return pieces;
  }

  private longestPieceAt(word: string, at: number[], start: number): { token: ModelToken; end: number } | null {
    const prefix = start > 0 ? this.options.continuingSubwordPrefix : '';
    for (let end = Math.min(at.length - 1, start + this.maxPieceChars); end > start; end--) {
      const value = prefix + word.slice(at[start], at[end]);
      const id = this.vocab.get(value);
      if (id !== undefined) return { token: { id, value }, end };
    }
    return null;
  }
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** HF `decoders::wordpiece::cleanup`: undoes the spaces BERT puts around punctuation and clitics. */
export function cleanupDecoded(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** HF WordPiece decoder: glue ##pieces, space-separate words; cleanup is per token, as in HF. */
export function decodeWordPiece(tokens: string[], options: WordPieceDecoderOptions): string {
  let out = '';
  tokens.forEach((token, i) => {
    let piece = token;
    if (i > 0) piece = token.startsWith(options.prefix) ? token.slice(options.prefix.length) : ` ${token}`;
    out += options.cleanup ? cleanupDecoded(piece) : piece;
  });
  return out;
}
