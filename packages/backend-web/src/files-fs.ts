/**
 * A read-only FileSystem over files the user picked (`<input type="file"
 * multiple>` or `webkitdirectory`) or dropped on the page. Ranged reads slice
 * the Blob, so a large safetensors file is never read whole for its header.
 */
import { bytesSource, type ByteSource } from '@camtl/core';
import { listUnder, normalizePath, notFound, readOnlyWrites, utf8, type BrowserFileSystem } from './fs-common';

/** A file with the path it should have inside the model folder. */
export interface PickedFile {
  path: string;
  file: Blob & { lastModified?: number; name?: string };
}

export type FilesInput = ArrayLike<File> | Iterable<File> | ReadonlyArray<PickedFile>;

export interface FilesFileSystem extends BrowserFileSystem {
  /** Paths of every file, relative to the picked folder. */
  readonly paths: string[];
  /** The folder name that was common to every picked path and dropped ('' when none). */
  readonly root: string;
}

function toPicked(input: FilesInput): PickedFile[] {
  const items = Array.from(input as ArrayLike<File | PickedFile>);
  return items.map((f) => {
    if ('path' in f && 'file' in f && typeof (f as PickedFile).path === 'string') return f as PickedFile;
    const file = f as File & { webkitRelativePath?: string };
    return { path: file.webkitRelativePath || file.name, file };
  });
}

/**
 * Files as a folder. A folder picked with `webkitdirectory` gives paths such as
 * "my-model/config.json"; the common top folder is dropped so the model is at
 * the root (`loadCaMtl('', fs)`), and kept in `root`.
 */
export function filesFileSystem(input: FilesInput): FilesFileSystem {
  const { root, files } = asFolder(input);
  const get = (path: string) => {
    const f = files.get(normalizePath(path));
    if (!f) throw notFound(path, `not among the ${files.size} picked files`);
    return f;
  };
  const readFile = async (path: string) => new Uint8Array(await get(path).arrayBuffer());
  const description = `${files.size} picked file${files.size === 1 ? '' : 's'}${root ? ` in ${root}/` : ''}`;

  return {
    description,
    root,
    paths: [...files.keys()].sort(),
    cacheKey: (path) => `file:${root ? root + '/' : ''}${normalizePath(path)}`,
    async stat(path) {
      const f = get(path);
      return { size: f.size, ...(f.lastModified !== undefined ? { etag: `mtime-${f.lastModified}` } : {}) };
    },
    async exists(path) {
      const p = normalizePath(path);
      return files.has(p) || [...files.keys()].some((k) => p === '' || k.startsWith(p + '/'));
    },
    readFile,
    async readText(path) {
      return utf8.decode(await readFile(path));
    },
    async open(path): Promise<ByteSource> {
      const f = get(path);
      const name = normalizePath(path);
      return typeof f.slice === 'function' ? blobSource(f, name) : bytesSource(await readFile(path), name);
    },
    async list(dir) {
      return listUnder(files.keys(), dir);
    },
    ...readOnlyWrites(description),
  };
}

/** The picked files by path, with the top folder they all share (if any) dropped and returned as `root`. */
function asFolder(input: FilesInput): { root: string; files: Map<string, PickedFile['file']> } {
  const picked = toPicked(input).map((p) => ({ ...p, path: normalizePath(p.path) }));
  const tops = new Set(picked.map((p) => (p.path.includes('/') ? p.path.split('/')[0] : '')));
  const root = tops.size === 1 && !tops.has('') ? [...tops][0] : '';
  const files = new Map<string, PickedFile['file']>();
  for (const p of picked) files.set(root ? p.path.slice(root.length + 1) : p.path, p.file);
  return { root, files };
}

/** Ranged reads of a Blob: only the slice asked for is read. */
function blobSource(f: PickedFile['file'], name: string): ByteSource {
  return {
    name,
    size: f.size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > f.size) {
        throw new RangeError(`${name}: read of ${length} bytes at ${offset} is past the end (${f.size} bytes)`);
      }
      return new Uint8Array(await f.slice(offset, offset + length).arrayBuffer());
    },
  };
}

// Drag and drop: DataTransfer items can be folders, walked through the
// (non-standard but universal) FileSystemEntry API.
interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  fullPath: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: FsEntry[]) => void, fail: (e: unknown) => void): void };
}

async function walk(entry: FsEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    out.push({ path, file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise<FsEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, path, out);
    }
  }
}

/** The files of a drop event, folders included (with their relative paths). */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const items = Array.from(dt.items ?? []);
  const entries = items
    .map(
      (i) =>
        ((i as unknown as { webkitGetAsEntry?: () => FsEntry | null }).webkitGetAsEntry?.() ?? null) as FsEntry | null,
    )
    .filter((e): e is FsEntry => e !== null);
  if (entries.length === 0) return Array.from(dt.files ?? []).map((file) => ({ path: file.name, file }));
  for (const e of entries) await walk(e, '', out);
  return out;
}
