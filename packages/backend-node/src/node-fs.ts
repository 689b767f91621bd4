import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CamtlError, type ByteSource, type FileSystem } from '@camtl/core';

/**
 * Turns a Node fs error into a one-line CamtlError naming the file, with a
 * hint where there is something to do. `doing` reads "while <doing>".
 */
export function nodeIoError(file: string, e: unknown, doing: string): CamtlError {
  if (e instanceof CamtlError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new CamtlError('NOT_FOUND', `${file}: no such file or directory`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new CamtlError(
        'IO',
        `${file}: ${code === 'EDQUOT' ? 'disk quota exceeded' : 'disk full'} while ${doing}; the previous file is untouched`,
        'free some disk space and retry',
      );
    case 'EACCES':
    case 'EPERM':
      return new CamtlError(
        'IO',
        `${file}: permission denied while ${doing}`,
        'check the permissions of the file and its folder',
      );
    case 'EROFS':
      return new CamtlError('IO', `${file}: read-only file system while ${doing}`, 'write to another folder');
    case 'EISDIR':
      return new CamtlError('IO', `${file}: is a directory, expected a file`);
    case 'ENOTDIR':
      return new CamtlError('IO', `${file}: a part of the path is a file, not a directory`);
    case 'EMFILE':
    case 'ENFILE':
      return new CamtlError(
        'IO',
        `${file}: too many open files while ${doing}`,
        'raise the limit (ulimit -n) or close other programs',
      );
    default: {
      const msg = ((e as Error)?.message ?? String(e)).split('\n')[0];
      return new CamtlError('IO', `${file}: ${msg} while ${doing}`);
    }
  }
}

/** Runs `f`, turning what it throws into a one-line CamtlError about `file`. */
async function io<T>(file: string, doing: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw nodeIoError(file, e, doing);
  }
}

async function openSource(file: string): Promise<ByteSource> {
  const size = await io(file, 'opening', async () => {
    const st = await fsp.stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return st.size;
  });
  return { name: file, size, read: (offset, length) => readRange(file, size, offset, length) };
}

async function readRange(file: string, size: number, offset: number, length: number): Promise<Uint8Array> {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new RangeError(`${file}: read of ${length} bytes at ${offset} is past the end (${size} bytes)`);
  }
  // Opened per read: a ByteSource has no close(), and reads are few and large.
  const handle = await io(file, 'reading', () => fsp.open(file, 'r'));
  try {
    const buf = new Uint8Array(length);
    let done = 0;
    // read() may return fewer bytes than asked (large reads, network file systems).
    while (done < length) {
      const { bytesRead } = await handle.read(buf, done, length - done, offset + done);
      if (bytesRead === 0)
        throw new RangeError(`${file}: file shrank while reading (${done} of ${length} bytes at ${offset})`);
      done += bytesRead;
    }
    return buf;
  } catch (e) {
    throw e instanceof RangeError ? e : nodeIoError(file, e, 'reading');
  } finally {
    await handle.close();
  }
}

let tmpCounter = 0;

/** A temporary name next to `file` that no other writer (process or call) uses. */
function tempName(file: string): string {
  tmpCounter = (tmpCounter + 1) % 1e9;
  const rand = Math.floor(Math.random() * 0x100000000).toString(36);
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${tmpCounter}-${rand}`);
}

/** fsyncs a directory so a rename in it survives a power loss (best effort; not on Windows). */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let h: fsp.FileHandle | undefined;
  try {
    h = await fsp.open(dir, 'r');
    await h.sync();
  } catch {
    // Some file systems refuse fsync on directories; the data itself is synced.
  } finally {
    await h?.close().catch(() => undefined);
  }
}

export interface NodeFileSystemOptions {
  /** fsync the folder after each atomic write's rename (default true). */
  durable?: boolean;
}

/**
 * camtl's FileSystem on Node's fs. Writes are atomic: the data goes to a
 * temporary file beside the target, is fsynced, then renamed over it, so a
 * crash or a full disk never leaves a torn file and the previous version
 * survives a failed write. Errors are one-line CamtlErrors naming the file.
 */
export function nodeFileSystem(options: NodeFileSystemOptions = {}): FileSystem {
  const durable = options.durable ?? true;
  return {
    exists: pathExists,
    readFile: (p) => io(p, 'reading', async () => new Uint8Array(await fsp.readFile(p))),
    readText: (p) => io(p, 'reading', () => fsp.readFile(p, 'utf8')),
    open: openSource,
    writeFileAtomic: (file, data) => writeFileAtomic(file, data, durable),
    mkdirp: (p) =>
      io(p, 'creating the directory', async () => {
        await fsp.mkdir(p, { recursive: true });
      }),
    appendText: (p, text) => io(p, 'appending', () => fsp.appendFile(p, text)),
    rename: (from, to) => rename(from, to, durable),
    remove: (p) => io(p, 'removing', () => fsp.rm(p, { recursive: true, force: true })),
    list,
    join: (...parts) => path.join(...parts),
  };
}

async function pathExists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}

async function writeFileAtomic(file: string, data: Uint8Array | string, durable: boolean): Promise<void> {
  const tmp = tempName(file);
  try {
    const handle = await fsp.open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw nodeIoError(file, e, 'writing');
  }
  if (durable) await syncDir(path.dirname(file));
}

async function rename(from: string, to: string, durable: boolean): Promise<void> {
  try {
    await fsp.rename(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    // A missing source is about `from`; anything else (full disk, permissions) about the target.
    if (code === 'ENOENT' && !(await pathExists(from))) throw nodeIoError(from, e, `renaming to ${to}`);
    throw nodeIoError(to, e, `renaming ${from}`);
  }
  if (durable) await syncDir(path.dirname(to));
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') return [];
    throw nodeIoError(dir, e, 'listing');
  }
}

/** Free bytes on the file system holding `p` (for a check before writing a checkpoint); undefined if unknown. */
export async function freeDiskBytes(p: string): Promise<number | undefined> {
  try {
    const s = await fsp.statfs(p);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
}

export interface DirectoryLock {
  /** The lock file. */
  readonly file: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `dir` (a training output folder) for this process, so two runs never
 * write the same checkpoints: creates `dir/.camtl.lock` exclusively. A lock
 * left by a process that no longer runs on this host is taken over. Throws a
 * CamtlError naming the other process when the folder is in use.
 */
export async function lockDirectory(dir: string, name = '.camtl.lock'): Promise<DirectoryLock> {
  const file = path.join(dir, name);
  const me = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  for (let tries = 0; tries < 2; tries++) {
    try {
      await fsp.writeFile(file, JSON.stringify(me) + '\n', { flag: 'wx' });
      let released = false;
      return {
        file,
        async release() {
          if (released) return;
          released = true;
          await fsp.rm(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code !== 'EEXIST') throw nodeIoError(file, e, 'creating the lock');
    }
    let other: { pid?: number; host?: string; started?: string } = {};
    try {
      other = JSON.parse(await fsp.readFile(file, 'utf8'));
    } catch {
      // unreadable or half-written: treat as held
    }
    const stale = typeof other.pid === 'number' && other.host === me.host && !alive(other.pid);
    if (!stale) {
      throw new CamtlError(
        'IO',
        `${dir}: in use by another camtl process (pid ${other.pid ?? '?'}${other.host && other.host !== me.host ? ` on ${other.host}` : ''}${other.started ? `, since ${other.started}` : ''})`,
        `wait for it to finish, or delete ${file} if that process is gone`,
      );
    }
    await fsp.rm(file, { force: true });
  }
  throw new CamtlError('IO', `${file}: could not take over a stale lock`, `delete ${file} and retry`);
}
