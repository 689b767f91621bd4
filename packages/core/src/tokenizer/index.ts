// BERT WordPiece tokenizer (HF BertTokenizerFast semantics), pure TypeScript.
export { BertTokenizer, type BatchInput } from './bert-tokenizer';
export { loadTokenizer } from './load';
export { parseTokenizerJson } from './tokenizer-json';
export { TOKENIZER_LIMITS } from './tokenizer-schema';
export { parseVocab, vocabConfig, tokenizerConfigOptions, type VocabOptions, type SpecialTokenRole } from './vocab';
export { bertNormalize, bertNormalizeAligned, DEFAULT_BERT_NORMALIZER, type AlignedText } from './normalizer';
export { bertPreTokenize, isBertPunctuation } from './pretokenizer';
export { WordPiece, decodeWordPiece, type ModelToken } from './wordpiece';
export { longestFirstLengths, referenceLongestFirstLengths } from './truncation';
export type {
  AddedToken,
  BatchEncodeOptions,
  BatchEncoding,
  BertNormalizerOptions,
  BertTokenizerConfig,
  EncodeOptions,
  Encoding,
  PairTruncation,
  SpecialToken,
  SpecialTokens,
  TruncationStrategy,
  WordPieceDecoderOptions,
  WordPieceOptions,
} from './types';
