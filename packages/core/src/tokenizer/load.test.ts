import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CamtlErrorCode, isCamtlError } from '../errors';
import { type FileSystem, memoryFileSystem } from '../io/fs';
import { fixturePath, readFixtureJson } from '../testing/fixtures';
import { BertTokenizer } from './bert-tokenizer';
import { loadTokenizer } from './load';
import { parseVocab } from './vocab';

const tokenizerJsonText = readFileSync(fixturePath('tokenizer', 'tokenizer.json'), 'utf8');
const tokenizerJson = JSON.parse(tokenizerJsonText);
const vocabText = readFileSync(fixturePath('tokenizer', 'vocab.txt'), 'utf8');
const cases = readFixtureJson<{ cases: { text: string; text_pair?: string; ids: number[] }[] }>(
  'tokenizer',
  'expected_encodings.json',
).cases;

const readOnly = async (): Promise<never> => {
  throw new Error('read-only');
};

/** Just enough of a Node-backed FileSystem for loading (read-only). */
const nodeFs: FileSystem = {
  exists: async (p) => existsSync(p),
  readFile: async (p) => new Uint8Array(readFileSync(p)),
  readText: async (p) => readFileSync(p, 'utf8'),
  open: readOnly,
  writeFileAtomic: readOnly,
  mkdirp: async () => {},
  appendText: readOnly,
  rename: readOnly,
  remove: readOnly,
  list: async () => [],
  join: (...parts) => join(...parts),
};

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<{ code: CamtlErrorCode; message: string }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!isCamtlError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a CamtlError');
}

describe('loadTokenizer', () => {
  it('loads the fixture directory (tokenizer.json) from disk', async () => {
    const tk = await loadTokenizer(fixturePath('tokenizer'), nodeFs);
    for (const c of cases.slice(0, 50)) expect(tk.encode(c.text, c.text_pair).ids).toEqual(c.ids);
  });

  it('prefers tokenizer.json over vocab.txt', async () => {
    const fs = memoryFileSystem({ 'm/tokenizer.json': tokenizerJsonText, 'm/vocab.txt': 'not\na\nbert\nvocab\n' });
    expect((await loadTokenizer('m', fs)).vocabSize).toBe(2000);
  });

  it('falls back to vocab.txt, which matches tokenizer.json on every case', async () => {
    const tk = await loadTokenizer('m', memoryFileSystem({ 'm/vocab.txt': vocabText }));
    for (const c of cases)
      expect(tk.encode(c.text, c.text_pair), c.text).toEqual(
        BertTokenizer.fromTokenizerJson(tokenizerJson).encode(c.text, c.text_pair),
      );
  });

  it('reads do_lower_case / strip_accents / tokenize_chinese_chars from tokenizer_config.json', async () => {
    const config = { do_lower_case: false, tokenize_chinese_chars: false, unk_token: { content: '[UNK]' } };
    const fs = memoryFileSystem({ 'm/vocab.txt': vocabText, 'm/tokenizer_config.json': JSON.stringify(config) });
    const cased = await loadTokenizer('m', fs);
    expect(cased.normalize('Café 東京')).toBe('Café 東京');
    expect(cased.encode('Hello').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
    const stripped = memoryFileSystem({
      'm/vocab.txt': vocabText,
      'm/tokenizer_config.json': '{"do_lower_case": false, "strip_accents": true}',
    });
    expect((await loadTokenizer('m', stripped)).normalize('Café')).toBe('Cafe');
  });

  it('NOT_FOUND names the paths it looked for', async () => {
    const err = await rejection(loadTokenizer('/no/such/dir', nodeFs));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toContain(join('/no/such/dir', 'tokenizer.json'));
    expect(err.message).toContain(join('/no/such/dir', 'vocab.txt'));
  });

  it('bad JSON is BAD_FILE naming the file', async () => {
    const bad = await rejection(loadTokenizer('m', memoryFileSystem({ 'm/tokenizer.json': '{"model": ' })));
    expect(bad).toMatchObject({ code: 'BAD_FILE' });
    expect(bad.message).toMatch(/^m\/tokenizer\.json: /);
    const fs = memoryFileSystem({ 'm/vocab.txt': vocabText, 'm/tokenizer_config.json': 'nope' });
    const badConfig = await rejection(loadTokenizer('m', fs));
    expect(badConfig.code).toBe('BAD_FILE');
    expect(badConfig.message).toMatch(/^m\/tokenizer_config\.json: /);
  });

  it('read failures are IO errors naming the file', async () => {
    const fs = { ...memoryFileSystem(), exists: async () => true };
    expect(await rejection(loadTokenizer('m', fs))).toMatchObject({
      code: 'IO',
      message: expect.stringMatching(/^m\/tokenizer\.json: /),
    });
  });
});

describe('BertTokenizer.fromTokenizerJson: refusals', () => {
  const variant = (patch: object) => ({ ...tokenizerJson, ...patch });

  it('refuses a non-WordPiece model, naming it', async () => {
    const bpe = await rejection(() =>
      BertTokenizer.fromTokenizerJson(variant({ model: { type: 'BPE', vocab: {}, merges: [] } }), 'x/tokenizer.json'),
    );
    expect(bpe.code).toBe('UNSUPPORTED');
    expect(bpe.message).toMatch(/x\/tokenizer\.json: .*"BPE".*WordPiece/);
    const untyped = await rejection(() => BertTokenizer.fromTokenizerJson(variant({ model: { vocab: {} } })));
    expect(untyped.message).toMatch(/without a "type"/);
    expect((await rejection(() => BertTokenizer.fromTokenizerJson(variant({ model: undefined })))).code).toBe(
      'BAD_FILE',
    );
  });

  it('refuses other normalizers, pre-tokenizers and post-processors', async () => {
    const cases = [
      variant({ normalizer: { type: 'Lowercase' } }),
      variant({ pre_tokenizer: { type: 'Whitespace' } }),
      variant({ post_processor: { type: 'RobertaProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] } }),
      variant({ post_processor: null }),
    ];
    for (const c of cases) expect((await rejection(() => BertTokenizer.fromTokenizerJson(c))).code).toBe('UNSUPPORTED');
  });

  it('refuses a vocabulary without [UNK] or [MASK]', async () => {
    const noMask = { ...tokenizerJson.model.vocab };
    delete noMask['[MASK]'];
    const json = variant({
      model: { ...tokenizerJson.model, vocab: noMask },
      added_tokens: tokenizerJson.added_tokens.slice(0, 4),
    });
    expect(await rejection(() => BertTokenizer.fromTokenizerJson(json))).toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringContaining('[MASK]'),
    });
    const vocab = vocabText.replace('[UNK]\n', '[UNKNOWN]\n');
    expect(await rejection(() => BertTokenizer.fromVocab(vocab))).toMatchObject({
      code: 'BAD_CONFIG',
      message: expect.stringContaining('[UNK]'),
    });
  });

  it('accepts the TemplateProcessing form of BertProcessing', () => {
    const special = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
    const sequence = (id: string, type_id: number) => ({ Sequence: { id, type_id } });
    const template = {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    };
    const tk = BertTokenizer.fromTokenizerJson(variant({ post_processor: template }));
    const ref = BertTokenizer.fromTokenizerJson(tokenizerJson);
    for (const c of cases.slice(150)) expect(tk.encode(c.text, c.text_pair)).toEqual(ref.encode(c.text, c.text_pair));
    const swapped = { ...template, pair: [...template.pair.slice(0, 3), sequence('B', 0), special('[SEP]', 0)] };
    expect(() => BertTokenizer.fromTokenizerJson(variant({ post_processor: swapped }))).toThrow(/TemplateProcessing/);
  });
});

describe('parseVocab', () => {
  it('one token per line, id = line number; CRLF and trailing spaces trimmed; final newline optional', () => {
    expect([...parseVocab('[PAD]\r\n[UNK] \nhello\n')]).toEqual([
      ['[PAD]', 0],
      ['[UNK]', 1],
      ['hello', 2],
    ]);
    expect([...parseVocab('a\n\nb')]).toEqual([
      ['a', 0],
      ['', 1],
      ['b', 2],
    ]);
  });
});
