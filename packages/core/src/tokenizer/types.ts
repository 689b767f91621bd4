/**
 * Public and internal shapes of the BERT WordPiece tokenizer. Field names follow
 * HuggingFace `tokenizers` (camelCased), so encodings line up with what
 * `BertTokenizerFast` produces for the same vocabulary.
 */

/** One encoded input (a single sequence or a pair), after special tokens and truncation. */
export interface Encoding {
  ids: number[];
  tokens: string[];
  typeIds: number[];
  attentionMask: number[];
  specialTokensMask: number[];
  /** Index of the pre-tokenized word each token came from; null for [CLS]/[SEP]/padding. Restarts at 0 in the second sequence. */
  wordIds: (number | null)[];
  /**
   * With `returnOffsets`: per token its [start, end) UTF-16 range in the
   * original text it came from (the second text for a pair's second
   * sequence), as HF's `offset_mapping`; null for [CLS]/[SEP]/padding.
   */
  offsets?: ([number, number] | null)[];
}

/**
 * HF strategy names. 'longest_first' is the fast (Rust) tokenizer's: on a tie
 * the first sequence is trimmed. 'longest_first_reference' is transformers
 * 2.11's slow Python loop, which the official CA-MTL code ran: one token at a
 * time from the longer sequence, the second on a tie, over full lengths.
 */
export type TruncationStrategy = 'longest_first' | 'longest_first_reference' | 'only_first' | 'only_second';

/** Pair truncation in camtl's option spelling (CLI, run configs): the two `longest_first` flavours. */
export type PairTruncation = 'longest-first' | 'longest-first-reference';

export interface EncodeOptions {
  /** Counts the special tokens, as in HF. */
  maxSeqLength?: number;
  /** Defaults to 'longest_first' when maxSeqLength is given. */
  truncation?: TruncationStrategy | false;
  /** Defaults to true: [CLS] A [SEP] (B [SEP]). */
  addSpecialTokens?: boolean;
  /** Fill `Encoding.offsets` (character ranges in the original texts). */
  returnOffsets?: boolean;
}

export interface BatchEncodeOptions extends EncodeOptions {
  /** Defaults to false (no padding), as in HF. 'max_length' needs maxSeqLength. */
  padding?: 'longest' | 'max_length' | false;
  padToMultipleOf?: number;
}

export interface BatchEncoding {
  inputIds: number[][];
  tokenTypeIds: number[][];
  attentionMask: number[][];
  specialTokensMask: number[][];
  wordIds: (number | null)[][];
  tokens: string[][];
  /** With `returnOffsets`: see `Encoding.offsets`. */
  offsets?: ([number, number] | null)[][];
  /** Lengths before padding. */
  lengths: number[];
}

export interface SpecialToken {
  token: string;
  id: number;
}

export interface SpecialTokens {
  pad: SpecialToken;
  unk: SpecialToken;
  cls: SpecialToken;
  sep: SpecialToken;
  mask: SpecialToken;
}

/** HF `AddedToken`: text matched before the model sees it (the five specials, or user additions). */
export interface AddedToken {
  id: number;
  content: string;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  /** false: matched in the raw text, case-sensitively; true: matched in the normalized text. */
  normalized: boolean;
  /** Special tokens are skipped by decode({ skipSpecialTokens: true }). */
  special: boolean;
}

/** HF `BertNormalizer` flags. */
export interface BertNormalizerOptions {
  cleanText: boolean;
  handleChineseChars: boolean;
  /** null follows `lowercase`, as in HF. */
  stripAccents: boolean | null;
  lowercase: boolean;
}

/** HF `WordPiece` model settings. */
export interface WordPieceOptions {
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

/** HF `WordPiece` decoder settings. */
export interface WordPieceDecoderOptions {
  prefix: string;
  cleanup: boolean;
}

/** Everything a BertTokenizer is built from; produced by the tokenizer.json and vocab.txt loaders. */
export interface BertTokenizerConfig {
  vocab: Map<string, number>;
  /** null: no normalizer (text is used as is). */
  normalizer: BertNormalizerOptions | null;
  wordPiece: WordPieceOptions;
  addedTokens: AddedToken[];
  /** From the BertProcessing post-processor. */
  cls: SpecialToken;
  sep: SpecialToken;
  padToken: string;
  maskToken: string;
  decoder: WordPieceDecoderOptions;
}

/** One sequence after the model, before the post-processor adds specials. */
export interface SequenceEncoding {
  ids: number[];
  tokens: string[];
  wordIds: (number | null)[];
  /** Per token its [start, end) in the sequence's original text, when asked for. */
  offsets?: [number, number][];
}
