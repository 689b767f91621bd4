import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isCamtlError } from '../errors';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';
import { countedLength, longestFirstLengths, referenceLongestFirstLengths, truncateEncodings } from './truncation';
import type { SequenceEncoding } from './types';

const tk = BertTokenizer.fromTokenizerJson(readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8'));

function seq(n: number, tag = 't'): SequenceEncoding {
  return {
    ids: Array.from({ length: n }, (_, i) => i),
    tokens: Array.from({ length: n }, (_, i) => `${tag}${i}`),
    wordIds: Array.from({ length: n }, (_, i) => i),
  };
}

function counts(e: { typeIds: number[]; specialTokensMask: number[] }): [number, number] {
  const n = (type: number) => e.typeIds.filter((t, i) => t === type && e.specialTokensMask[i] === 0).length;
  return [n(0), n(1)];
}

describe('longest_first pair budget (HF fast tokenizer)', () => {
  it.each([
    // [first, second, budget, expected]: from the fixture's pair_truncated cases
    [14, 21, 13, [6, 7]], // public-196: both long, the shorter first gets floor(13/2)
    [19, 21, 13, [6, 7]], // public-197
    [16, 8, 9, [5, 4]], // public-192: both long, the shorter second gets floor(9/2)
    [28, 13, 13, [7, 6]], // public-195
    [14, 12, 9, [5, 4]], // public-201
    [19, 1, 9, [8, 1]], // public-202: a short sequence is kept whole
    [1, 17, 9, [1, 8]], // public-203
    [12, 6, 8, [4, 4]], // public-204
    [3, 40, 10, [3, 7]],
    [40, 40, 0, [0, 0]],
  ])('%i + %i tokens, budget %i → %j', (a, b, budget, want) => {
    expect(longestFirstLengths(a, b, budget)).toEqual(want);
  });

  it('counts a long sequence only up to the end of the word holding token maxSeqLength', () => {
    // words of 3, 3, 3, 3 pieces: token 8 lies in the third word, which ends at 9
    const pieces: SequenceEncoding = {
      ids: Array(12).fill(0),
      tokens: Array(12).fill('x'),
      wordIds: [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
    };
    expect(countedLength(pieces, 8)).toBe(9);
    expect(countedLength(pieces, 9)).toBe(9);
    expect(countedLength(pieces, 12)).toBe(12);
    expect(countedLength(seq(30), 8)).toBe(8);
    // tokenizers 0.23.2: 4 × "consists" (cons ##ist ##s) counts 9 > 8 tokens of "the",
    // so it is the longer one and keeps ceil(5 / 2); 12 × "the" ties and keeps the floor.
    expect(
      counts(tk.encode(Array(4).fill('consists').join(' '), Array(20).fill('the').join(' '), { maxSeqLength: 8 })),
    ).toEqual([3, 2]);
    expect(
      counts(tk.encode(Array(12).fill('the').join(' '), Array(20).fill('the').join(' '), { maxSeqLength: 8 })),
    ).toEqual([2, 3]);
  });

  it('truncates end to end with max_length counting [CLS] A [SEP] B [SEP]', () => {
    const a = 'This variable can not be set directly, use the |:language|';
    const b = "<Tab>.  Spaces are used in indents with the '>' and '<' commands and";
    const e = tk.encode(a, b, { maxSeqLength: 16 });
    expect(e.ids).toHaveLength(16);
    expect(counts(e)).toEqual([6, 7]);
    expect(counts(tk.encode(b, a, { maxSeqLength: 16 }))).toEqual([7, 6]);
    expect(tk.encode(a, b, { maxSeqLength: 3 }).tokens).toEqual(['[CLS]', '[SEP]', '[SEP]']);
  });

  it('single sequences keep the first maxSeqLength − 2 tokens', () => {
    const full = tk.encode('hello world again');
    const e = tk.encode('hello world again', null, { maxSeqLength: 4 });
    expect(e.tokens).toEqual([...full.tokens.slice(0, 3), '[SEP]']);
    expect(e.wordIds).toEqual([null, ...full.wordIds.slice(1, 3), null]);
    expect(tk.encode('hello world', null, { maxSeqLength: 2 }).tokens).toEqual(['[CLS]', '[SEP]']);
  });

  it('no truncation when it is off, or without maxSeqLength', () => {
    const text = 'a b c d e f g h';
    expect(tk.encode(text, null, { maxSeqLength: 4, truncation: false }).ids).toHaveLength(10);
    expect(tk.encode(text, null, { truncation: 'longest_first' }).ids).toHaveLength(10);
    expect(tk.encode(text, null, { maxSeqLength: 4, addSpecialTokens: false }).tokens).toEqual(['a', 'b', 'c', 'd']);
  });

  it('only_first / only_second cut just the named sequence', () => {
    const e1 = tk.encode('a b c d e f', 'x y', { maxSeqLength: 7, truncation: 'only_first' });
    expect(counts(e1)).toEqual([2, 2]);
    const e2 = tk.encode('a b', 'u v w x y z', { maxSeqLength: 7, truncation: 'only_second' });
    expect(counts(e2)).toEqual([2, 2]);
    expect(() => tk.encode('a b c d', null, { maxSeqLength: 3, truncation: 'only_second' })).toThrow(/second sequence/);
    expect(() => tk.encode('a b', 'u v w x', { maxSeqLength: 5, truncation: 'only_first' })).toThrow(/too few/);
  });

  it('truncateEncodings keeps word ids and tokens aligned', () => {
    const [a, b] = truncateEncodings(seq(10, 'a'), seq(10, 'b'), 7, 'longest_first');
    expect(a.tokens).toEqual(['a0', 'a1', 'a2']);
    expect(b?.tokens).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(a.wordIds).toEqual([0, 1, 2]);
  });

  it('a maxSeqLength below the special-token count is a BAD_INPUT naming the length', () => {
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      throw new Error('did not throw');
    };
    const single = attempt(() => tk.encode('hello', null, { maxSeqLength: 1 }));
    expect(isCamtlError(single) && single.code).toBe('BAD_INPUT');
    expect(String((single as Error).message)).toMatch(/maxSeqLength 1 .*2 special tokens/);
    const pair = attempt(() => tk.encode('hello', 'world', { maxSeqLength: 2 }));
    expect(String((pair as Error).message)).toMatch(/maxSeqLength 2 .*3 special tokens a pair/);
    expect(() => tk.encode('x', null, { maxSeqLength: -1 })).toThrow(/non-negative integer/);
    expect(() => tk.encode('x', null, { maxSeqLength: 2.5 })).toThrow(/non-negative integer/);
  });
});

describe("longest_first_reference pair budget (transformers 2.11's slow loop)", () => {
  /** The reference loop itself: one token at a time from the longer, the second on a tie. */
  function loop(a: number, b: number, budget: number): [number, number] {
    while (a + b > budget)
      if (a > b) a--;
      else b--;
    return [a, b];
  }

  it('matches the one-token-at-a-time loop on every small case', () => {
    for (let a = 0; a <= 12; a++)
      for (let b = 0; b <= 12; b++)
        for (let budget = 0; budget <= 14; budget++)
          expect(referenceLongestFirstLengths(a, b, budget), `${a} ${b} ${budget}`).toEqual(loop(a, b, budget));
  });

  it.each([
    // [first, second, budget, fast, reference]: they differ when both are long, the first is not
    // the longer and the budget is odd (a tie trims the first in the fast tokenizer, the second in 2.11)
    [14, 21, 13, [6, 7], [7, 6]],
    [8, 8, 9, [4, 5], [5, 4]],
    [16, 8, 9, [5, 4], [5, 4]],
    [12, 6, 8, [4, 4], [4, 4]],
    [19, 1, 9, [8, 1], [8, 1]],
  ])('%i + %i tokens, budget %i: fast %j, reference %j', (a, b, budget, fast, reference) => {
    expect(longestFirstLengths(a, b, budget)).toEqual(fast);
    expect(referenceLongestFirstLengths(a, b, budget)).toEqual(reference);
  });

  it('truncates end to end: the same pair keeps a different split', () => {
    const a = 'This variable can not be set directly, use the |:language|';
    const b = "<Tab>.  Spaces are used in indents with the '>' and '<' commands and";
    const fast = tk.encode(a, b, { maxSeqLength: 16 });
    const reference = tk.encode(a, b, { maxSeqLength: 16, truncation: 'longest_first_reference' });
    expect(counts(fast)).toEqual([6, 7]);
    expect(counts(reference)).toEqual([7, 6]);
    expect(reference.ids).toHaveLength(16);
    expect(reference.ids.slice(0, 8)).toEqual(tk.encode(a, b).ids.slice(0, 8));
    // single sequences are cut the same way
    expect(tk.encode(a, null, { maxSeqLength: 6, truncation: 'longest_first_reference' }).ids).toEqual(
      tk.encode(a, null, { maxSeqLength: 6 }).ids,
    );
  });
});
