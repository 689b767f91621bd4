import '@tensorflow/tfjs-backend-cpu';
import { isCamtlError, loadHfCheckpoint, loadTokenizer, memoryFileSystem, useBackend } from '@camtl/core';
import { loadCaMtl, saveCaMtl } from '@camtl/ca-mtl';
import { beforeAll, describe, expect, it } from 'vitest';
import { pattern, stubServer, tinyCaMtl } from './test-helpers';
import { manifestFor, parseManifest, urlFileSystem } from './url-fs';

const ORIGIN = 'https://models.test';

async function tinyModelFiles(): Promise<Record<string, Uint8Array>> {
  const { model } = await tinyCaMtl(['a', 'b'], [2, 1], 3);
  const mem = memoryFileSystem();
  await saveCaMtl(model, 'm', mem);
  model.dispose();
  const vocab =
    ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', '.', 'a', 'dog', 'ran'].join('\n') + '\n';
  return {
    'config.json': mem.files.get('m/config.json')!,
    'model.safetensors': mem.files.get('m/model.safetensors')!,
    'vocab.txt': new TextEncoder().encode(vocab),
    'tokenizer_config.json': new TextEncoder().encode('{"do_lower_case": true}'),
  };
}

beforeAll(async () => {
  await useBackend('cpu');
});

describe('urlFileSystem', () => {
  it('reads, probes with HEAD and reports 404 as NOT_FOUND', async () => {
    const server = stubServer(ORIGIN, { 'm/a.txt': 'hello' });
    const fs = urlFileSystem(`${ORIGIN}/m`, { fetch: server.fetch });
    expect(fs.baseUrl).toBe(`${ORIGIN}/m/`);
    expect(await fs.readText('a.txt')).toBe('hello');
    expect(await fs.exists('a.txt')).toBe(true);
    expect(await fs.exists('./missing.json')).toBe(false);
    expect(server.log).toEqual(['GET /m/a.txt', 'HEAD /m/a.txt', 'HEAD /m/missing.json']);
    const err = await fs.readFile('missing.json').catch((e) => e);
    expect(isCamtlError(err) && err.code).toBe('NOT_FOUND');
    expect(err.message).toContain(`${ORIGIN}/m/missing.json`);
    expect(await fs.stat('a.txt')).toEqual({ size: 5, etag: '"g1-5"' });
    expect(fs.cacheKey('x/../a.txt')).toBe(`${ORIGIN}/m/a.txt`);
  });

  it('falls back to a 1-byte GET where HEAD is not allowed', async () => {
    const server = stubServer(ORIGIN, { 'a.bin': pattern(10) });
    server.noHead = true;
    const fs = urlFileSystem(`${ORIGIN}/`, { fetch: server.fetch });
    expect(await fs.exists('a.bin')).toBe(true);
    expect(await fs.exists('b.bin')).toBe(false);
    expect((await fs.stat('a.bin')).size).toBe(10);
  });

  it('answers exists/list/stat from a manifest without requests', async () => {
    const server = stubServer(ORIGIN, { 'm/config.json': '{}', 'm/sub/x.bin': pattern(4) });
    const fs = urlFileSystem(`${ORIGIN}/m/`, {
      fetch: server.fetch,
      files: ['config.json', { path: 'sub/x.bin', size: 4, etag: 'sha256-x' }],
    });
    expect(await fs.exists('config.json')).toBe(true);
    expect(await fs.exists('tokenizer.json')).toBe(false);
    expect(await fs.exists('sub')).toBe(true);
    expect(await fs.list('')).toEqual(['config.json', 'sub']);
    expect(await fs.list('sub')).toEqual(['x.bin']);
    expect(await fs.stat('sub/x.bin')).toEqual({ size: 4, etag: 'sha256-x' });
    expect(server.log).toEqual([]);
    await expect(fs.stat('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('fetches small files whole on the first ranged read', async () => {
    const bytes = pattern(1000);
    const server = stubServer(ORIGIN, { 'w.bin': bytes });
    const fs = urlFileSystem(ORIGIN, { fetch: server.fetch });
    const src = await fs.open('w.bin');
    expect(src.size).toBe(1000);
    expect(await src.read(10, 5)).toEqual(bytes.subarray(10, 15));
    expect(await src.read(995, 5)).toEqual(bytes.subarray(995, 1000));
    expect(server.log).toEqual(['HEAD /w.bin', 'GET /w.bin']);
    await expect(src.read(999, 2)).rejects.toThrow(/past the end/);
  });

  it('uses Range requests for large files, and copes with servers that ignore Range', async () => {
    const bytes = pattern(5000);
    const server = stubServer(ORIGIN, { 'big.bin': bytes });
    const fs = urlFileSystem(ORIGIN, { fetch: server.fetch, wholeFileBytes: 100 });
    const src = await fs.open('big.bin');
    expect(await src.read(8, 100)).toEqual(bytes.subarray(8, 108));
    expect(await src.read(4000, 1000)).toEqual(bytes.subarray(4000, 5000));
    expect(server.log).toEqual(['HEAD /big.bin', 'GET /big.bin bytes=8-107', 'GET /big.bin bytes=4000-4999']);

    server.ignoreRange = true;
    server.log.length = 0;
    const again = await fs.open('big.bin');
    expect(await again.read(1, 3)).toEqual(bytes.subarray(1, 4));
    expect(await again.read(4990, 10)).toEqual(bytes.subarray(4990, 5000));
    expect(server.log).toEqual(['HEAD /big.bin', 'GET /big.bin bytes=1-3']); // the second read used the whole body
  });

  it('is read-only', async () => {
    const fs = urlFileSystem(ORIGIN, { fetch: stubServer(ORIGIN, {}).fetch });
    await expect(fs.writeFileAtomic('x', 'y')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(fs.remove('x')).rejects.toThrow(/read-only/);
  });

  it('loads a CA-MTL checkpoint and its tokenizer from a URL (ranged reads, no manifest)', async () => {
    const files = await tinyModelFiles();
    const server = stubServer(
      ORIGIN,
      Object.fromEntries(Object.entries(files).map(([k, v]) => [`models/tiny/${k}`, v])),
    );
    const fs = urlFileSystem(`${ORIGIN}/models/tiny/`, { fetch: server.fetch, wholeFileBytes: 0 });
    const { model } = await loadCaMtl('', fs);
    const tokenizer = await loadTokenizer('', fs);
    expect(model.taskNames).toEqual(['a', 'b']);
    expect(tokenizer.encode('The cat sat.').ids).toEqual([2, 5, 6, 7, 8, 3]);
    const reference = await loadHfCheckpoint('', memoryFileSystem(files));
    for (const [name, t] of reference.tensors)
      expect(Array.from(model.store.get(name).dataSync())).toEqual(Array.from(t.data));
    expect(server.log.some((l) => /GET \/models\/tiny\/model\.safetensors bytes=/.test(l))).toBe(true);
    model.dispose();
  });

  it('writes and parses manifests', async () => {
    const m = await manifestFor({ 'b.txt': new TextEncoder().encode('abc'), 'a.bin': new Uint8Array(0) });
    expect(m.files.map((f) => f.path)).toEqual(['a.bin', 'b.txt']);
    expect(m.files[1]).toEqual({
      path: 'b.txt',
      size: 3,
      etag: 'sha256-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(parseManifest(JSON.parse(JSON.stringify(m)), 'files.json')).toEqual(m);
    expect(() => parseManifest({ files: [{ size: 1 }] }, 'files.json')).toThrow(/files\.json/);
  });
});
