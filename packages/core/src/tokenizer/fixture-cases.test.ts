// Conformance against fixtures/tokenizer/expected_encodings.json (HF tokenizers 0.23.2),
// through both loaders.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, readFixtureJson } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';
import type { Encoding } from './types';

interface FixtureCase {
  id: string;
  kind: 'single' | 'single_truncated' | 'pair' | 'pair_truncated';
  category: string;
  text: string;
  text_pair?: string;
  max_length?: number;
  normalized: string;
  normalized_pair?: string;
  pretokenized: string[];
  ids: number[];
  tokens: string[];
  type_ids: number[];
  attention_mask: number[];
  special_tokens_mask: number[];
  word_ids: (number | null)[];
  decoded: string;
}

interface Fixture {
  vocab_size: number;
  special_token_ids: Record<string, number>;
  cases: FixtureCase[];
  padded_batch: { texts: string[]; ids: number[][]; type_ids: number[][]; attention_mask: number[][] };
}

const fixture = readFixtureJson<Fixture>('tokenizer', 'expected_encodings.json');
const fromJson = BertTokenizer.fromTokenizerJson(readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8'));
const fromVocab = BertTokenizer.fromVocab(readFileSync(fixturePath('tokenizer', 'vocab.txt'), 'utf8'));

function encodeCase(tk: BertTokenizer, c: FixtureCase): Encoding {
  return tk.encode(c.text, c.text_pair ?? null, c.max_length === undefined ? {} : { maxSeqLength: c.max_length });
}

/** The fixture's fields, computed by `tk`, in the fixture's names. */
function actual(tk: BertTokenizer, c: FixtureCase): Record<string, unknown> {
  const e = encodeCase(tk, c);
  const out: Record<string, unknown> = {
    ids: e.ids,
    tokens: e.tokens,
    type_ids: e.typeIds,
    attention_mask: e.attentionMask,
    special_tokens_mask: e.specialTokensMask,
    word_ids: e.wordIds,
    normalized: tk.normalize(c.text),
    pretokenized: tk.preTokenize(c.text),
    decoded: tk.decode(e.ids, { skipSpecialTokens: true }),
  };
  if (c.normalized_pair !== undefined) out.normalized_pair = tk.normalize(c.text_pair ?? '');
  return out;
}

function expected(c: FixtureCase, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (c as unknown as Record<string, unknown>)[k]]));
}

describe('fixture: expected_encodings.json', () => {
  it('has the documented shape', () => {
    expect(fixture.cases).toHaveLength(205);
    expect(fromJson.vocabSize).toBe(fixture.vocab_size);
    expect(fromVocab.vocabSize).toBe(fixture.vocab_size);
    const { pad, unk, cls, sep, mask } = fromJson.specialTokens;
    expect([pad, unk, cls, sep, mask].map((t) => [t.token, t.id])).toEqual(Object.entries(fixture.special_token_ids));
  });

  describe.each([
    ['tokenizer.json', fromJson],
    ['vocab.txt', fromVocab],
  ])('loaded from %s', (_name, tk) => {
    it.each(fixture.cases.map((c) => [`${c.id} (${c.kind}, ${c.category})`, c] as const))('%s', (name, c) => {
      const got = actual(tk, c);
      expect(got, `case ${name}: ${JSON.stringify(c.text).slice(0, 80)}`).toEqual(expected(c, Object.keys(got)));
    });
  });

  it('both loaders agree on every case, including encodings without special tokens', () => {
    for (const c of fixture.cases) {
      expect(encodeCase(fromVocab, c), c.id).toEqual(encodeCase(fromJson, c));
      const raw = { addSpecialTokens: false };
      expect(fromVocab.encode(c.text, c.text_pair, raw), c.id).toEqual(fromJson.encode(c.text, c.text_pair, raw));
    }
  });

  it('padded_batch: padded to the longest, right side, pad id 0, type 0, mask 0', () => {
    const b = fixture.padded_batch;
    for (const tk of [fromJson, fromVocab]) {
      const batch = tk.encodeBatch(
        b.texts.map((text) => ({ text })),
        { padding: 'longest' },
      );
      expect(batch.inputIds).toEqual(b.ids);
      expect(batch.tokenTypeIds).toEqual(b.type_ids);
      expect(batch.attentionMask).toEqual(b.attention_mask);
      expect(batch.lengths).toEqual(b.attention_mask.map((m) => m.reduce((s, x) => s + x, 0)));
      const longest = Math.max(...batch.lengths);
      batch.lengths.forEach((len, i) => {
        expect(batch.specialTokensMask[i].slice(len)).toEqual(new Array(longest - len).fill(1));
        expect(batch.wordIds[i].slice(len)).toEqual(new Array(longest - len).fill(null));
        expect(batch.tokens[i].slice(len)).toEqual(new Array(longest - len).fill('[PAD]'));
      });
    }
  });

  it('each batch row equals encode() of that text', () => {
    const texts = fixture.cases.slice(0, 60).map((c) => c.text);
    const batch = fromJson.encodeBatch(texts);
    texts.forEach((t, i) => expect(batch.inputIds[i]).toEqual(fromJson.encode(t).ids));
  });
});
