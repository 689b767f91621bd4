/**
 * A read-only FileSystem over HTTP(S): a model folder served as static files.
 * Reads use fetch; ranged reads (safetensors headers, single tensors) use
 * Range requests for large files and one whole-file fetch for small ones.
 * HTTP cannot list folders, so `exists`/`list` use a manifest when one is
 * given (or fetched: `files.json`, see `MANIFEST_FILE`), else HEAD requests.
 */
import { CamtlError, type ByteSource } from '@camtl/core';
import {
  listUnder,
  normalizePath,
  notFound,
  readOnlyWrites,
  utf8,
  type BrowserFileSystem,
  type FileStat,
} from './fs-common';

/** The manifest a model folder may carry so browsers need no HEAD probing: `{ files: [{ path, size, etag }] }`. */
export const MANIFEST_FILE = 'files.json';

export interface ManifestEntry {
  path: string;
  size?: number;
  /** Any validator; `manifestFor` writes "sha256-<hex>". */
  etag?: string;
}

export interface Manifest {
  files: ManifestEntry[];
}

export interface UrlFileSystemOptions {
  /**
   * The folder's files, when known: `exists`, `list` and `stat` then answer
   * without requests (and a missing tokenizer.json costs no 404).
   */
  files?: ReadonlyArray<string | ManifestEntry>;
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: typeof fetch;
  /** Extra request options (headers such as Authorization, credentials…). */
  init?: RequestInit;
  /**
   * Files up to this many bytes are fetched whole on their first ranged read
   * (one request instead of one per tensor); larger files use Range requests.
   * Default 64 MiB. Servers that ignore Range get a whole-file fetch anyway.
   */
  wholeFileBytes?: number;
}

export interface UrlFileSystem extends BrowserFileSystem {
  /** The folder URL, ending in '/'. */
  readonly baseUrl: string;
  /** The absolute URL of `path`. */
  url(path: string): string;
}

function folderUrl(base: string): string {
  const g = globalThis as { location?: { href: string } };
  const abs = g.location ? new URL(base, g.location.href) : new URL(base);
  if (!abs.pathname.endsWith('/')) abs.pathname += '/';
  abs.search = '';
  abs.hash = '';
  return abs.href;
}

function httpError(url: string, res: Response): CamtlError {
  if (res.status === 404 || res.status === 410) return notFound(url, `HTTP ${res.status}`);
  return new CamtlError('IO', `${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
}

/** Reads a body we do not need (an error page, a HEAD's empty body) so the request completes. */
async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}

async function failed(url: string, res: Response): Promise<CamtlError> {
  await drain(res);
  return httpError(url, res);
}

function validator(res: Response): string | undefined {
  return res.headers.get('etag') ?? res.headers.get('last-modified') ?? undefined;
}

/** A read-only FileSystem for the folder at `baseUrl` (relative URLs resolve against the page). */
export function urlFileSystem(baseUrl: string, options: UrlFileSystemOptions = {}): UrlFileSystem {
  const f = webFolder(baseUrl, options);
  const readFile = (path: string) => readUrl(f, path);
  return {
    description: f.base,
    baseUrl: f.base,
    url: f.url,
    cacheKey: f.url,
    stat: (path) => statUrl(f, path),
    exists: (path) => existsUrl(f, path),
    readFile,
    async readText(path) {
      return utf8.decode(await readFile(path));
    },
    open: (path) => openUrl(f, path),
    async list(dir) {
      return f.known ? listUnder(f.known.keys(), dir) : [];
    },
    ...readOnlyWrites(`the web folder ${f.base}`),
  };
}

/** One url file system's folder, its known files, and how it sends requests. */
interface WebFolder {
  base: string;
  /** From `options.files`: then exists/list/stat make no requests. */
  known?: Map<string, ManifestEntry>;
  wholeFileBytes: number;
  url(path: string): string;
  get(path: string, headers?: Record<string, string>, method?: string): Promise<Response>;
}

function webFolder(baseUrl: string, options: UrlFileSystemOptions): WebFolder {
  const base = folderUrl(baseUrl);
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const known = options.files
    ? new Map(
        options.files.map((f) => (typeof f === 'string' ? { path: f } : f)).map((f) => [normalizePath(f.path), f]),
      )
    : undefined;
  const url = (path: string) => new URL(normalizePath(path), base).href;
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    doFetch(url(path), {
      ...options.init,
      method,
      headers: { ...(options.init?.headers as Record<string, string>), ...headers },
    });
  return { base, known, wholeFileBytes: options.wholeFileBytes ?? 64 * 1024 * 1024, url, get };
}

async function readUrl(f: WebFolder, path: string): Promise<Uint8Array> {
  const res = await f.get(path);
  if (!res.ok) throw await failed(f.url(path), res);
  return new Uint8Array(await res.arrayBuffer());
}

async function head(f: WebFolder, path: string): Promise<Response | undefined> {
  const res = await f.get(path, {}, 'HEAD');
  await drain(res); // empty; reading it ends the request cleanly (else browsers log it as aborted)
  if (res.status === 405 || res.status === 501) return undefined; // no HEAD: callers fall back to GET
  return res;
}

async function statUrl(f: WebFolder, path: string): Promise<FileStat> {
  const entry = f.known?.get(normalizePath(path));
  if (f.known && !entry) throw notFound(f.url(path), 'not in the folder manifest');
  if (entry?.size !== undefined) return { size: entry.size, ...(entry.etag ? { etag: entry.etag } : {}) };
  const res = await head(f, path);
  if (res && !res.ok) throw await failed(f.url(path), res);
  const length = res?.headers.get('content-length');
  const encoded = res?.headers.get('content-encoding');
  if (res && length !== null && length !== undefined && !encoded) {
    const etag = entry?.etag ?? validator(res);
    return { size: Number(length), ...(etag ? { etag } : {}) };
  }
  // No usable length (no HEAD, or a compressed response): the body tells.
  const bytes = await readUrl(f, path);
  return { size: bytes.byteLength, ...(entry?.etag ? { etag: entry.etag } : {}) };
}

async function existsUrl(f: WebFolder, path: string): Promise<boolean> {
  const p = normalizePath(path);
  if (f.known) return f.known.has(p) || [...f.known.keys()].some((k) => p === '' || k.startsWith(p + '/'));
  const res = await head(f, path);
  if (!res) {
    const r = await f.get(path, { Range: 'bytes=0-0' });
    await drain(r);
    return r.ok;
  }
  if (res.ok) return true;
  if (res.status === 404 || res.status === 410) return false;
  throw httpError(f.url(path), res);
}

/** Ranged reads: the whole file on first use when small, else Range requests (or all of it, if Range is ignored). */
async function openUrl(f: WebFolder, path: string): Promise<ByteSource> {
  const name = f.url(path);
  const { size } = await statUrl(f, path);
  let whole: Promise<Uint8Array> | undefined;
  const wholeFile = () => (whole ??= readUrl(f, path));
  return {
    name,
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`${name}: read of ${length} bytes at ${offset} is past the end (${size} bytes)`);
      }
      if (length === 0) return new Uint8Array(0);
      if (whole || size <= f.wholeFileBytes) return (await wholeFile()).subarray(offset, offset + length);
      const res = await f.get(path, { Range: `bytes=${offset}-${offset + length - 1}` });
      if (res.status === 206) return rangeBytes(res, name, offset, length);
      if (!res.ok) throw await failed(name, res);
      // The server ignored Range and sent everything: keep it for the next reads.
      whole = res.arrayBuffer().then((b) => new Uint8Array(b));
      return (await whole).subarray(offset, offset + length);
    },
  };
}

async function rangeBytes(res: Response, name: string, offset: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength !== length)
    throw new CamtlError('IO', `${name}: asked for ${length} bytes at ${offset}, got ${bytes.byteLength}`);
  return bytes;
}

/** The manifest of a folder's files: paths, sizes and SHA-256 digests (crypto.subtle). */
export async function manifestFor(files: Record<string, Uint8Array>): Promise<Manifest> {
  const entries: ManifestEntry[] = [];
  for (const [path, bytes] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    entries.push({
      path,
      size: bytes.byteLength,
      etag: `sha256-${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}`,
    });
  }
  return { files: entries };
}

/** Checks a parsed files.json. */
export function parseManifest(json: unknown, source: string): Manifest {
  const files = (json as { files?: unknown })?.files;
  if (!Array.isArray(files) || files.some((f) => typeof f?.path !== 'string')) {
    throw new CamtlError('BAD_FILE', `${source}: expected { "files": [{ "path": …, "size": …, "etag": … }] }`);
  }
  return { files: files as ManifestEntry[] };
}
