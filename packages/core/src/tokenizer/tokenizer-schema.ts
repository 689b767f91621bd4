/**
 * The shape of the parts of a HF tokenizer.json that camtl reads, with bounds
 * on sizes: a hostile or corrupt file fails with a one-line error naming its
 * JSON path instead of producing wrong ids or unbounded work.
 */
import * as z from 'zod/mini';
import { CamtlError } from '../errors';
import { describeValue } from '../schema';

/**
 * bert-base-uncased: 30,522 tokens of at most 18 characters; multilingual
 * vocabularies reach ~250k. max_input_chars_per_word is 100 in every BERT
 * file; WordPiece's work per word grows with it times the longest token.
 */
export const TOKENIZER_LIMITS = {
  vocabSize: 1_000_000,
  tokenChars: 256,
  addedTokens: 100_000,
  addedTokenChars: 1_024,
  maxInputCharsPerWord: 1_000,
  prefixChars: 16,
  /** Lines of a vocab.txt, and characters of each. */
  vocabLines: 1_000_000,
} as const;

const L = TOKENIZER_LIMITS;
// Bounds before z.int(): the first issue is the one reported.
export const tokenId = z.number().check(z.maximum(L.vocabSize - 1), z.minimum(0), z.int());
const token = z.string().check(z.minLength(1), z.maxLength(L.tokenChars));
const flag = z.optional(z.nullable(z.boolean()));
const maxEntries = (n: number, what: string) =>
  z.refine((m: unknown) => Object.keys(m as object).length <= n, `must have at most ${n} ${what}`);

export const MODEL_SCHEMA = z.looseObject({
  vocab: z.record(z.string().check(z.maxLength(L.tokenChars)), tokenId).check(maxEntries(L.vocabSize, 'tokens')),
  unk_token: z.optional(z.nullable(token)),
  continuing_subword_prefix: z.optional(z.nullable(z.string().check(z.maxLength(L.prefixChars)))),
  max_input_chars_per_word: z.optional(
    z.nullable(z.number().check(z.maximum(L.maxInputCharsPerWord), z.minimum(1), z.int())),
  ),
});

/** Everything but the post-processor, whose form depends on its type. */
export const ROOT_SCHEMA = z.looseObject({
  model: MODEL_SCHEMA,
  normalizer: z.optional(
    z.nullable(z.looseObject({ clean_text: flag, handle_chinese_chars: flag, strip_accents: flag, lowercase: flag })),
  ),
  added_tokens: z.optional(
    z.nullable(
      z
        .array(
          z.looseObject({
            id: tokenId,
            content: z.string().check(z.minLength(1), z.maxLength(L.addedTokenChars)),
            single_word: flag,
            lstrip: flag,
            rstrip: flag,
            normalized: flag,
            special: flag,
          }),
        )
        .check(z.maxLength(L.addedTokens)),
    ),
  ),
  padding: z.optional(z.nullable(z.looseObject({ pad_token: z.optional(token) }))),
  decoder: z.optional(
    z.nullable(z.looseObject({ prefix: z.optional(z.string().check(z.maxLength(L.prefixChars))), cleanup: flag })),
  ),
});

const pair = z.tuple([token, tokenId]);
export const BERT_PROCESSING_SCHEMA = z.looseObject({
  post_processor: z.looseObject({ cls: pair, sep: pair }),
});

export const TEMPLATE_PROCESSING_SCHEMA = z.looseObject({
  post_processor: z.looseObject({
    special_tokens: z
      .record(
        z.string(),
        z.looseObject({ id: token, ids: z.array(tokenId).check(z.maxLength(16)), tokens: z.array(token) }),
      )
      .check(maxEntries(1_000, 'special tokens')),
  }),
});

/** The ids a tokenizer can emit: its vocabulary's and its added tokens'. */
export function knownIds(vocab: Map<string, number>, added: Array<{ id: number }>): Set<number> {
  const ids = new Set(vocab.values());
  for (const t of added) ids.add(t.id);
  return ids;
}

/** A post-processor's special token must be one the vocabulary (or added tokens) holds, or ids would be garbage. */
export function checkSpecialId(id: number, path: string, known: Set<number>, source: string): void {
  if (!known.has(id)) {
    throw new CamtlError(
      'BAD_FILE',
      `${source}: ${path}: token id ${describeValue(id)} is not in model.vocab or added_tokens`,
      `use the id of that token in model.vocab`,
    );
  }
}

/** Two vocabulary tokens with one id would make decode ambiguous; the file is corrupt. */
export function checkDistinctIds(vocab: Map<string, number>, source: string): void {
  const seen = new Map<number, string>();
  for (const [t, id] of vocab) {
    const other = seen.get(id);
    if (other !== undefined) {
      throw new CamtlError(
        'BAD_FILE',
        `${source}: model.vocab[${describeValue(t)}]: id ${id} is also the id of ${describeValue(other)}`,
        'each token of model.vocab needs its own id',
      );
    }
    seen.set(id, t);
  }
}
