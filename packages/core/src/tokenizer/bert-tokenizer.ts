/**
 * The BERT WordPiece tokenizer: HF `BertTokenizerFast` (Rust `tokenizers`)
 * semantics in dependency-free TypeScript, for Node and browsers.
 */
import { CamtlError } from '../errors';
import { describeValue } from '../schema';
import { AddedVocabulary } from './added-vocabulary';
import { bertNormalize, bertNormalizeAligned, type AlignedText } from './normalizer';
import { bertPreTokenize, bertPreTokenizeSpans } from './pretokenizer';
import { bertProcess, numSpecialTokens, padEncoding, roundUpToMultiple } from './post-processor';
import { parseTokenizerJson } from './tokenizer-json';
import { truncateEncodings } from './truncation';
import type {
  AddedToken,
  BatchEncodeOptions,
  BatchEncoding,
  BertTokenizerConfig,
  EncodeOptions,
  Encoding,
  SequenceEncoding,
  SpecialToken,
  SpecialTokens,
  TruncationStrategy,
} from './types';
import { vocabConfig, type VocabOptions } from './vocab';
import { decodeWordPiece, WordPiece } from './wordpiece';

export type BatchInput = string | { text: string; textPair?: string | null };

export class BertTokenizer {
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  private readonly config: BertTokenizerConfig;
  private readonly wordPiece: WordPiece;
  private readonly addedVocabulary: AddedVocabulary;
  private readonly addedByContent = new Map<string, AddedToken>();
  private readonly addedById = new Map<number, AddedToken>();
  private readonly vocabById = new Map<number, string>();
  private readonly source: string;

  /** `source` (the file it came from) names it in errors. */
  constructor(config: BertTokenizerConfig, source = 'tokenizer') {
    this.config = config;
    this.source = source;
    this.wordPiece = new WordPiece(config.vocab, config.wordPiece, source);
    for (const t of config.addedTokens) {
      this.addedByContent.set(t.content, t);
      this.addedById.set(t.id, t);
    }
    for (const [token, id] of config.vocab) this.vocabById.set(id, token);
    this.addedVocabulary = new AddedVocabulary(config.addedTokens, (text) => this.normalize(text));
    const extra = config.addedTokens.filter((t) => !config.vocab.has(t.content)).length;
    this.vocabSize = config.vocab.size + extra;
    this.specialTokens = {
      pad: this.requireToken(config.padToken, 'padding'),
      unk: this.requireToken(config.wordPiece.unkToken, 'unknown'),
      cls: config.cls,
      sep: config.sep,
      mask: this.requireToken(config.maskToken, 'mask'),
    };
  }

  /** From a HF tokenizer.json (text or parsed); `source` names it in errors. */
  static fromTokenizerJson(json: string | object, source = 'tokenizer.json'): BertTokenizer {
    return new BertTokenizer(parseTokenizerJson(json, source), source);
  }

  /** From a BERT vocab.txt (one token per line, id = line number). */
  static fromVocab(vocabText: string, options: VocabOptions = {}, source = 'vocab.txt'): BertTokenizer {
    return new BertTokenizer(vocabConfig(vocabText, options, source), source);
  }

  /** The BertNormalizer output for the whole text (added tokens are not set apart). */
  normalize(text: string): string {
    return this.config.normalizer ? bertNormalize(text, this.config.normalizer) : text;
  }

  /** Normalizes, then splits into the words WordPiece sees (added tokens are not set apart). */
  preTokenize(text: string): string[] {
    return bertPreTokenize(this.normalize(text));
  }

  tokenToId(token: string): number | undefined {
    return this.addedByContent.get(token)?.id ?? this.config.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.vocabById.get(id);
  }

  /** A non-null `textPair`, even "", makes a pair: [CLS] A [SEP] B [SEP]. */
  encode(text: string, textPair?: string | null, options: EncodeOptions = {}): Encoding {
    checkText(text, 'text');
    if (textPair != null) checkText(textPair, 'textPair');
    const offsets = options.returnOffsets ?? false;
    const first = this.encodeSequence(text, offsets);
    const second = textPair == null ? null : this.encodeSequence(textPair, offsets);
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const [a, b] = this.truncate(first, second, options, addSpecialTokens);
    return bertProcess(a, b, this.specialTokens, addSpecialTokens);
  }

  encodeBatch(inputs: BatchInput[], options: BatchEncodeOptions = {}): BatchEncoding {
    const encodings = inputs.map((input) =>
      typeof input === 'string' ? this.encode(input, null, options) : this.encode(input.text, input.textPair, options),
    );
    const target = paddingLength(encodings, options);
    const padded = target === null ? encodings : encodings.map((e) => padEncoding(e, target, this.specialTokens.pad));
    return {
      inputIds: padded.map((e) => e.ids),
      tokenTypeIds: padded.map((e) => e.typeIds),
      attentionMask: padded.map((e) => e.attentionMask),
      specialTokensMask: padded.map((e) => e.specialTokensMask),
      wordIds: padded.map((e) => e.wordIds),
      tokens: padded.map((e) => e.tokens),
      ...(options.returnOffsets && { offsets: padded.map((e) => e.offsets ?? []) }),
      lengths: encodings.map((e) => e.ids.length),
    };
  }

  /** HF decode: unknown ids are dropped; skipSpecialTokens (default true) also drops [UNK], [CLS], [SEP], [PAD], [MASK]. */
  decode(ids: number[], options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    const tokens: string[] = [];
    for (const id of ids) {
      const token = this.idToToken(id);
      if (token === undefined) continue;
      if (skip && this.addedByContent.get(token)?.special) continue;
      tokens.push(token);
    }
    return decodeWordPiece(tokens, this.config.decoder);
  }

  /**
   * Word ids count the splits: each added token found in the text and each
   * pre-tokenized word. With `withOffsets`, each token's characters in the
   * normalized split are mapped back through the split's `origin`.
   */
  private encodeSequence(text: string, withOffsets = false): SequenceEncoding {
    const out: SequenceEncoding = { ids: [], tokens: [], wordIds: [] };
    const offsets: [number, number][] = [];
    let word = 0;
    const push = (id: number, value: string) => {
      out.ids.push(id);
      out.tokens.push(value);
      out.wordIds.push(word);
    };
    const align = withOffsets ? (t: string) => this.normalizeAligned(t) : undefined;
    for (const split of this.addedVocabulary.extractAndNormalize(text, align)) {
      if (split.token) {
        push(split.token.id, split.token.value);
        if (split.origin) offsets.push(originRange(split.origin, 0, split.text.length));
        word++;
        continue;
      }
      for (const w of bertPreTokenizeSpans(split.text)) {
        const pieces = this.wordPiece.tokenize(w.word);
        let at = w.start;
        for (const piece of pieces) {
          push(piece.id, piece.value);
          const length = pieces.length === 1 ? w.word.length : this.pieceLength(piece.value, at === w.start);
          if (split.origin) offsets.push(originRange(split.origin, at, at + length));
          at += length;
        }
        word++;
      }
    }
    if (withOffsets) out.offsets = offsets;
    return out;
  }

  private normalizeAligned(text: string): AlignedText {
    return bertNormalizeAligned(text, this.config.normalizer);
  }

  /** UTF-16 units of the word a piece covers: a single piece ([UNK] included) covers the word, the rest their text. */
  private pieceLength(value: string, first: boolean): number {
    const prefix = this.config.wordPiece.continuingSubwordPrefix;
    return first ? value.length : value.length - prefix.length;
  }

  private truncate(
    first: SequenceEncoding,
    second: SequenceEncoding | null,
    options: EncodeOptions,
    addSpecialTokens: boolean,
  ): [SequenceEncoding, SequenceEncoding | null] {
    const strategy = truncationStrategy(options);
    if (strategy === null || options.maxSeqLength === undefined) return [first, second];
    const added = addSpecialTokens ? numSpecialTokens(second !== null) : 0;
    if (options.maxSeqLength < added) {
      throw new CamtlError(
        'BAD_INPUT',
        `maxSeqLength ${options.maxSeqLength} is smaller than the ${added} special tokens ${second ? 'a pair' : 'one sequence'} needs`,
        `use maxSeqLength >= ${added}`,
      );
    }
    return truncateEncodings(first, second, options.maxSeqLength - added, strategy, options.maxSeqLength);
  }

  private requireToken(token: string, role: string): SpecialToken {
    const id = this.tokenToId(token);
    if (id === undefined) {
      throw new CamtlError(
        'BAD_CONFIG',
        `${this.source}: the ${role} token ${describeValue(token)} is not in the vocabulary`,
      );
    }
    return { token, id };
  }
}

/** Original [start, end) of the normalized units [from, to): first unit's start to last unit's end, as HF. */
function originRange(origin: Omit<AlignedText, 'text'>, from: number, to: number): [number, number] {
  return [origin.starts[from], origin.ends[to - 1]];
}

function checkText(text: unknown, name: string): void {
  if (typeof text !== 'string') {
    throw new CamtlError(
      'BAD_INPUT',
      `tokenizer: ${name} must be a string, got ${text === null ? 'null' : typeof text}`,
    );
  }
}

function checkLength(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new CamtlError('BAD_INPUT', `tokenizer: ${name} must be a non-negative integer, got ${value}`);
  }
}

/** maxSeqLength alone means 'longest_first', as with HF's truncation=True. */
function truncationStrategy(options: EncodeOptions): TruncationStrategy | null {
  checkLength(options.maxSeqLength, 'maxSeqLength');
  if (options.truncation === false || options.maxSeqLength === undefined) return null;
  return options.truncation ?? 'longest_first';
}

function paddingLength(encodings: Encoding[], options: BatchEncodeOptions): number | null {
  checkLength(options.padToMultipleOf, 'padToMultipleOf');
  if (!options.padding) return null;
  let length: number;
  if (options.padding === 'max_length') {
    if (options.maxSeqLength === undefined) {
      throw new CamtlError('BAD_INPUT', "tokenizer: padding 'max_length' needs maxSeqLength");
    }
    length = options.maxSeqLength;
  } else {
    length = encodings.reduce((m, e) => Math.max(m, e.ids.length), 0);
  }
  return roundUpToMultiple(length, options.padToMultipleOf);
}
