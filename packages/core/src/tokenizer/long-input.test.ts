import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';

const tokenizer = BertTokenizer.fromTokenizerJson(readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8'));
const N = 200_000;
// N tokens, well past where spreading ids into push() overflowed (~120k).
const unit = 'hello. ';
const perUnit = tokenizer.encode(unit, null, { addSpecialTokens: false }).ids.length;
const text = unit.repeat(N / perUnit);

describe('encoding 200k tokens without maxSeqLength (no recursion, no argument spread)', () => {
  it('encode, with offsets, gives every token', () => {
    const e = tokenizer.encode(text, null, { returnOffsets: true });
    expect(e.ids.length).toBe(N + 2);
    expect(e.offsets!.length).toBe(N + 2);
    expect(e.offsets![N]).toEqual([text.length - 2, text.length - 1]);
  });

  it('a pair, a padded batch, truncation and decode', () => {
    expect(tokenizer.encode(text, text).ids.length).toBe(2 * N + 3);
    const batch = tokenizer.encodeBatch([text, 'hello'], { padding: 'longest' });
    expect(batch.inputIds[1].length).toBe(N + 2);
    expect(tokenizer.encode(text, text, { maxSeqLength: 100_003 }).ids.length).toBe(100_003);
    expect(tokenizer.decode(tokenizer.encode(text).ids).length).toBe(text.trimEnd().length);
  });
});
