import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from '../tokenizer/bert-tokenizer';
import { encodeExamples, type EncodedExample } from './data';
import { bestSpan, spanPredictions } from './span-answers';
import type { Example, TaskDefinition } from './tasks';

const squad = { name: 'squad', kind: 'span-extraction', target: () => Number.NaN } as unknown as TaskDefinition;
const UNCASED = process.env.CAMTL_UNCASED_TOKENIZER ?? '/work/shared/data/bert-base-uncased-tokenizer/tokenizer.json';
const uncasedJson = existsSync(UNCASED) ? readFileSync(UNCASED, 'utf8') : undefined;
const fixtureJson = readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8');

describe('bestSpan', () => {
  const offsets: ([number, number] | null)[] = [null, null, [0, 3], [4, 7], [8, 11], [12, 15], null];

  it('takes the best start + end inside the context with start ≤ end', () => {
    // [CLS] (0) and the question (1) score highest but are not context; end 2 < start 3 is reversed.
    const start = [9, 9, 1, 5, 0, 0, 9];
    const end = [9, 9, 4, 0, 2, 3, 9];
    expect(bestSpan(offsets, start, end)).toEqual({ score: 8, start: 3, end: 5 });
  });

  it('respects maxAnswerLength and nBest, and finds nothing when nothing is valid', () => {
    const start = [0, 0, 5, 1, 0, 0, 0];
    const end = [0, 0, 0, 0, 0, 6, 0];
    expect(bestSpan(offsets, start, end)).toMatchObject({ start: 2, end: 5 });
    expect(bestSpan(offsets, start, end, { maxAnswerLength: 3 })).toMatchObject({ start: 3, end: 5 });
    // With one candidate each, start 2 and end 5 are the only pair.
    expect(bestSpan(offsets, start, end, { nBest: 1, maxAnswerLength: 3 })).toBeNull();
    expect(bestSpan([null, null], [1, 2], [1, 2])).toBeNull();
  });

  it('ignores logits past the row (batch padding)', () => {
    expect(bestSpan([null, [0, 1], null], [0, 1, 0, 99], [0, 1, 0, 99])).toEqual({ score: 2, start: 1, end: 1 });
  });
});

/** Logits peaking at each row's gold positions (rows without the answer: flat). */
function peakLogits(rows: EncodedExample[], pick: (r: EncodedExample) => number): number[][] {
  return rows.map((r) => r.ids.map((_, i) => (pick(r) !== 0 && i === pick(r) ? 10 : 0)));
}

const CONTEXT = [
  'The Açaí Bowl Café opened in São Paulo in 1998, long before the trend reached Europe.',
  'Its founder, José Ñúñez, had worked for years as a chef; he says “fresh fruit” is the secret.',
  'Today the café serves 1,200 bowls a day, and  tourists queue   outside from 7 a.m.',
  'Critics from Le Monde called it "the best breakfast in Brazil", a claim others dispute.',
].join(' ');

function goldExample(answer: string, occurrence = 0): Example {
  let start = -1;
  for (let k = 0; k <= occurrence; k++) start = CONTEXT.indexOf(answer, start + 1);
  return { textA: 'What is the answer?', textB: CONTEXT, answers: [{ text: answer, start }] };
}

describe.each([
  ['bert-base-uncased', uncasedJson],
  ['fixture', fixtureJson],
])('span round trip: %s tokenizer', (_name, json) => {
  const tk = json === undefined ? undefined : BertTokenizer.fromTokenizerJson(json);

  it.skipIf(!tk)('logits at the gold tokens decode to the gold text of the original context', () => {
    const answers = [
      'Açaí Bowl Café',
      'José Ñúñez',
      '1,200 bowls',
      'São Paulo in 1998',
      '"the best breakfast in Brazil"',
    ];
    const examples = [...answers.map((a) => goldExample(a)), goldExample('café', 0), goldExample('7 a.m.')];
    const rows = encodeExamples(tk!, examples, squad, 0, 40, { docStride: 12 });
    expect(new Set(rows.filter((r) => r.example === 0).map((r) => r.index)).size).toBeGreaterThan(3);
    const starts = peakLogits(rows, (r) => r.startPosition!);
    const ends = peakLogits(rows, (r) => r.endPosition!);
    expect(spanPredictions(rows, starts, ends, examples)).toEqual(examples.map((e) => e.answers![0].text));
  });

  it.skipIf(!tk)('every window holding a word-aligned answer marks it exactly', () => {
    const words = [...CONTEXT.matchAll(/\S+/g)];
    const examples = words.slice(0, -3).map((w, i) => {
      const end = words[i + 2].index! + words[i + 2][0].length;
      return { textA: 'q', textB: CONTEXT, answers: [{ text: CONTEXT.slice(w.index!, end), start: w.index! }] };
    });
    const rows = encodeExamples(tk!, examples, squad, 0, 24, { docStride: 10 });
    for (const r of rows) {
      if (r.startPosition === 0) continue;
      const text = CONTEXT.slice(r.offsets![r.startPosition!]![0], r.offsets![r.endPosition!]![1]);
      expect(text).toBe(examples[r.example!].answers[0].text);
    }
    const found = spanPredictions(
      rows,
      peakLogits(rows, (r) => r.startPosition!),
      peakLogits(rows, (r) => r.endPosition!),
      examples,
    );
    expect(found).toEqual(examples.map((e) => e.answers[0].text));
  });
});

describe('spanPredictions', () => {
  const tk = BertTokenizer.fromTokenizerJson(fixtureJson);
  const examples: Example[] = [goldExample('São Paulo'), { textA: 'q', textB: 'short' }];
  const rows = encodeExamples(tk, examples, squad, 0, 40, { docStride: 12 });

  it('takes the best window and gives "" to an example without a valid span', () => {
    const starts = rows.map((r) => r.ids.map(() => 0));
    const ends = rows.map((r) => r.ids.map(() => 0));
    // Two windows propose answers; the second scores higher.
    const [w0, w1] = rows.map((r, i) => i).filter((i) => rows[i].example === 0);
    starts[w0][rows[w0].offsets!.findIndex((o) => o !== null)] = 5;
    ends[w0][rows[w0].offsets!.findIndex((o) => o !== null)] = 5;
    const first = rows[w1].offsets!.findIndex((o) => o !== null);
    starts[w1][first] = 6;
    ends[w1][first + 1] = 6;
    const [answer, none] = spanPredictions(rows, starts, ends, examples, { maxAnswerLength: 0 });
    expect([answer, none]).toEqual(['', '']);
    const [best] = spanPredictions(rows, starts, ends, examples);
    expect(best).toBe(CONTEXT.slice(rows[w1].offsets![first]![0], rows[w1].offsets![first + 1]![1]));
  });

  it('refuses logits that do not match the rows', () => {
    expect(() => spanPredictions(rows, [], [], examples)).toThrow(/span-answers.ts/);
  });
});

interface HfEncoding {
  getIds(): number[];
  getOffsets(): [number, number][];
  getOverflowing(): HfEncoding[];
}

function loadHf(json: string) {
  try {
    return createRequire(import.meta.url)('tokenizers').Tokenizer.fromString(json);
  } catch {
    return undefined;
  }
}

// tokenizers 0.23 stops tokenizing the context near maxSeqLength tokens even
// with overflow, losing later windows: compared only on contexts within it.
describe.skipIf(!uncasedJson)('span windows vs HF only_second truncation with a stride', () => {
  const hf = uncasedJson && loadHf(uncasedJson);

  it.skipIf(!hf)('gives the same windows, ids and context offsets', async () => {
    const tk = BertTokenizer.fromTokenizerJson(uncasedJson!);
    const question = 'Where did the Café open?';
    const context = CONTEXT.slice(0, 150);
    for (const [max, stride] of [
      [40, 8],
      [36, 3],
      [38, 20],
    ]) {
      hf.setTruncation(max, { stride, strategy: 'OnlySecond' });
      const first: HfEncoding = await hf.encode(question, context);
      const windows = [first, ...first.getOverflowing()];
      const rows = encodeExamples(tk, [{ textA: question, textB: context }], squad, 0, max, { docStride: stride });
      expect(windows.length).toBeGreaterThan(1);
      expect(rows.map((r) => r.ids)).toEqual(windows.map((w) => w.getIds()));
      rows.forEach((r, i) => {
        const theirs = windows[i].getOffsets();
        r.offsets!.forEach((o, t) => o && expect(o).toEqual(theirs[t]));
        expect(r.offsets!.filter((o) => o !== null)).toHaveLength(r.typeIds.filter((t) => t === 1).length - 1);
      });
    }
  });
});
