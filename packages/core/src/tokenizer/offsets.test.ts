// Character offsets (HF `offset_mapping`): against the HF `tokenizers` Node binding
// when it loads, and by their defining property on the fixture and real uncased tokenizers.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';
import { bertNormalize, bertNormalizeAligned, DEFAULT_BERT_NORMALIZER } from './normalizer';

interface HfEncoding {
  getTokens(): string[];
  getOffsets(): [number, number][];
  getSpecialTokensMask(): number[];
}
interface HfTokenizer {
  encode(a: string, b?: string | null): Promise<HfEncoding>;
}

const fixtureJson = readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8');
const UNCASED = process.env.CAMTL_UNCASED_TOKENIZER ?? '/work/shared/data/bert-base-uncased-tokenizer/tokenizer.json';
const uncasedJson = existsSync(UNCASED) ? readFileSync(UNCASED, 'utf8') : undefined;

function loadHf(json: string): HfTokenizer | undefined {
  try {
    return createRequire(import.meta.url)('tokenizers').Tokenizer.fromString(json);
  } catch {
    return undefined;
  }
}

const TEXTS = [
  'Açaí  and Café, naïve façade!',
  'Hello,   world...  (really?)  "quoted" $5.00 e-mail',
  '中文字符 mixed 日本語 text',
  'tab\there\nnew\rline \u0000null\u0007bell x\u200By',
  'İstanbul ΣΊΣΥΦΟΣ straße ẞ ﬁne Ǆ',
  '𝐀b 😀 c 𠀀 d',
  'x [MASK] y[SEP]z',
  'unbelievably antidisestablishmentarianism',
];

// HF's Node binding counts offsets in code points; the encoder's are UTF-16 units.
function utf16Offsets(text: string, offsets: [number, number][]): [number, number][] {
  const unitAt = [0];
  for (const ch of text) unitAt.push(unitAt[unitAt.length - 1] + ch.length);
  return offsets.map(([s, e]) => [unitAt[s], unitAt[e]]);
}

/** HF's offsets in UTF-16 units, with null for the specials (HF gives them (0, 0)). */
function hfStyle(text: string, hf: HfEncoding): ([number, number] | null)[] {
  const special = hf.getSpecialTokensMask();
  return utf16Offsets(text, hf.getOffsets()).map((o, i) => (special[i] ? null : o));
}

describe.each([
  ['fixture', fixtureJson],
  ['bert-base-uncased', uncasedJson],
])('offsets: the %s tokenizer', (_name, json) => {
  const hf = json === undefined ? undefined : loadHf(json);
  const ours = json === undefined ? undefined : BertTokenizer.fromTokenizerJson(json);

  it.skipIf(!hf || !ours)('match the HF binding on single texts and pairs', async () => {
    for (const text of TEXTS) {
      const single = await hf!.encode(text, null);
      const mine = ours!.encode(text, null, { returnOffsets: true });
      expect(mine.tokens).toEqual(single.getTokens());
      expect(mine.offsets).toEqual(hfStyle(text, single));
    }
    for (let i = 0; i + 1 < TEXTS.length; i++) {
      const pair = await hf!.encode(TEXTS[i], TEXTS[i + 1]);
      const mine = ours!.encode(TEXTS[i], TEXTS[i + 1], { returnOffsets: true }).offsets!;
      // Pair offsets: the first sequence's in text A, the second's in text B.
      const split = mine.indexOf(null, 1);
      const hfOffsets = pair.getOffsets();
      const special = pair.getSpecialTokensMask();
      mine.forEach((o, t) => {
        if (special[t]) return expect(o).toBeNull();
        const text = t < split ? TEXTS[i] : TEXTS[i + 1];
        expect(o).toEqual(utf16Offsets(text, [hfOffsets[t]])[0]);
      });
    }
  });

  it.skipIf(!ours)('slice the original text back to each token', () => {
    for (const text of TEXTS) {
      const e = ours!.encode(text, null, { returnOffsets: true });
      e.offsets!.forEach((o, t) => {
        if (e.specialTokensMask[t]) return expect(o).toBeNull();
        const [start, end] = o!;
        const piece = text.slice(start, end);
        const token = e.tokens[t].replace(/^##/, '');
        if (token === '[UNK]') return expect(piece.length).toBeGreaterThan(0);
        if (text === 'x [MASK] y[SEP]z' && token.startsWith('[')) return expect(piece).toBe(token);
        // A token's range covers whole source characters; its normalization holds the token.
        expect(ours!.normalize(piece).replaceAll(' ', '')).toContain(token);
      });
    }
  });
});

describe('offsets: known cases', () => {
  const tk = BertTokenizer.fromTokenizerJson(uncasedJson ?? fixtureJson);

  it.skipIf(!uncasedJson)('accents, spaces, control characters and CJK keep the original characters', () => {
    const text = 'Açaí  Café\u0000x 中文';
    const e = tk.encode(text, null, { returnOffsets: true });
    expect(e.tokens).toEqual(['[CLS]', 'ac', '##ai', 'cafe', '##x', '中', '文', '[SEP]']);
    expect(e.offsets).toEqual([null, [0, 2], [2, 4], [6, 10], [11, 12], [13, 14], [14, 15], null]);
    expect(text.slice(6, 10)).toBe('Café');
  });

  it('pair offsets index the second text; truncation and padding keep them aligned', () => {
    const e = tk.encode('Who?', 'The Café is here', { returnOffsets: true, maxSeqLength: 7 });
    expect(e.offsets![0]).toBeNull();
    expect(e.offsets!.slice(1, 3)).toEqual([
      [0, 3],
      [3, 4],
    ]);
    expect(e.offsets![3]).toBeNull();
    expect(e.offsets!.slice(4, 6)).toEqual([
      [0, 3],
      [4, 8],
    ]);
    expect(e.offsets).toHaveLength(e.ids.length);
    const batch = tk.encodeBatch([{ text: 'Who?', textPair: 'The Café' }, 'a'], {
      returnOffsets: true,
      padding: 'longest',
    });
    expect(batch.offsets![1]).toEqual([null, [0, 1], null, null, null, null, null]);
  });

  it('is absent unless asked for, and ids do not depend on it', () => {
    for (const text of TEXTS) {
      const plain = tk.encode(text, 'and a pair');
      const withOffsets = tk.encode(text, 'and a pair', { returnOffsets: true });
      expect(plain.offsets).toBeUndefined();
      const { offsets, ...rest } = withOffsets;
      expect(rest).toEqual(plain);
      expect(offsets).toHaveLength(plain.ids.length);
    }
  });
});

describe('bertNormalizeAligned', () => {
  it('gives bertNormalize text, each unit pointing at its source character', () => {
    for (const text of TEXTS) {
      const aligned = bertNormalizeAligned(text, DEFAULT_BERT_NORMALIZER);
      expect(aligned.text).toBe(bertNormalize(text, DEFAULT_BERT_NORMALIZER));
      expect(aligned.starts).toHaveLength(aligned.text.length);
    }
    // İ lowercases to i + U+0307 without accent stripping: both units come from İ.
    const turkish = bertNormalizeAligned('aİ', { ...DEFAULT_BERT_NORMALIZER, stripAccents: false });
    expect(turkish).toEqual({ text: 'ai\u0307', starts: [0, 1, 1], ends: [1, 2, 2] });
    // An astral character is two units, each pointing at both.
    expect(bertNormalizeAligned('😀a', null)).toEqual({ text: '😀a', starts: [0, 0, 2], ends: [2, 2, 3] });
  });
});
