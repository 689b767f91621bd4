/**
 * An IndexedDB cache in front of a browser FileSystem. Files are stored under
 * the inner file system's cache key (an absolute URL, or "file:…") with their
 * size and validator (ETag, manifest digest, mtime):
 *
 * - 'revalidate' (default): asks the inner file system for the file's stat
 *   (a manifest lookup or one HEAD request) and serves the cached copy when
 *   size and validator match, else downloads and stores it again;
 * - 'cache-first': serves any cached copy without asking.
 *
 * Either way, when the inner file system cannot be reached (offline, server
 * down), cached copies are served, so a model loaded once loads again offline.
 * Without IndexedDB (private windows, Node) it passes everything through.
 */
import { bytesSource, isCamtlError, type ByteSource } from '@camtl/core';
import { utf8, type BrowserFileSystem, type FileStat } from './fs-common';
import { Idb, type CachedRecord } from './idb';

export const DEFAULT_CACHE_DB = 'camtl-file-cache';

export type CacheEventKind = 'hit' | 'miss' | 'stale' | 'offline-hit' | 'bypass';

export interface CacheEvent {
  path: string;
  key: string;
  kind: CacheEventKind;
  bytes: number;
}

export interface CacheOptions {
  /** IndexedDB database name; default DEFAULT_CACHE_DB. */
  dbName?: string;
  policy?: 'revalidate' | 'cache-first';
  /** Files larger than this are read through, not cached (default 1 GiB). */
  maxFileBytes?: number;
  /** Default: globalThis.indexedDB. */
  indexedDB?: IDBFactory;
  /** Called on every read, e.g. to show "loaded from cache". */
  onEvent?: (event: CacheEvent) => void;
}

export interface CacheStats {
  hits: number;
  misses: number;
  offlineHits: number;
  bytesFromCache: number;
  bytesFetched: number;
}

export interface CachedFileSystem extends BrowserFileSystem {
  readonly cache: {
    /** False when IndexedDB is unavailable: reads go straight to the inner file system. */
    readonly available: boolean;
    readonly stats: CacheStats;
    /** Cache keys stored in this database (all sources). */
    keys(): Promise<string[]>;
    /** Forgets `path`, or everything in this database. */
    clear(path?: string): Promise<void>;
    close(): Promise<void>;
  };
}

/** True for "could not reach it" (network failures, 5xx), not for "it does not exist". */
function unreachable(e: unknown): boolean {
  return !(isCamtlError(e) && (e.code === 'NOT_FOUND' || e.code === 'BAD_FILE' || e.code === 'UNSUPPORTED'));
}

function copy(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

export function cachedFileSystem(inner: BrowserFileSystem, options: CacheOptions = {}): CachedFileSystem {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const db = factory ? new Idb(options.dbName ?? DEFAULT_CACHE_DB, factory) : undefined;
  const policy = options.policy ?? 'revalidate';
  const maxFileBytes = options.maxFileBytes ?? 1024 ** 3;
  const stats: CacheStats = { hits: 0, misses: 0, offlineHits: 0, bytesFromCache: 0, bytesFetched: 0 };
  let broken = false; // IndexedDB failed once (quota, private mode): stop using it

  const emit = (path: string, key: string, kind: CacheEventKind, bytes: number) =>
    options.onEvent?.({ path, key, kind, bytes });

  async function lookup(key: string): Promise<CachedRecord | undefined> {
    if (!db || broken) return undefined;
    try {
      return await db.get(key);
    } catch {
      broken = true;
      return undefined;
    }
  }

  async function store(key: string, bytes: Uint8Array, st: FileStat | undefined): Promise<void> {
    if (!db || broken || bytes.byteLength > maxFileBytes) return;
    try {
      await db.put({
        key,
        size: bytes.byteLength,
        ...(st?.etag ? { etag: st.etag } : {}),
        bytes: copy(bytes),
        storedAt: Date.now(),
      });
    } catch {
      broken = true; // e.g. QuotaExceededError: keep working uncached
    }
  }

  function served(path: string, key: string, rec: CachedRecord, kind: 'hit' | 'offline-hit'): Uint8Array {
    stats.hits++;
    if (kind === 'offline-hit') stats.offlineHits++;
    stats.bytesFromCache += rec.size;
    emit(path, key, kind, rec.size);
    return new Uint8Array(rec.bytes);
  }

  async function fetched(
    path: string,
    key: string,
    st: FileStat | undefined,
    kind: 'miss' | 'stale',
  ): Promise<Uint8Array> {
    const bytes = await inner.readFile(path);
    stats.misses++;
    stats.bytesFetched += bytes.byteLength;
    await store(key, bytes, st);
    emit(path, key, kind, bytes.byteLength);
    return bytes;
  }

  type Stat = { ok: true; st: FileStat } | { ok: false; error: unknown };

  async function statOf(path: string): Promise<Stat> {
    try {
      return { ok: true, st: await inner.stat(path) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  async function readWith(path: string, stat: () => Promise<Stat>): Promise<Uint8Array> {
    const key = inner.cacheKey(path);
    if (!db || broken) return inner.readFile(path);
    if (policy === 'cache-first') {
      const rec = await lookup(key);
      if (rec) return served(path, key, rec, 'hit');
    }
    const s = await stat();
    if (!s.ok) {
      if (!unreachable(s.error)) throw s.error;
      const rec = await lookup(key);
      if (rec) return served(path, key, rec, 'offline-hit');
      throw s.error;
    }
    const rec = await lookup(key);
    if (rec && rec.size === s.st.size && (s.st.etag === undefined || rec.etag === s.st.etag))
      return served(path, key, rec, 'hit');
    try {
      return await fetched(path, key, s.st, rec ? 'stale' : 'miss');
    } catch (e) {
      // Stat answered but the download failed (connection lost mid-way): an old copy beats nothing.
      if (rec && unreachable(e)) return served(path, key, rec, 'offline-hit');
      throw e;
    }
  }

  const readFile = (path: string) => readWith(path, () => statOf(path));

  return {
    description: `${inner.description} (cached in IndexedDB ${options.dbName ?? DEFAULT_CACHE_DB})`,
    cacheKey: (path) => inner.cacheKey(path),
    async stat(path) {
      try {
        return await inner.stat(path);
      } catch (e) {
        const rec = unreachable(e) ? await lookup(inner.cacheKey(path)) : undefined;
        if (!rec) throw e;
        return { size: rec.size, ...(rec.etag ? { etag: rec.etag } : {}) };
      }
    },
    async exists(path) {
      try {
        return await inner.exists(path);
      } catch (e) {
        if (!unreachable(e)) throw e;
        if (await lookup(inner.cacheKey(path))) return true;
        throw e;
      }
    },
    readFile,
    async readText(path) {
      return utf8.decode(await readFile(path));
    },
    async open(path): Promise<ByteSource> {
      if (!db || broken) return inner.open(path);
      const s = policy === 'cache-first' && (await lookup(inner.cacheKey(path))) ? undefined : await statOf(path);
      if (s?.ok && s.st.size > maxFileBytes) {
        emit(path, inner.cacheKey(path), 'bypass', s.st.size);
        return inner.open(path);
      }
      return bytesSource(await readWith(path, async () => s ?? statOf(path)), path);
    },
    async list(dir) {
      try {
        return await inner.list(dir);
      } catch (e) {
        if (unreachable(e)) return [];
        throw e;
      }
    },
    async writeFileAtomic(path, data) {
      await inner.writeFileAtomic(path, data);
      await db?.delete(inner.cacheKey(path)).catch(() => undefined);
    },
    mkdirp: (path) => inner.mkdirp(path),
    appendText: (path, text) => inner.appendText(path, text),
    rename: (from, to) => inner.rename(from, to),
    remove: (path) => inner.remove(path),
    join: (...parts) => inner.join(...parts),
    cache: {
      get available() {
        return !!db && !broken;
      },
      stats,
      keys: async () => (db ? db.keys() : []),
      clear: async (path?: string) => {
        if (!db) return;
        if (path === undefined) await db.clear();
        else await db.delete(inner.cacheKey(path));
      },
      close: async () => db?.close(),
    },
  };
}

/** Deletes a cache database entirely (e.g. a "clear cache" button). */
export function deleteCache(dbName = DEFAULT_CACHE_DB, factory?: IDBFactory): Promise<void> {
  const f = factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!f) return Promise.resolve();
  return new Promise((ok, fail) => {
    const r = f.deleteDatabase(dbName);
    r.onsuccess = () => ok();
    r.onerror = () => fail(r.error);
    r.onblocked = () => ok(); // deleted once the other connections close
  });
}
