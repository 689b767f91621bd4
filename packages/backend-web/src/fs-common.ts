import { CamtlError, joinPath, type FileSystem } from '@camtl/core';

/** What a browser file system can say about a file without reading it. */
export interface FileStat {
  size: number;
  /** A validator: the HTTP ETag (or Last-Modified), a manifest digest, or a File's lastModified. */
  etag?: string;
}

/**
 * A FileSystem that can also describe its files: what `cachedFileSystem`
 * needs to key (`cacheKey`) and validate (`stat`) cached copies.
 */
export interface BrowserFileSystem extends FileSystem {
  /** Where the files come from, for messages ("https://…/model/", "3 picked files"). */
  readonly description: string;
  /** A stable, unique name for `path` across file systems (an absolute URL, "file:…"). */
  cacheKey(path: string): string;
  /** Size and validator; rejects with a NOT_FOUND CamtlError when the file does not exist. */
  stat(path: string): Promise<FileStat>;
}

/** "a/./b//c" → "a/b/c"; leading "./" and "/" dropped; ".." kept (URLs resolve it). */
export function normalizePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return parts.join('/');
}

export function notFound(path: string, where: string): CamtlError {
  return new CamtlError('NOT_FOUND', `${path}: file not found (${where})`);
}

export function readOnly(path: string, what: string): never {
  throw new CamtlError(
    'UNSUPPORTED',
    `${path}: ${what} is read-only`,
    'write to memoryFileSystem() from @camtl/core, or save a model with downloadModel()',
  );
}

/** The write half of FileSystem for read-only implementations. */
export function readOnlyWrites(
  what: string,
): Pick<FileSystem, 'writeFileAtomic' | 'mkdirp' | 'appendText' | 'rename' | 'remove' | 'join'> {
  return {
    writeFileAtomic: async (path) => readOnly(path, what),
    mkdirp: async (path) => readOnly(path, what),
    appendText: async (path) => readOnly(path, what),
    rename: async (from) => readOnly(from, what),
    remove: async (path) => readOnly(path, what),
    join: joinPath,
  };
}

/** Entries directly under `dir` among `paths` (names, sorted, deduplicated). */
export function listUnder(paths: Iterable<string>, dir: string): string[] {
  const prefix = normalizePath(dir);
  const out = new Set<string>();
  for (const p of paths) {
    if (prefix !== '' && !p.startsWith(prefix + '/')) continue;
    const rest = prefix === '' ? p : p.slice(prefix.length + 1);
    if (rest) out.add(rest.split('/')[0]);
  }
  return [...out].sort();
}

export const utf8 = new TextDecoder();
