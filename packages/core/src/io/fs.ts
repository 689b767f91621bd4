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

/** An in-memory FileSystem: for tests, browsers and dry runs. */
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
  return {
    files: map,
    async exists(path) {
      return map.has(path) || [...map.keys()].some((k) => k.startsWith(path.replace(/\/$/, '') + '/'));
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
    join: joinPath,
  };
}
