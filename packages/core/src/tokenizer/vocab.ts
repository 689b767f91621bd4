/**
 * Builds a BertTokenizerConfig from a BERT vocab.txt the way `BertTokenizerFast`
 * does: the vocabulary's [PAD]/[UNK]/[CLS]/[SEP]/[MASK] become special added
 * tokens matched in the raw text, and the normalizer flags come from options
 * (or tokenizer_config.json, see `tokenizerConfigOptions`).
 */
import { CamtlError } from '../errors';
import { TOKENIZER_LIMITS as L } from './tokenizer-schema';
import type { AddedToken, BertTokenizerConfig } from './types';

export type SpecialTokenRole = 'pad' | 'unk' | 'cls' | 'sep' | 'mask';

export interface VocabOptions {
  /** Default true. */
  lowercase?: boolean;
  /** Default null: strip accents exactly when lowercasing (HF). */
  stripAccents?: boolean | null;
  /** Default true. */
  handleChineseChars?: boolean;
  /** Default true. */
  cleanText?: boolean;
  /** Defaults: [PAD] [UNK] [CLS] [SEP] [MASK]. */
  specialTokens?: Partial<Record<SpecialTokenRole, string>>;
}

const DEFAULT_SPECIALS: Record<SpecialTokenRole, string> = {
  pad: '[PAD]',
  unk: '[UNK]',
  cls: '[CLS]',
  sep: '[SEP]',
  mask: '[MASK]',
};

const WHITE_SPACE = /^\p{White_Space}$/u;

/** Trailing Unicode White_Space removed by a backward scan (a /\s+$/ regex is quadratic on long blank runs). */
function trimEndWhiteSpace(line: string): string {
  let end = line.length;
  while (end > 0 && WHITE_SPACE.test(line[end - 1])) end--;
  return end === line.length ? line : line.slice(0, end);
}

/**
 * Token → line number. As HF's WordPiece::read_file: trailing whitespace
 * trimmed, and a later duplicate wins (kept, not refused: HF loads such
 * files, and the earlier line's id then never comes out of encode). Bounded
 * in lines and line length (TOKENIZER_LIMITS), each error naming file:line.
 */
export function parseVocab(text: string, source = 'vocab.txt'): Map<string, number> {
  const vocab = new Map<string, number>();
  let start = 0;
  for (let index = 0; start < text.length; index++) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    if (index >= L.vocabLines) {
      throw new CamtlError(
        'BAD_FILE',
        `${source}: more than ${L.vocabLines} lines`,
        'a vocab.txt holds one token per line',
      );
    }
    const token = trimEndWhiteSpace(text.slice(start, stop));
    if (token.length > L.tokenChars) {
      throw new CamtlError(
        'BAD_FILE',
        `${source}:${index + 1}: a token of ${token.length} characters, more than the ${L.tokenChars} allowed`,
        'a vocab.txt holds one token per line',
      );
    }
    vocab.set(token, index);
    start = stop + 1;
  }
  return vocab;
}

export function vocabConfig(vocabText: string, options: VocabOptions = {}, source = 'vocab.txt'): BertTokenizerConfig {
  if (typeof vocabText !== 'string') {
    throw new CamtlError('BAD_INPUT', `${source}: expected the file's text, got ${typeof vocabText}`);
  }
  const vocab = parseVocab(vocabText, source);
  const names = { ...DEFAULT_SPECIALS, ...options.specialTokens };
  const idOf = (role: SpecialTokenRole): number => {
    const id = vocab.get(names[role]);
    if (id === undefined) {
      throw new CamtlError('BAD_CONFIG', `${source}: no ${role} token "${names[role]}" in the vocabulary`);
    }
    return id;
  };
  const roles: SpecialTokenRole[] = ['pad', 'unk', 'cls', 'sep', 'mask'];
  const addedTokens: AddedToken[] = roles.map((role) => ({
    id: idOf(role),
    content: names[role],
    singleWord: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    vocab,
    normalizer: {
      cleanText: options.cleanText ?? true,
      handleChineseChars: options.handleChineseChars ?? true,
      stripAccents: options.stripAccents ?? null,
      lowercase: options.lowercase ?? true,
    },
    wordPiece: { unkToken: names.unk, continuingSubwordPrefix: '##', maxInputCharsPerWord: 100 },
    addedTokens,
    cls: { token: names.cls, id: idOf('cls') },
    sep: { token: names.sep, id: idOf('sep') },
    padToken: names.pad,
    maskToken: names.mask,
    decoder: { prefix: '##', cleanup: true },
  };
}

/** A special token in tokenizer_config.json: a string or an AddedToken object. */
function specialName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}

/** VocabOptions from a parsed transformers tokenizer_config.json (do_lower_case, strip_accents, tokenize_chinese_chars). */
export function tokenizerConfigOptions(config: unknown, source = 'tokenizer_config.json'): VocabOptions {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new CamtlError('BAD_FILE', `${source}: expected a JSON object`);
  }
  const c = config as Record<string, unknown>;
  const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
  const specialTokens: Partial<Record<SpecialTokenRole, string>> = {};
  for (const role of Object.keys(DEFAULT_SPECIALS) as SpecialTokenRole[]) {
    const name = specialName(c[`${role}_token`]);
    if (name !== undefined) specialTokens[role] = name;
  }
  return {
    lowercase: bool(c.do_lower_case),
    stripAccents: bool(c.strip_accents) ?? null,
    handleChineseChars: bool(c.tokenize_chinese_chars),
    cleanText: bool(c.clean_text),
    specialTokens,
  };
}
