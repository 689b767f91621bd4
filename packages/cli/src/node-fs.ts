import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CamtlError, type ByteSource, type FileSystem } from '@camtl/core';

function ioError(file: string, e: unknown, doing: string): CamtlError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new CamtlError('NOT_FOUND', `${file}: no such file or directory`);
  if (code === 'ENOSPC') {
    return new CamtlError(
      'IO',
      `${file}: disk full while ${doing}; the previous file is untouched`,
      'free some disk space and retry',
    );
  }
  if (code === 'EACCES' || code === 'EPERM') return new CamtlError('IO', `${file}: permission denied while ${doing}`);
  if (code === 'EISDIR') return new CamtlError('IO', `${file}: is a directory, expected a file`);
  return new CamtlError('IO', `${file}: ${(e as Error)?.message ?? String(e)} while ${doing}`);
}

async function openSource(file: string): Promise<ByteSource> {
  let size: number;
  try {
    const st = await fsp.stat(file);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw ioError(file, e, 'opening');
  }
  return {
    name: file,
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`${file}: read of ${length} bytes at ${offset} is past the end (${size} bytes)`);
      }
      // Opened per read: a ByteSource has no close(), and reads are few and large.
      const handle = await fsp.open(file, 'r');
      try {
        const buf = new Uint8Array(length);
        const { bytesRead } = await handle.read(buf, 0, length, offset);
        if (bytesRead !== length) throw new RangeError(`${file}: file shrank while reading`);
        return buf;
      } finally {
        await handle.close();
      }
    },
  };
}

/** Writes next to the target, fsyncs, then renames: readers never see a torn file. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw ioError(file, e, 'writing');
  }
}

/** The Node implementation of camtl's FileSystem interface. */
export function nodeFileSystem(): FileSystem {
  return {
    async exists(p) {
      return fsp.access(p).then(
        () => true,
        () => false,
      );
    },
    async readFile(p) {
      try {
        return new Uint8Array(await fsp.readFile(p));
      } catch (e) {
        throw ioError(p, e, 'reading');
      }
    },
    async readText(p) {
      try {
        return await fsp.readFile(p, 'utf8');
      } catch (e) {
        throw ioError(p, e, 'reading');
      }
    },
    open: openSource,
    writeFileAtomic: writeAtomic,
    async mkdirp(p) {
      try {
        await fsp.mkdir(p, { recursive: true });
      } catch (e) {
        throw ioError(p, e, 'creating the directory');
      }
    },
    async appendText(p, text) {
      try {
        await fsp.appendFile(p, text);
      } catch (e) {
        throw ioError(p, e, 'appending');
      }
    },
    async rename(from, to) {
      try {
        await fsp.rename(from, to);
      } catch (e) {
        throw ioError(to, e, `renaming ${from}`);
      }
    },
    async remove(p) {
      try {
        await fsp.rm(p, { recursive: true, force: true });
      } catch (e) {
        throw ioError(p, e, 'removing');
      }
    },
    async list(dir) {
      return fsp.readdir(dir).then(
        (names) => names.sort(),
        () => [],
      );
    },
    join: (...parts) => path.join(...parts),
  };
}
