/**
 * Reads a HuggingFace tokenizer.json into a BertTokenizerConfig. Only the BERT
 * pipeline is accepted (WordPiece model, BertNormalizer, BertPreTokenizer,
 * BertProcessing or its TemplateProcessing equivalent): anything else would
 * tokenize differently, so it is refused rather than approximated.
 */
import { CamtlError } from '../errors';
import { DEFAULT_BERT_NORMALIZER } from './normalizer';
import type {
  AddedToken,
  BertNormalizerOptions,
  BertTokenizerConfig,
  SpecialToken,
  WordPieceDecoderOptions,
  WordPieceOptions,
} from './types';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeType(section: unknown): string {
  if (section === null || section === undefined) return 'none';
  return isObject(section) && typeof section.type === 'string' ? `"${section.type}"` : 'one without a "type"';
}

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CamtlError('BAD_FILE', `${source}: not valid JSON (${(e as Error).message})`);
  }
}

export function parseTokenizerJson(json: string | object, source: string): BertTokenizerConfig {
  const root = typeof json === 'string' ? parseJsonText(json, source) : json;
  if (!isObject(root)) throw new CamtlError('BAD_FILE', `${source}: expected a JSON object`);
  const { vocab, options } = readModel(root.model, source);
  checkPreTokenizer(root.pre_tokenizer, source);
  const { cls, sep } = readPostProcessor(root.post_processor, source);
  const padding = isObject(root.padding) ? root.padding : {};
  return {
    vocab,
    normalizer: readNormalizer(root.normalizer, source),
    wordPiece: options,
    addedTokens: readAddedTokens(root.added_tokens, source),
    cls,
    sep,
    padToken: typeof padding.pad_token === 'string' ? padding.pad_token : '[PAD]',
    maskToken: '[MASK]',
    decoder: readDecoder(root.decoder, options.continuingSubwordPrefix),
  };
}

function readModel(model: unknown, source: string): { vocab: Map<string, number>; options: WordPieceOptions } {
  if (!isObject(model)) throw new CamtlError('BAD_FILE', `${source}: no "model" section`);
  if (model.type !== 'WordPiece') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: the tokenizer model is ${describeType(model)}, but only WordPiece (BERT) tokenizers are supported`,
    );
  }
  if (!isObject(model.vocab)) throw new CamtlError('BAD_FILE', `${source}: model.vocab is not an object`);
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new CamtlError('BAD_FILE', `${source}: model.vocab["${token}"] is ${JSON.stringify(id)}, not a token id`);
    }
    vocab.set(token, id as number);
  }
  const options: WordPieceOptions = {
    unkToken: typeof model.unk_token === 'string' ? model.unk_token : '[UNK]',
    continuingSubwordPrefix:
      typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
    maxInputCharsPerWord: Number.isInteger(model.max_input_chars_per_word)
      ? (model.max_input_chars_per_word as number)
      : 100,
  };
  return { vocab, options };
}

function readNormalizer(n: unknown, source: string): BertNormalizerOptions | null {
  if (n === null || n === undefined) return null;
  if (!isObject(n) || n.type !== 'BertNormalizer') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: normalizer ${describeType(n)} is not supported (only BertNormalizer)`,
    );
  }
  const flag = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  return {
    cleanText: flag(n.clean_text, DEFAULT_BERT_NORMALIZER.cleanText),
    handleChineseChars: flag(n.handle_chinese_chars, DEFAULT_BERT_NORMALIZER.handleChineseChars),
    stripAccents: typeof n.strip_accents === 'boolean' ? n.strip_accents : null,
    lowercase: flag(n.lowercase, DEFAULT_BERT_NORMALIZER.lowercase),
  };
}

function checkPreTokenizer(p: unknown, source: string): void {
  if (!isObject(p) || p.type !== 'BertPreTokenizer') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: pre_tokenizer ${describeType(p)} is not supported (only BertPreTokenizer)`,
    );
  }
}

function readAddedTokens(list: unknown, source: string): AddedToken[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new CamtlError('BAD_FILE', `${source}: added_tokens is not an array`);
  return list.map((t, i) => {
    if (!isObject(t) || typeof t.content !== 'string' || !Number.isInteger(t.id)) {
      throw new CamtlError('BAD_FILE', `${source}: added_tokens[${i}] needs a string "content" and an integer "id"`);
    }
    return {
      id: t.id as number,
      content: t.content,
      singleWord: t.single_word === true,
      lstrip: t.lstrip === true,
      rstrip: t.rstrip === true,
      // HF's default: special tokens are not normalized, others are.
      normalized: typeof t.normalized === 'boolean' ? t.normalized : t.special !== true,
      special: t.special === true,
    };
  });
}

function readPostProcessor(p: unknown, source: string): { cls: SpecialToken; sep: SpecialToken } {
  if (isObject(p) && p.type === 'BertProcessing') {
    return { cls: tokenPair(p.cls, 'cls', source), sep: tokenPair(p.sep, 'sep', source) };
  }
  if (isObject(p) && p.type === 'TemplateProcessing') {
    const found = bertTemplateSpecials(p);
    if (found) return found;
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: post_processor TemplateProcessing is not the BERT template [CLS] $A [SEP] $B:1 [SEP]:1`,
    );
  }
  throw new CamtlError(
    'UNSUPPORTED',
    `${source}: post_processor ${describeType(p)} is not supported (only BertProcessing or the BERT TemplateProcessing)`,
  );
}

function tokenPair(v: unknown, name: string, source: string): SpecialToken {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || !Number.isInteger(v[1])) {
    throw new CamtlError('BAD_FILE', `${source}: post_processor.${name} should be ["token", id]`);
  }
  return { token: v[0], id: v[1] };
}

/** [CLS]/[SEP] of a TemplateProcessing that is exactly BERT's, or null. */
function bertTemplateSpecials(p: Json): { cls: SpecialToken; sep: SpecialToken } | null {
  const piece = (x: unknown): string => {
    if (!isObject(x)) return '?';
    const s = x.SpecialToken ?? x.Sequence;
    if (!isObject(s)) return '?';
    return `${x.SpecialToken ? 'T' : 'S'}:${String(s.id)}:${String(s.type_id)}`;
  };
  const single = Array.isArray(p.single) ? p.single.map(piece) : [];
  const pair = Array.isArray(p.pair) ? p.pair.map(piece) : [];
  if (single.length !== 3 || pair.length !== 5) return null;
  const [c, , s] = single.map((x) => x.split(':')[1]);
  const expectSingle = [`T:${c}:0`, 'S:A:0', `T:${s}:0`];
  const expectPair = [...expectSingle, 'S:B:1', `T:${s}:1`];
  if (single.join('|') !== expectSingle.join('|') || pair.join('|') !== expectPair.join('|')) return null;
  const specials = isObject(p.special_tokens) ? p.special_tokens : {};
  const resolve = (name: string): SpecialToken | null => {
    const entry = specials[name];
    if (!isObject(entry) || !Array.isArray(entry.ids) || entry.ids.length !== 1) return null;
    const tokens = Array.isArray(entry.tokens) ? entry.tokens : [name];
    return { token: String(tokens[0]), id: entry.ids[0] as number };
  };
  const cls = resolve(c);
  const sep = resolve(s);
  return cls && sep ? { cls, sep } : null;
}

function readDecoder(d: unknown, modelPrefix: string): WordPieceDecoderOptions {
  // BERT files always carry a WordPiece decoder; without one, decode as BERT would.
  if (!isObject(d) || d.type !== 'WordPiece') return { prefix: modelPrefix, cleanup: true };
  return {
    prefix: typeof d.prefix === 'string' ? d.prefix : modelPrefix,
    cleanup: typeof d.cleanup === 'boolean' ? d.cleanup : true,
  };
}
