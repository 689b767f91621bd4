import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { applyMutations, damageText, FuzzCounter, jsonMutations, loadsOrNamesFile, textDamage } from '../testing/fuzz';
import { fixturePath } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';
import { loadTokenizer } from './load';

// The committed slice of bert-base-uncased (2,000 tokens; tests do not read ../shared).
const JSON_TEXT = readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8');
const JSON_BASE = JSON.parse(JSON_TEXT);
const VOCAB = readFileSync(fixturePath('tokenizer', 'vocab.txt'), 'utf8');
const SAMPLE = "Hello, WORLD! naïve café 東京 [MASK] don't [SEP] x";

/** Loads `files` as a model folder, then encodes a sample (single, pair, truncated, padded) and decodes it. */
async function loadAndUse(files: Record<string, string>): Promise<void> {
  const tk = await loadTokenizer('m', memoryFileSystem(files));
  const one = tk.encode(SAMPLE, 'pair text', { returnOffsets: true });
  tk.encodeBatch([SAMPLE, 'a'], { padding: 'longest', maxSeqLength: 8 });
  tk.decode(one.ids);
  // Every id that comes out is a non-negative integer the tokenizer itself can name.
  for (const id of one.ids) expect(Number.isInteger(id) && id >= 0 && tk.idToToken(id) !== undefined).toBe(true);
}

describe('fuzz tokenizer files', () => {
  it('tokenizer.json: structure mutations of the real file, and damaged text', async () => {
    const count = new FuzzCounter('tokenizer.json');
    await fc.assert(
      fc.asyncProperty(jsonMutations(JSON_BASE), async (mutations) => {
        const text = JSON.stringify(applyMutations(JSON_BASE, mutations));
        count.add(await loadsOrNamesFile(() => loadAndUse({ 'm/tokenizer.json': text }), 'm/tokenizer.json'));
      }),
      { numRuns: 1200, seed: 21 },
    );
    await fc.assert(
      fc.asyncProperty(textDamage, async (damage) => {
        const text = damageText(JSON_TEXT, damage);
        count.add(await loadsOrNamesFile(() => loadAndUse({ 'm/tokenizer.json': text }), 'm/tokenizer.json'));
      }),
      { numRuns: 150, seed: 22 },
    );
    count.print();
  });

  it('vocab.txt: lines deleted, duplicated, replaced, and damaged text', async () => {
    const count = new FuzzCounter('vocab.txt');
    const lines = VOCAB.split('\n');
    const edit = fc.record({
      at: fc.nat({ max: lines.length - 1 }),
      kind: fc.constantFrom('delete', 'duplicate', 'replace'),
      line: fc.string({ unit: 'grapheme', maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.option(textDamage), async (edits, damage) => {
        const out = lines.slice();
        for (const e of edits) {
          if (e.kind === 'delete') out.splice(e.at, 1);
          else if (e.kind === 'duplicate') out.splice(e.at, 0, out[e.at] ?? '');
          else out[e.at] = e.line;
        }
        const text = damage ? damageText(out.join('\n'), damage) : out.join('\n');
        count.add(await loadsOrNamesFile(() => loadAndUse({ 'm/vocab.txt': text }), 'm/vocab.txt'));
      }),
      { numRuns: 600, seed: 23 },
    );
    count.print();
  });

  it('arbitrary added tokens and special-token ids, then arbitrary text: loads and encodes, or names the file', async () => {
    const count = new FuzzCounter('tokenizer.json added/special tokens');
    const added = fc.record({
      id: fc.oneof({ weight: 12, arbitrary: fc.nat({ max: 2100 }) }, fc.constantFrom(-1, 1.5, '7', null, 2 ** 40)),
      content: fc.oneof(
        fc.string({ unit: 'grapheme', minLength: 0, maxLength: 6 }),
        fc.constantFrom(' ', '##', '[CLS]', 'a b', '\u00a0', '\u0301'),
      ),
      single_word: fc.boolean(),
      lstrip: fc.boolean(),
      rstrip: fc.boolean(),
      normalized: fc.oneof(fc.boolean(), fc.constant(undefined)),
      special: fc.boolean(),
    });
    const specialId = fc.oneof(
      { weight: 8, arbitrary: fc.nat({ max: 2100 }) },
      fc.constantFrom(-1, 1.5, '2', null, 1e6, 2 ** 53),
    );
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(fc.array(added, { maxLength: 4 }), specialId, specialId, text, async (extra, cls, sep, t) => {
        const json = structuredClone(JSON_BASE);
        json.added_tokens.push(...extra);
        json.post_processor.cls[1] = cls;
        json.post_processor.sep[1] = sep;
        const outcome = await loadsOrNamesFile(async () => {
          const tk = BertTokenizer.fromTokenizerJson(json, 'm/tokenizer.json');
          const e = tk.encode(`${SAMPLE} ${t}`, t, { returnOffsets: true });
          for (const id of e.ids) expect(tk.idToToken(id)).toBeDefined();
          tk.encodeBatch([t, SAMPLE], { padding: 'longest', maxSeqLength: 6 });
          tk.decode(e.ids);
        }, 'm/tokenizer.json');
        count.add(outcome);
      }),
      { numRuns: 1000, seed: 25 },
    );
    count.print();
  });

  it('tokenizing arbitrary unicode: never throws, ids in the vocabulary, offsets inside the text', () => {
    const count = new FuzzCounter('tokenize unicode');
    const tk = BertTokenizer.fromTokenizerJson(JSON_BASE);
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({
        unit: fc.constantFrom(
          '[',
          ']',
          'C',
          'L',
          'S',
          'E',
          'P',
          '#',
          ' ',
          '\u0301',
          'é',
          '東',
          '\u200b',
          '\ufeff',
          '\ud800',
          '\u0000',
        ),
        maxLength: 60,
      }),
    );
    fc.assert(
      fc.property(text, fc.option(text), fc.option(fc.nat({ max: 40 })), (a, b, maxSeqLength) => {
        const e = tk.encode(a, b, {
          returnOffsets: true,
          maxSeqLength: maxSeqLength != null ? maxSeqLength + 3 : undefined,
        });
        for (const id of e.ids) expect(tk.idToToken(id)).toBeDefined();
        for (const o of e.offsets ?? [])
          if (o) expect(o[0] <= o[1] && o[1] <= Math.max(a.length, (b ?? '').length)).toBe(true);
        tk.decode(e.ids);
        count.add('ok');
      }),
      { numRuns: 2000, seed: 24 },
    );
    count.print();
  });
});
