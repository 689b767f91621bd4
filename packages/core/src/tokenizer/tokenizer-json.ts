/**
 * Reads a HuggingFace tokenizer.json into a BertTokenizerConfig. Only the BERT
 * pipeline is accepted (WordPiece model, BertNormalizer, BertPreTokenizer,
 * BertProcessing or its TemplateProcessing equivalent): anything else would
 * tokenize differently, so it is refused rather than approximated.
 */
import type * as z from 'zod/mini';
import { CamtlError } from '../errors';
import { checkSchema, describeValue, jsonPath, parseJsonText } from '../schema';
import { DEFAULT_BERT_NORMALIZER } from './normalizer';
import {
  BERT_PROCESSING_SCHEMA,
  checkDistinctIds,
  checkSpecialId,
  knownIds,
  ROOT_SCHEMA,
  TEMPLATE_PROCESSING_SCHEMA,
} from './tokenizer-schema';
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

export { parseJsonText } from '../schema';

export function parseTokenizerJson(json: string | object, source: string): BertTokenizerConfig {
  const parsed = typeof json === 'string' ? parseJsonText(json, source) : json;
  if (!isObject(parsed)) {
    throw new CamtlError('BAD_FILE', `${source}: expected a JSON object, got ${describeValue(parsed)}`);
  }
  checkTypes(parsed, source);
  const root = checkSchema(ROOT_SCHEMA, parsed, source, { code: 'BAD_FILE', hint: HINT });
  const { vocab, options } = readModel(root.model, source);
  const addedTokens = readAddedTokens(root.added_tokens);
  const { cls, sep } = readPostProcessor(parsed, source, knownIds(vocab, addedTokens));
  return {
    vocab,
    normalizer: readNormalizer(root.normalizer),
    wordPiece: options,
    addedTokens,
    cls,
    sep,
    padToken: root.padding?.pad_token ?? '[PAD]',
    maskToken: '[MASK]',
    decoder: readDecoder(root.decoder, options.continuingSubwordPrefix),
  };
}

const HINT = 'compare it with a tokenizer.json saved by transformers (tokenizer.save_pretrained)';

/** The pipeline parts camtl implements; any other is refused rather than approximated. */
function checkTypes(root: Json, source: string): void {
  const model = root.model;
  if (!isObject(model)) throw new CamtlError('BAD_FILE', `${source}: no "model" section`);
  if (model.type !== 'WordPiece') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: the tokenizer model is ${describeType(model)}, but only WordPiece (BERT) tokenizers are supported`,
    );
  }
  const n = root.normalizer;
  if (n !== null && n !== undefined && (!isObject(n) || n.type !== 'BertNormalizer')) {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: normalizer ${describeType(n)} is not supported (only BertNormalizer)`,
    );
  }
  checkPreTokenizer(root.pre_tokenizer, source);
}

type Root = z.infer<typeof ROOT_SCHEMA>;

function readModel(model: Root['model'], source: string): { vocab: Map<string, number>; options: WordPieceOptions } {
  const vocab = new Map(Object.entries(model.vocab));
  checkDistinctIds(vocab, source);
  const options: WordPieceOptions = {
    unkToken: model.unk_token ?? '[UNK]',
    continuingSubwordPrefix: model.continuing_subword_prefix ?? '##',
    maxInputCharsPerWord: model.max_input_chars_per_word ?? 100,
  };
  return { vocab, options };
}

function readNormalizer(n: Root['normalizer']): BertNormalizerOptions | null {
  if (n === null || n === undefined) return null;
  return {
    cleanText: n.clean_text ?? DEFAULT_BERT_NORMALIZER.cleanText,
    handleChineseChars: n.handle_chinese_chars ?? DEFAULT_BERT_NORMALIZER.handleChineseChars,
    stripAccents: n.strip_accents ?? null,
    lowercase: n.lowercase ?? DEFAULT_BERT_NORMALIZER.lowercase,
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

function readAddedTokens(list: Root['added_tokens']): AddedToken[] {
  return (list ?? []).map((t) => ({
    id: t.id,
    content: t.content,
    singleWord: t.single_word === true,
    lstrip: t.lstrip === true,
    rstrip: t.rstrip === true,
    // HF's default: special tokens are not normalized, others are.
    normalized: typeof t.normalized === 'boolean' ? t.normalized : t.special !== true,
    special: t.special === true,
  }));
}

function readPostProcessor(root: Json, source: string, known: Set<number>): { cls: SpecialToken; sep: SpecialToken } {
  const p = root.post_processor;
  if (isObject(p) && p.type === 'BertProcessing') {
    const { cls, sep } = checkSchema(BERT_PROCESSING_SCHEMA, root, source, {
      code: 'BAD_FILE',
      hint: HINT,
    }).post_processor;
    checkSpecialId(cls[1], 'post_processor.cls[1]', known, source);
    checkSpecialId(sep[1], 'post_processor.sep[1]', known, source);
    return { cls: { token: cls[0], id: cls[1] }, sep: { token: sep[0], id: sep[1] } };
  }
  if (isObject(p) && p.type === 'TemplateProcessing') {
    const { special_tokens } = checkSchema(TEMPLATE_PROCESSING_SCHEMA, root, source, {
      code: 'BAD_FILE',
      hint: HINT,
    }).post_processor;
    for (const [name, entry] of Object.entries(special_tokens)) {
      entry.ids.forEach((id, i) =>
        checkSpecialId(id, `post_processor.special_tokens${jsonPath([name])}.ids[${i}]`, known, source),
      );
    }
    const found = bertTemplateSpecials(p, special_tokens);
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

type SpecialEntries = Record<string, { ids: number[]; tokens: string[] }>;

/** [CLS]/[SEP] of a TemplateProcessing that is exactly BERT's, or null. */
function bertTemplateSpecials(p: Json, specials: SpecialEntries): { cls: SpecialToken; sep: SpecialToken } | null {
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
  const resolve = (name: string): SpecialToken | null => {
    const entry = Object.hasOwn(specials, name) ? specials[name] : undefined;
    if (!entry || entry.ids.length !== 1) return null;
    return { token: entry.tokens[0] ?? name, id: entry.ids[0] };
  };
  const cls = resolve(c);
  const sep = resolve(s);
  return cls && sep ? { cls, sep } : null;
}

function readDecoder(d: Root['decoder'], modelPrefix: string): WordPieceDecoderOptions {
  // BERT files always carry a WordPiece decoder; without one, decode as BERT would.
  if (!d || d.type !== 'WordPiece') return { prefix: modelPrefix, cleanup: true };
  return { prefix: d.prefix ?? modelPrefix, cleanup: d.cleanup ?? true };
}
