import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';

const tokenizerJson = JSON.parse(readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8'));
const tk = BertTokenizer.fromTokenizerJson(tokenizerJson);

/** The fixture tokenizer.json with extra added tokens. */
function withAddedTokens(tokens: object[]): BertTokenizer {
  const base = { single_word: false, lstrip: false, rstrip: false, normalized: false, special: false };
  const added = tokens.map((t, i) => ({ ...base, id: 2000 + i, ...t }));
  return BertTokenizer.fromTokenizerJson({ ...tokenizerJson, added_tokens: [...tokenizerJson.added_tokens, ...added] });
}

describe('BertTokenizer: vocabulary and specials', () => {
  it('maps tokens and ids both ways', () => {
    expect(tk.vocabSize).toBe(2000);
    expect(tk.tokenToId('[CLS]')).toBe(2);
    expect(tk.tokenToId('##ll')).toBe(191);
    expect(tk.idToToken(191)).toBe('##ll');
    expect(tk.tokenToId('no-such-token')).toBeUndefined();
    expect(tk.idToToken(99999)).toBeUndefined();
    expect(tk.specialTokens).toEqual({
      pad: { token: '[PAD]', id: 0 },
      unk: { token: '[UNK]', id: 1 },
      cls: { token: '[CLS]', id: 2 },
      sep: { token: '[SEP]', id: 3 },
      mask: { token: '[MASK]', id: 4 },
    });
  });
});

describe('BertTokenizer: word ids', () => {
  it('restart at 0 in the second sequence; null for [CLS]/[SEP]', () => {
    const e = tk.encode('hello world', 'café naïve');
    expect(e.tokens).toEqual([
      '[CLS]',
      'he',
      '##ll',
      '##o',
      'wor',
      '##ld',
      '[SEP]',
      'ca',
      '##f',
      '##e',
      'n',
      '##a',
      '##ive',
      '[SEP]',
    ]);
    expect(e.wordIds).toEqual([null, 0, 0, 0, 1, 1, null, 0, 0, 0, 1, 1, 1, null]);
    expect(e.typeIds).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('an empty text_pair is still a pair', () => {
    expect(tk.encode('a', '').tokens).toEqual(['[CLS]', 'a', '[SEP]', '[SEP]']);
    expect(tk.encode('a', null).tokens).toEqual(['[CLS]', 'a', '[SEP]']);
    expect(tk.encode('a').tokens).toEqual(['[CLS]', 'a', '[SEP]']);
  });

  it('special tokens written in the text are matched raw, case-sensitively, and count as words', () => {
    const e = tk.encode('[CLS] the[MASK]file [mask]');
    expect(e.tokens.slice(0, 3)).toEqual(['[CLS]', '[CLS]', 'the']);
    expect(e.ids[3]).toBe(4);
    expect(e.wordIds.slice(1, 5)).toEqual([0, 1, 2, 3]);
    expect(e.tokens.slice(-6, -1)).toEqual(['[', 'ma', '##s', '##k', ']']);
    // special_tokens_mask only marks what the post-processor added, as in HF.
    expect(e.specialTokensMask[1]).toBe(0);
  });

  it('addSpecialTokens: false gives the bare pieces, second sequence typed 1', () => {
    const e = tk.encode('hello', 'world', { addSpecialTokens: false });
    expect(e.tokens).toEqual(['he', '##ll', '##o', 'wor', '##ld']);
    expect(e.typeIds).toEqual([0, 0, 0, 1, 1]);
    expect(e.specialTokensMask).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('BertTokenizer: added tokens', () => {
  it('normalized added tokens match in the normalized text', () => {
    const t = withAddedTokens([{ content: 'Vim', normalized: true }]);
    expect(t.encode('VIM and vim').tokens).toEqual(['[CLS]', 'vim', 'and', 'vim', '[SEP]']);
    expect(t.encode('VIM and vim').ids.slice(1, 4)).toEqual([2000, t.tokenToId('and'), 2000]);
    expect(t.vocabSize).toBe(2001);
  });

  it('leftmost-longest matching, single_word, lstrip and rstrip', () => {
    const t = withAddedTokens([
      { content: '<x>' },
      { content: '<x><y>' },
      { content: 'ab', single_word: true },
      { content: '<s>', lstrip: true, rstrip: true },
    ]);
    expect(t.encode('<x><y><x>', null, { addSpecialTokens: false }).tokens).toEqual(['<x><y>', '<x>']);
    expect(t.encode('ab cab', null, { addSpecialTokens: false }).ids[0]).toBe(2002);
    expect(t.encode('ab cab', null, { addSpecialTokens: false }).ids.slice(1)).not.toContain(2002);
    expect(t.encode('a  <s>  b', null, { addSpecialTokens: false }).tokens).toEqual(['a', '  <s>  ', 'b']);
  });

  it('decode skips special added tokens only', () => {
    const t = withAddedTokens([
      { content: '<keep>', special: false },
      { content: '<drop>', special: true },
    ]);
    expect(t.decode(t.encode('a <keep> <drop> b').ids)).toBe('a <keep> b');
  });
});

describe('BertTokenizer: decode', () => {
  it('WordPiece decoder with cleanup, skipping specials by default', () => {
    const ids = tk.encode("Hello, world! It's 5 o'clock.").ids;
    expect(tk.decode(ids)).toBe("hello, world! it ' s 5 o ' clock.");
    expect(tk.decode(ids, { skipSpecialTokens: false })).toBe("[CLS] hello, world! it ' s 5 o ' clock. [SEP]");
  });

  it('[UNK] is special, so it is skipped too; unknown ids are dropped', () => {
    expect(tk.decode(tk.encode('I love 🙂 emoji!').ids)).toBe('i love emoji!');
    expect(tk.decode([363, 191, 123, 123456, 248, 277])).toBe('hello world');
    expect(tk.decode([])).toBe('');
    expect(tk.decode([191, 123])).toBe('##llo');
  });
});

describe('BertTokenizer: encodeBatch', () => {
  const inputs = [{ text: 'hello world' }, { text: 'café', textPair: 'naïve' }, { text: '' }];

  it('no padding by default', () => {
    const b = tk.encodeBatch(inputs);
    expect(b.inputIds.map((r) => r.length)).toEqual([7, 9, 2]);
    expect(b.lengths).toEqual([7, 9, 2]);
    expect(b.tokenTypeIds[1]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it("padding 'longest' with padToMultipleOf, and 'max_length'", () => {
    const b = tk.encodeBatch(inputs, { padding: 'longest', padToMultipleOf: 8 });
    expect(b.inputIds.map((r) => r.length)).toEqual([16, 16, 16]);
    expect(b.inputIds[2]).toEqual([2, 3, ...new Array(14).fill(0)]);
    expect(b.wordIds[2].slice(2)).toEqual(new Array(14).fill(null));
    const m = tk.encodeBatch(['a b c d e f g h i j'], { padding: 'max_length', maxSeqLength: 8 });
    expect(m.inputIds[0]).toHaveLength(8);
    expect(m.lengths).toEqual([8]);
    const short = tk.encodeBatch(['a'], { padding: 'max_length', maxSeqLength: 6 });
    expect(short.attentionMask[0]).toEqual([1, 1, 1, 0, 0, 0]);
    expect(short.specialTokensMask[0]).toEqual([1, 0, 1, 1, 1, 1]);
    expect(() => tk.encodeBatch(['a'], { padding: 'max_length' })).toThrow(/needs maxSeqLength/);
  });

  it('truncates each row like encode()', () => {
    const b = tk.encodeBatch(inputs, { maxSeqLength: 5, padding: 'longest' });
    expect(b.inputIds[0]).toEqual(tk.encode('hello world', null, { maxSeqLength: 5 }).ids);
    expect(b.inputIds[1]).toEqual(tk.encode('café', 'naïve', { maxSeqLength: 5 }).ids);
  });

  it('refuses non-string text', () => {
    expect(() => tk.encode(42 as unknown as string)).toThrow(/must be a string/);
    expect(() => tk.encode('a', 7 as unknown as string)).toThrow(/textPair must be a string/);
  });
});
