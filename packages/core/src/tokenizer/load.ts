/**
 * Loads a tokenizer from a model directory through the FileSystem interface
 * (Node fs, fetch, IndexedDB, memory), as transformers does: tokenizer.json
 * first, else vocab.txt with tokenizer_config.json's flags.
 */
import { CamtlError, isCamtlError } from '../errors';
import type { FileSystem } from '../io/fs';
import { BertTokenizer } from './bert-tokenizer';
import { parseJsonText } from './tokenizer-json';
import { tokenizerConfigOptions, vocabConfig, type VocabOptions } from './vocab';

async function readText(fs: FileSystem, path: string): Promise<string> {
  try {
    return await fs.readText(path);
  } catch (e) {
    if (isCamtlError(e)) throw e;
    throw new CamtlError('IO', `${path}: cannot read (${(e as Error).message})`);
  }
}

async function readVocabOptions(fs: FileSystem, path: string): Promise<VocabOptions> {
  if (!(await fs.exists(path))) return {};
  return tokenizerConfigOptions(parseJsonText(await readText(fs, path), path), path);
}

export async function loadTokenizer(dir: string, fs: FileSystem): Promise<BertTokenizer> {
  const jsonPath = fs.join(dir, 'tokenizer.json');
  if (await fs.exists(jsonPath)) {
    return BertTokenizer.fromTokenizerJson(await readText(fs, jsonPath), jsonPath);
  }
  const vocabPath = fs.join(dir, 'vocab.txt');
  if (await fs.exists(vocabPath)) {
    const options = await readVocabOptions(fs, fs.join(dir, 'tokenizer_config.json'));
    return new BertTokenizer(vocabConfig(await readText(fs, vocabPath), options, vocabPath), vocabPath);
  }
  throw new CamtlError(
    'NOT_FOUND',
    `no tokenizer in ${dir}: looked for ${jsonPath} and ${vocabPath}`,
    'point at a BERT model directory with tokenizer.json or vocab.txt',
  );
}
