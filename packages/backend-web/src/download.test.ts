import '@tensorflow/tfjs-backend-cpu';
import { unzipSync } from 'fflate';
import { memoryFileSystem, useBackend } from '@camtl/core';
import { loadCaMtl } from '@camtl/ca-mtl';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyCaMtl } from './test-helpers';
import { downloadModel, modelFiles, saveBlob, tokenizerFiles, zipFiles } from './download';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('downloadModel', () => {
  it('zips config.json, model.safetensors and the tokenizer into one folder that loads back', async () => {
    const { model } = await tinyCaMtl(['a', 'b'], [2, 1], 7);
    const saved: Array<{ blob: Blob; name: string }> = [];
    const result = await downloadModel(model, {
      files: { 'vocab.txt': 'x\n' },
      save: (blob, name) => void saved.push({ blob, name }),
    });
    expect(result.filenames).toEqual(['camtl-model.zip']);
    expect(Object.keys(result.files).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
    expect(saved[0].name).toBe('camtl-model.zip');
    expect(saved[0].blob.type).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await saved[0].blob.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual([
      'camtl-model/config.json',
      'camtl-model/model.safetensors',
      'camtl-model/vocab.txt',
    ]);

    const mem = memoryFileSystem(entries);
    const { model: back } = await loadCaMtl('camtl-model', mem);
    for (const name of model.store.names())
      expect(Array.from(back.store.get(name).dataSync())).toEqual(Array.from(model.store.get(name).dataSync()));
    model.dispose();
    back.dispose();
  });

  it("offers one download per file with format 'files'", async () => {
    const { model } = await tinyCaMtl(['a'], [3], 1);
    const names: string[] = [];
    const result = await downloadModel(model, {
      format: 'files',
      filename: 'run7',
      save: (_, n) => void names.push(n),
    });
    expect(names).toEqual(['run7-config.json', 'run7-model.safetensors']);
    expect(result.filenames).toEqual(names);
    model.dispose();
  });

  it('copies the tokenizer files a folder has, and zips at the top level on request', async () => {
    const fs = memoryFileSystem({ 'm/vocab.txt': 'v', 'm/tokenizer_config.json': '{}', 'm/other.txt': 'o' });
    const tok = await tokenizerFiles('m', fs);
    expect(Object.keys(tok)).toEqual(['vocab.txt', 'tokenizer_config.json']);
    expect(Object.keys(unzipSync(zipFiles(tok)))).toEqual(['vocab.txt', 'tokenizer_config.json']);
    const files = await modelFiles(
      { save: async (dir, f) => f.writeFileAtomic(f.join(dir, 'config.json'), '{}') },
      tok,
    );
    expect(Object.keys(files)).toEqual(['config.json', 'vocab.txt', 'tokenizer_config.json']);
  });

  it('needs a document for the default save', async () => {
    expect(() => saveBlob(new Blob(['x']), 'x.zip')).toThrow(/no document/);
    const { model } = await tinyCaMtl(['a'], [2], 1);
    await expect(downloadModel(model, 'run.zip')).rejects.toThrow(/cannot download run\.zip: no document/);
    model.dispose();
  });
});
