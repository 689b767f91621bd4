// Differential test against HuggingFace's own tokenizer (the Rust `tokenizers`
// 0.23.2 through its official Node binding, a devDependency that ships its
// native binaries): random texts, pairs and max lengths must encode identically.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { fixturePath, readFixtureJson } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';

interface HfEncoding {
  getIds(): number[];
  getTokens(): string[];
  getTypeIds(): number[];
  getWordIds(): Array<number | null | undefined>;
  getSpecialTokensMask(): number[];
  getOffsets(): [number, number][];
}
interface HfTokenizer {
  setTruncation(maxSeqLength: number): void;
  disableTruncation(): void;
  encode(a: string, b?: string | null): Promise<HfEncoding>;
}

const tokenizerJson = readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8');

function loadHf(json = tokenizerJson): HfTokenizer | undefined {
  try {
    const { Tokenizer } = createRequire(import.meta.url)('tokenizers');
    return Tokenizer.fromString(json);
  } catch (e) {
    console.warn(
      `differential tokenizer test skipped: the "tokenizers" binding did not load (${(e as Error).message})`,
    );
    return undefined;
  }
}

const hf = loadHf();
const ours = BertTokenizer.fromTokenizerJson(tokenizerJson);
const corpus: string[] = readFixtureJson('tokenizer', 'expected_encodings.json').cases.flatMap(
  (c: { text: string; text_pair?: string }) => (c.text_pair !== undefined ? [c.text, c.text_pair] : [c.text]),
);
const EXTRA = [
  '',
  ' ',
  'É',
  'ﬁ',
  '東京',
  '\u0301',
  '!!',
  '[SEP]',
  '[MASK] x',
  'ΣΟΦΟΣ',
  'naïve café',
  '\t\n',
  '😀',
  'x'.repeat(101),
];

function mutate(rng: Rng): string {
  const base = corpus[rng.int(corpus.length)];
  const words = base.split(' ');
  const k = rng.int(4);
  for (let i = 0; i < k; i++) words.splice(rng.int(words.length + 1), 0, EXTRA[rng.int(EXTRA.length)]);
  return rng.next() < 0.3 ? words.slice(0, 1 + rng.int(words.length)).join(' ') : words.join(' ');
}

async function compare(theirs: HfTokenizer, mine: BertTokenizer, seed: number, n: number): Promise<void> {
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) {
    const a = mutate(rng);
    const b = rng.next() < 0.6 ? mutate(rng) : undefined;
    const maxSeqLength = rng.next() < 0.8 ? 3 + rng.int(40) : undefined;
    if (maxSeqLength) theirs.setTruncation(maxSeqLength);
    else theirs.disableTruncation();
    const want = await theirs.encode(a, b ?? null);
    const got = mine.encode(a, b, { maxSeqLength });
    const label = `${JSON.stringify(a)} | ${JSON.stringify(b)} | max ${maxSeqLength}`;
    expect(got.ids, label).toEqual(want.getIds());
    expect(got.tokens, label).toEqual(want.getTokens());
    expect(got.typeIds, label).toEqual(want.getTypeIds());
    expect(got.specialTokensMask, label).toEqual(want.getSpecialTokensMask());
    expect(got.wordIds, label).toEqual(want.getWordIds().map((w) => (w === undefined ? null : w)));
    const withOffsets = mine.encode(a, b, { maxSeqLength, returnOffsets: true });
    expect(withOffsets.ids, label).toEqual(got.ids);
    expect(withOffsets.offsets, label).toEqual(expectedOffsets(a, b, want, got.typeIds));
  }
}

/** HF's offsets (code points, (0, 0) for specials) as camtl's: UTF-16 units in the token's own text, null for specials. */
function expectedOffsets(a: string, b: string | undefined, want: HfEncoding, typeIds: number[]) {
  const units = (text: string) => {
    const at = [0];
    for (const ch of text) at.push(at[at.length - 1] + ch.length);
    return at;
  };
  const [unitsA, unitsB] = [units(a), units(b ?? '')];
  const special = want.getSpecialTokensMask();
  return want.getOffsets().map(([s, e], t) => {
    if (special[t]) return null;
    const at = typeIds[t] === 1 ? unitsB : unitsA;
    return [at[s], at[e]];
  });
}

/** The fixture's tokenizer.json with other normaliser flags (cased BERT, no CJK split, …). */
function variant(flags: Record<string, boolean | null | undefined>): string {
  const json = JSON.parse(tokenizerJson);
  Object.assign(json.normalizer, flags);
  return JSON.stringify(json);
}

describe.skipIf(!hf)('tokenizer vs HF tokenizers 0.23.2 (Rust)', () => {
  it('600 random singles and pairs with random max lengths encode identically', async () => {
    await compare(hf!, ours, 2024, 600);
  });

  it.each([
    { lowercase: false, strip_accents: null },
    { lowercase: true, strip_accents: false },
    { lowercase: false, strip_accents: true },
    { handle_chinese_chars: false, clean_text: false },
  ])('normaliser %j gives identical encodings', async (flags) => {
    const json = variant(flags);
    await compare(loadHf(json)!, BertTokenizer.fromTokenizerJson(json), 7, 200);
  });
});
