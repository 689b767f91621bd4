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
  const cache = new FileCache(inner, options);
  const readFile = (path: string) => cache.read(path, () => cache.statOf(path));
  return {
    description: `${inner.description} (cached in IndexedDB ${options.dbName ?? DEFAULT_CACHE_DB})`,
    cacheKey: (path) => inner.cacheKey(path),
    stat: (path) => cache.stat(path),
    exists: (path) => cache.exists(path),
    readFile,
    async readText(path) {
      return utf8.decode(await readFile(path));
    },
    open: (path) => cache.open(path),
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
      await cache.db?.delete(inner.cacheKey(path)).catch(() => undefined);
    },
    mkdirp: (path) => inner.mkdirp(path),
    appendText: (path, text) => inner.appendText(path, text),
    rename: (from, to) => inner.rename(from, to),
    remove: (path) => inner.remove(path),
    join: (...parts) => inner.join(...parts),
    cache: cache.controls(),
  };
}

type Stat = { ok: true; st: FileStat } | { ok: false; error: unknown };

/** The IndexedDB side of one cached file system: lookups, stores, the policy and the counters. */
class FileCache {
  readonly db: Idb | undefined;
  /** IndexedDB failed once (quota, private mode): stop using it. */
  broken = false;
  readonly policy: 'revalidate' | 'cache-first';
  readonly maxFileBytes: number;
  readonly stats: CacheStats = { hits: 0, misses: 0, offlineHits: 0, bytesFromCache: 0, bytesFetched: 0 };

  constructor(
    readonly inner: BrowserFileSystem,
    readonly options: CacheOptions,
  ) {
    const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    this.db = factory ? new Idb(options.dbName ?? DEFAULT_CACHE_DB, factory) : undefined;
    this.policy = options.policy ?? 'revalidate';
    this.maxFileBytes = options.maxFileBytes ?? 1024 ** 3;
  }

  get usable(): boolean {
    return !!this.db && !this.broken;
  }

  emit(path: string, key: string, kind: CacheEventKind, bytes: number): void {
    this.options.onEvent?.({ path, key, kind, bytes });
  }

  async lookup(key: string): Promise<CachedRecord | undefined> {
    if (!this.db || this.broken) return undefined;
    try {
      return await this.db.get(key);
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  async store(key: string, bytes: Uint8Array, st: FileStat | undefined): Promise<void> {
    if (!this.db || this.broken || bytes.byteLength > this.maxFileBytes) return;
    try {
      await this.db.put({
        key,
        size: bytes.byteLength,
        ...(st?.etag ? { etag: st.etag } : {}),
        bytes: copy(bytes),
        storedAt: Date.now(),
      });
    } catch {
      this.broken = true; // e.g. QuotaExceededError: keep working uncached
    }
  }

  served(path: string, key: string, rec: CachedRecord, kind: 'hit' | 'offline-hit'): Uint8Array {
    this.stats.hits++;
    if (kind === 'offline-hit') this.stats.offlineHits++;
    this.stats.bytesFromCache += rec.size;
    this.emit(path, key, kind, rec.size);
    return new Uint8Array(rec.bytes);
  }

  async fetched(path: string, key: string, st: FileStat | undefined, kind: 'miss' | 'stale'): Promise<Uint8Array> {
    const bytes = await this.inner.readFile(path);
    this.stats.misses++;
    this.stats.bytesFetched += bytes.byteLength;
    await this.store(key, bytes, st);
    this.emit(path, key, kind, bytes.byteLength);
    return bytes;
  }

  async statOf(path: string): Promise<Stat> {
    try {
      return { ok: true, st: await this.inner.stat(path) };
    } catch (error) {
      return { ok: false, error };
    }
  }

  /** A file, from the cache or the inner file system as the policy and `stat` (called at most once) say. */
  async read(path: string, stat: () => Promise<Stat>): Promise<Uint8Array> {
    const key = this.inner.cacheKey(path);
    if (!this.usable) return this.inner.readFile(path);
    if (this.policy === 'cache-first') {
      const rec = await this.lookup(key);
      if (rec) return this.served(path, key, rec, 'hit');
    }
    const s = await stat();
    if (!s.ok) {
      if (!unreachable(s.error)) throw s.error;
      const rec = await this.lookup(key);
      if (rec) return this.served(path, key, rec, 'offline-hit');
      throw s.error;
    }
    const rec = await this.lookup(key);
    if (rec && rec.size === s.st.size && (s.st.etag === undefined || rec.etag === s.st.etag))
      return this.served(path, key, rec, 'hit');
    try {
      return await this.fetched(path, key, s.st, rec ? 'stale' : 'miss');
    } catch (e) {
      // Stat answered but the download failed (connection lost mid-way): an old copy beats nothing.
      if (rec && unreachable(e)) return this.served(path, key, rec, 'offline-hit');
      throw e;
    }
  }

  async open(path: string): Promise<ByteSource> {
    if (!this.usable) return this.inner.open(path);
    const cachedFirst = this.policy === 'cache-first' && (await this.lookup(this.inner.cacheKey(path)));
    const s = cachedFirst ? undefined : await this.statOf(path);
    if (s?.ok && s.st.size > this.maxFileBytes) {
      this.emit(path, this.inner.cacheKey(path), 'bypass', s.st.size);
      return this.inner.open(path);
    }
    return bytesSource(await this.read(path, async () => s ?? this.statOf(path)), path);
  }

  async stat(path: string): Promise<FileStat> {
    try {
      return await this.inner.stat(path);
    } catch (e) {
      const rec = unreachable(e) ? await this.lookup(this.inner.cacheKey(path)) : undefined;
      if (!rec) throw e;
      return { size: rec.size, ...(rec.etag ? { etag: rec.etag } : {}) };
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      return await this.inner.exists(path);
    } catch (e) {
      if (!unreachable(e)) throw e;
      if (await this.lookup(this.inner.cacheKey(path))) return true;
      throw e;
    }
  }

  /** `fs.cache`: what a page shows and does with the cache. */
  controls(): CachedFileSystem['cache'] {
    const { db, inner } = this;
    const usable = () => this.usable;
    return {
      get available() {
        return usable();
      },
      stats: this.stats,
      keys: async () => (db ? db.keys() : []),
      clear: async (path?: string) => {
        if (!db) return;
        if (path === undefined) await db.clear();
        else await db.delete(inner.cacheKey(path));
      },
      close: async () => db?.close(),
    };
  }
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
