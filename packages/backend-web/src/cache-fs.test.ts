import '@tensorflow/tfjs-backend-cpu';
import { IDBFactory } from 'fake-indexeddb';
import { memoryFileSystem, useBackend } from '@camtl/core';
import { loadCaMtl, saveCaMtl } from '@camtl/ca-mtl';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedFileSystem, deleteCache, type CacheEvent } from './cache-fs';
import { filesFileSystem } from './files-fs';
import { openUrlFolder } from './model-source';
import { pattern, stubServer, tinyCaMtl } from './test-helpers';
import { manifestFor, urlFileSystem } from './url-fs';

const ORIGIN = 'https://cdn.test';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('cachedFileSystem', () => {
  it('serves a second read from IndexedDB after revalidating with HEAD, and refetches changed files', async () => {
    const idb = new IDBFactory();
    const server = stubServer(ORIGIN, { 'm/w.bin': pattern(300) });
    const events: CacheEvent[] = [];
    const fs = cachedFileSystem(urlFileSystem(`${ORIGIN}/m/`, { fetch: server.fetch }), {
      indexedDB: idb,
      onEvent: (e) => events.push(e),
    });
    expect(await fs.readFile('w.bin')).toEqual(pattern(300));
    expect(await fs.readFile('w.bin')).toEqual(pattern(300));
    expect(server.log).toEqual(['HEAD /m/w.bin', 'GET /m/w.bin', 'HEAD /m/w.bin']);
    expect(events.map((e) => e.kind)).toEqual(['miss', 'hit']);
    expect(fs.cache.stats).toMatchObject({ hits: 1, misses: 1, bytesFromCache: 300, bytesFetched: 300 });
    expect(await fs.cache.keys()).toEqual([`${ORIGIN}/m/w.bin`]);

    server.files.set('m/w.bin', pattern(301));
    server.generation++;
    expect((await fs.readFile('w.bin')).byteLength).toBe(301);
    expect(events.at(-1)!.kind).toBe('stale');
    await fs.cache.close();
  });

  it('is shared across instances and pages (same database), and serves offline', async () => {
    const idb = new IDBFactory();
    const server = stubServer(ORIGIN, { 'w.bin': pattern(50) });
    const first = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: server.fetch }), { indexedDB: idb, dbName: 'd' });
    await first.readFile('w.bin');
    await first.cache.close();

    server.offline = true;
    const events: CacheEvent[] = [];
    const second = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: server.fetch }), {
      indexedDB: idb,
      dbName: 'd',
      onEvent: (e) => events.push(e),
    });
    expect(await second.readFile('w.bin')).toEqual(pattern(50));
    expect(await second.exists('w.bin')).toBe(true);
    expect((await second.open('w.bin')).size).toBe(50);
    expect(events.map((e) => e.kind)).toEqual(['offline-hit', 'offline-hit']);
    await expect(second.readFile('other.bin')).rejects.toThrow(/Failed to fetch/);
    await second.cache.close();
  });

  it("with 'cache-first' makes no request for cached files", async () => {
    const idb = new IDBFactory();
    const server = stubServer(ORIGIN, { 'a.txt': 'a' });
    const fs = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: server.fetch }), {
      indexedDB: idb,
      policy: 'cache-first',
    });
    await fs.readText('a.txt');
    server.log.length = 0;
    expect(await fs.readText('a.txt')).toBe('a');
    expect(server.log).toEqual([]);
    await fs.cache.clear('a.txt');
    expect(await fs.cache.keys()).toEqual([]);
    await fs.cache.close();
  });

  it('does not hide missing files behind the cache', async () => {
    const fs = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: stubServer(ORIGIN, {}).fetch }), {
      indexedDB: new IDBFactory(),
    });
    await expect(fs.readFile('x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await fs.exists('x')).toBe(false);
  });

  it('passes through without IndexedDB, and passes big files through uncached', async () => {
    const server = stubServer(ORIGIN, { 'a.bin': pattern(10) });
    const none = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: server.fetch }), { indexedDB: undefined });
    expect(none.cache.available).toBe(!!(globalThis as { indexedDB?: unknown }).indexedDB);
    const idb = new IDBFactory();
    const small = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: server.fetch }), { indexedDB: idb, maxFileBytes: 5 });
    const events: CacheEvent[] = [];
    const fs = cachedFileSystem(urlFileSystem(ORIGIN, { fetch: server.fetch }), {
      indexedDB: idb,
      maxFileBytes: 5,
      onEvent: (e) => events.push(e),
    });
    expect(await (await fs.open('a.bin')).read(2, 3)).toEqual(pattern(10).subarray(2, 5));
    expect(events.map((e) => e.kind)).toEqual(['bypass']);
    expect(await small.readFile('a.bin')).toEqual(pattern(10));
    expect(await small.cache.keys()).toEqual([]);
    await deleteCache('camtl-file-cache', idb);
  });

  it('caches picked files by path, size and mtime', async () => {
    const idb = new IDBFactory();
    const fs = cachedFileSystem(filesFileSystem([new File(['abc'], 'v.txt', { lastModified: 5 })]), { indexedDB: idb });
    expect(await fs.readText('v.txt')).toBe('abc');
    expect(await fs.cache.keys()).toEqual(['file:v.txt']);
    await fs.cache.close();
  });
});

describe('openUrlFolder', () => {
  it('loads a model through its manifest and the cache, then again offline', async () => {
    const { model } = await tinyCaMtl(['x'], [3], 1);
    const mem = memoryFileSystem();
    await saveCaMtl(model, 'm', mem);
    const files: Record<string, Uint8Array> = {};
    for (const [k, v] of mem.files) files[k.slice(2)] = v;
    const manifest = await manifestFor(files);
    const server = stubServer(ORIGIN, {
      ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`m/${k}`, v])),
      'm/files.json': JSON.stringify(manifest),
    });
    const idb = new IDBFactory();

    const one = await openUrlFolder(`${ORIGIN}/m/`, { fetch: server.fetch, cache: { indexedDB: idb } });
    expect(one.manifest?.files.map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
    const a = await loadCaMtl('', one.fs);
    // The manifest answers exists() and stat(): one GET per file, no probing.
    expect(server.log).toEqual([
      'HEAD /m/files.json',
      'GET /m/files.json',
      'GET /m/config.json',
      'GET /m/model.safetensors',
    ]);

    server.offline = true;
    const two = await openUrlFolder(`${ORIGIN}/m/`, { fetch: server.fetch, cache: { indexedDB: idb } });
    const b = await loadCaMtl('', two.fs);
    for (const name of a.model.store.names())
      expect(Array.from(b.model.store.get(name).dataSync())).toEqual(Array.from(a.model.store.get(name).dataSync()));
    for (const m of [model, a.model, b.model]) m.dispose();
  });

  it('works without a manifest (probing with HEAD) and without a cache', async () => {
    const server = stubServer(ORIGIN, { 'vocab.txt': '[PAD]\n' });
    const { fs, manifest } = await openUrlFolder(`${ORIGIN}/`, { fetch: server.fetch, cache: false });
    expect(manifest).toBeUndefined();
    expect(await fs.exists('vocab.txt')).toBe(true);
    expect(await fs.exists('tokenizer.json')).toBe(false);
  });
});
