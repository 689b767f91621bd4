import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { camtlError } from '../io/test-helpers';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';
import { TOKENIZER_LIMITS } from './tokenizer-schema';
import { parseVocab } from './vocab';

const json = JSON.parse(readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8'));
const vocabText = readFileSync(fixturePath('tokenizer', 'vocab.txt'), 'utf8');
const template = {
  type: 'TemplateProcessing',
  single: [
    { SpecialToken: { id: '[CLS]', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '[SEP]', type_id: 0 } },
  ],
  pair: [
    { SpecialToken: { id: '[CLS]', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '[SEP]', type_id: 0 } },
    { Sequence: { id: 'B', type_id: 1 } },
    { SpecialToken: { id: '[SEP]', type_id: 1 } },
  ],
  special_tokens: {
    '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
    '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
  },
};

async function message(patch: (j: any) => void): Promise<string> {
  const j = structuredClone(json);
  patch(j);
  const e = await camtlError(() => BertTokenizer.fromTokenizerJson(j, 'm/tokenizer.json'));
  expect(e.message).not.toContain('\n');
  expect(e.message).toMatch(/^m\/tokenizer\.json: /);
  return e.message;
}

describe('tokenizer.json special-token ids are checked', () => {
  it.each([
    ['2', '"2"'],
    [null, 'null'],
    [1.5, '1.5'],
    [-1, '-1'],
  ])('BertProcessing cls id %s', async (id, shown) => {
    expect(await message((j) => (j.post_processor.cls[1] = id))).toMatch(
      new RegExp(`post_processor\\.cls\\[1\\]: .*got ${shown.replace(/[.[\]]/g, '\\$&')}`),
    );
  });

  it('an id outside the vocabulary', async () => {
    expect(await message((j) => (j.post_processor.sep[1] = 40_000))).toBe(
      'm/tokenizer.json: post_processor.sep[1]: token id 40000 is not in model.vocab or added_tokens',
    );
  });

  it.each([['x'], [null], [1.5], [-3], [99_999]])('TemplateProcessing ids [%j]', async (id) => {
    const msg = await message((j) => {
      j.post_processor = structuredClone(template);
      j.post_processor.special_tokens['[CLS]'].ids = [id];
    });
    expect(msg).toMatch(/post_processor\.special_tokens\["\[CLS\]"\]\.ids\[0\]: /);
  });

  it('the TemplateProcessing form still loads and encodes as BertProcessing', () => {
    const tk = BertTokenizer.fromTokenizerJson({ ...json, post_processor: template });
    expect(tk.encode('hello world', 'x').ids).toEqual(
      BertTokenizer.fromTokenizerJson(json).encode('hello world', 'x').ids,
    );
  });
});

describe('tokenizer.json structure and bounds', () => {
  it.each([
    [
      'model.vocab id 1.5',
      (j: any) => (j.model.vocab.hello = 1.5),
      /model\.vocab\.hello: expected an integer, got 1\.5/,
    ],
    ['model.vocab id too big', (j: any) => (j.model.vocab.hello = 1e9), /model\.vocab\.hello: must be at most 999999/],
    ['duplicate ids', (j: any) => (j.model.vocab.zzz = 5), /model\.vocab\["zzz"\]: id 5 is also the id of/],
    ['model.vocab an array', (j: any) => (j.model.vocab = []), /model\.vocab: expected an object, got an array of 0/],
    [
      'max_input_chars_per_word',
      (j: any) => (j.model.max_input_chars_per_word = 1e7),
      /max_input_chars_per_word: must be at most 1000/,
    ],
    [
      'an empty added token',
      (j: any) => (j.added_tokens[0].content = ''),
      /added_tokens\[0\]\.content: must have at least 1 characters/,
    ],
    [
      'an added token id',
      (j: any) => (j.added_tokens[1].id = 'x'),
      /added_tokens\[1\]\.id: expected a finite number, got "x"/,
    ],
    [
      'a long token',
      (j: any) => (j.model.vocab['a'.repeat(300)] = 7777),
      /^m\/tokenizer\.json: model\.vocab\["a{40}…" \(300 chars\)\]: this key must have at most 256 characters, got "a{40}…" \(300 chars\)$/,
    ],
    [
      'normalizer flag',
      (j: any) => (j.normalizer.lowercase = 'yes'),
      /normalizer\.lowercase: expected a boolean, got "yes"/,
    ],
    ['no vocab', (j: any) => delete j.model.vocab, /model\.vocab: missing \(expected an object\)/],
  ])('%s', async (_, patch, expected) => {
    expect(await message(patch)).toMatch(expected);
  });

  it('missing special tokens name the file', async () => {
    expect(
      await message((j) => {
        delete j.model.vocab['[MASK]'];
        j.added_tokens = j.added_tokens.filter((t: any) => t.content !== '[MASK]');
      }),
    ).toMatch(/the mask token "\[MASK\]" is not in the vocabulary/);
  });
});

describe('vocab.txt', () => {
  it('a later duplicate wins, as in HF (decided: kept, not refused)', () => {
    expect([...parseVocab('a\nb\na\n')]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('a too-long line is an error naming file:line', async () => {
    const text = vocabText + 'x'.repeat(TOKENIZER_LIMITS.tokenChars + 1) + '\n';
    const e = await camtlError(() => BertTokenizer.fromVocab(text, {}, 'm/vocab.txt'));
    expect(e.message).toMatch(/^m\/vocab\.txt:\d+: a token of 257 characters, more than the 256 allowed$/);
  });

  it('a long run of trailing blanks is trimmed in linear time', () => {
    const t = Date.now();
    expect([...parseVocab(`a${'\u3000 '.repeat(1e6)}\nb\n`)]).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
