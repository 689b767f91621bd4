import { CamtlError, loadTokenizer } from '@camtl/core';
import type { CommandSpec } from '../args';
import { stringFlag } from '../args';
import { assetPath, readJsonFile, writeJsonFile } from '../files';
import { nodeFileSystem } from '@camtl/backend-node';

interface TokenizeItem {
  text: string;
  text_pair?: string | null;
  max_length?: number;
}

function validateItems(raw: unknown, file: string): TokenizeItem[] {
  if (!Array.isArray(raw))
    throw new CamtlError('BAD_INPUT', `${file}: expected a JSON list of {text, text_pair?, max_length?}`);
  return raw.map((item, i) => {
    const it = item as TokenizeItem;
    if (!it || typeof it !== 'object' || typeof it.text !== 'string') {
      throw new CamtlError('BAD_INPUT', `${file}: item ${i}: "text" must be a string`);
    }
    if (it.text_pair !== undefined && it.text_pair !== null && typeof it.text_pair !== 'string') {
      throw new CamtlError('BAD_INPUT', `${file}: item ${i}: "text_pair" must be a string`);
    }
    if (it.max_length !== undefined && !(Number.isInteger(it.max_length) && it.max_length > 0)) {
      throw new CamtlError('BAD_INPUT', `${file}: item ${i}: "max_length" must be a positive integer`);
    }
    return it;
  });
}

export const tokenizeCommand: CommandSpec = {
  name: 'tokenize',
  summary: 'WordPiece-tokenize texts and pairs with a BERT tokenizer (tokenizer.json or vocab.txt)',
  usage: 'camtl tokenize --tokenizer DIR --input IN.json --output OUT.json',
  flags: {
    tokenizer: {
      type: 'string',
      value: 'DIR',
      description: 'folder with tokenizer.json, or vocab.txt (+ tokenizer_config.json)',
    },
    input: { type: 'string', value: 'IN.json', description: 'a list of {text, text_pair?, max_length?}' },
    output: {
      type: 'string',
      value: 'OUT.json',
      default: '-',
      description: 'where to write [{ids, tokens, type_ids, attention_mask}], "-" = stdout',
    },
  },
  examples: ['camtl tokenize --tokenizer ./bert-base-uncased --input texts.json --output encodings.json'],
  async run(values, io) {
    const fs = nodeFileSystem();
    const dir = stringFlag(values, 'tokenizer') ?? assetPath('tokenizer');
    const input = stringFlag(values, 'input');
    if (!input)
      throw new CamtlError('BAD_INPUT', 'camtl tokenize: --input IN.json is required', 'see camtl tokenize --help');
    const tokenizer = await loadTokenizer(dir, fs);
    const items = validateItems(await readJsonFile(fs, input), input);
    const out = items.map((it) => {
      const enc = tokenizer.encode(it.text, it.text_pair ?? undefined, { maxSeqLength: it.max_length });
      return { ids: enc.ids, tokens: enc.tokens, type_ids: enc.typeIds, attention_mask: enc.attentionMask };
    });
    await writeJsonFile(fs, stringFlag(values, 'output') ?? '-', out, io.stdout);
    return 0;
  },
};
