/**
 * The file access camtl needs, as an interface, so the core runs unchanged in
 * Node (an fs-backed implementation) and in browsers (fetch / File / IndexedDB).
 * Paths are '/'-separated strings; implementations resolve them as they see fit.
 */

/** Random-access bytes: a file, a Blob or an in-memory buffer. */
export interface ByteSource {
  /** Shown in every error about this source (usually the file path). */
  readonly name: string;
  readonly size: number;
  /** Exactly `length` bytes from `offset`; rejects when out of range. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface FileSystem {
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array>;
  readText(path: string): Promise<string>;
  /** Opens a file for ranged reads (safetensors headers, single tensors). */
  open(path: string): Promise<ByteSource>;
  /** Writes via a temporary file and a rename, so a crash never leaves a torn file. */
  writeFileAtomic(path: string, data: Uint8Array | string): Promise<void>;
  mkdirp(path: string): Promise<void>;
  /** Appends text (JSONL logs); creates the file if needed. */
  appendText(path: string, text: string): Promise<void>;
  /** Renames a file or directory, replacing an existing file (atomic on one file system). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a directory tree; a missing path is not an error. */
  remove(path: string): Promise<void>;
  /** Names (not paths) of a directory's entries; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  join(...parts: string[]): string;
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) {
        throw new RangeError(
          `${name}: read of ${length} bytes at ${offset} is past the end (${bytes.byteLength} bytes)`,
        );
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** Joins '/'-separated path parts (used by in-memory and browser file systems). */
export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .join('/')
    .replace(/\/+/g, '/');
}

/** An in-memory FileSystem: for tests, browsers and dry runs. Directories are implied by paths. */
export function memoryFileSystem(files: Record<string, Uint8Array | string> = {}): FileSystem & {
  files: Map<string, Uint8Array>;
} {
  const enc = new TextEncoder();
  const map = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(files)) map.set(k, typeof v === 'string' ? enc.encode(v) : v);
  const get = (path: string): Uint8Array => {
    const v = map.get(path);
    if (!v) throw Object.assign(new Error(`ENOENT: no such file '${path}'`), { code: 'ENOENT' });
    return v;
  };
  const under = (dir: string) => [...map.keys()].filter((k) => k.startsWith(dir.replace(/\/$/, '') + '/'));
  return {
    files: map,
    async exists(path) {
      return map.has(path) || under(path).length > 0;
    },
    async readFile(path) {
      return get(path);
    },
    async readText(path) {
      return new TextDecoder().decode(get(path));
    },
    async open(path) {
      return bytesSource(get(path), path);
    },
    async writeFileAtomic(path, data) {
      // new Uint8Array(x) copies, also for Node Buffers (whose slice() aliases).
      map.set(path, typeof data === 'string' ? enc.encode(data) : new Uint8Array(data));
    },
    async mkdirp() {},
    async appendText(path, text) {
      const prev = map.get(path) ?? new Uint8Array(0);
      const add = enc.encode(text);
      const next = new Uint8Array(prev.length + add.length);
      next.set(prev);
      next.set(add, prev.length);
      map.set(path, next);
    },
    async rename(from, to) {
      if (map.has(from)) {
        map.set(to, get(from));
        map.delete(from);
        return;
      }
      const moved = under(from);
      if (moved.length === 0) throw Object.assign(new Error(`ENOENT: no such file '${from}'`), { code: 'ENOENT' });
      for (const k of under(to)) map.delete(k);
      for (const k of moved) {
        map.set(to + k.slice(from.length), map.get(k)!);
        map.delete(k);
      }
    },
    async remove(path) {
      map.delete(path);
      for (const k of under(path)) map.delete(k);
    },
    async list(dir) {
      const prefix = dir.replace(/\/$/, '') + '/';
      return [...new Set(under(dir).map((k) => k.slice(prefix.length).split('/')[0]))].sort();
    },
    join: joinPath,
  };
}
