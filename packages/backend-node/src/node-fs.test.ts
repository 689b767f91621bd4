import { promises as fsp, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isCamtlError } from '@camtl/core';
import { freeDiskBytes, lockDirectory, nodeFileSystem, nodeIoError } from './node-fs';

const fresh = () => mkdtempSync(join(tmpdir(), 'camtl-fs-'));
const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

async function failure(p: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

afterEach(() => vi.restoreAllMocks());

describe('nodeFileSystem', () => {
  it('writes atomically, reads back, ranges, appends', async () => {
    const dir = fresh();
    const fs = nodeFileSystem();
    const f = fs.join(dir, 'a.bin');
    await fs.writeFileAtomic(f, new Uint8Array([1, 2, 3, 4, 5]));
    expect(Array.from(await fs.readFile(f))).toEqual([1, 2, 3, 4, 5]);
    await fs.writeFileAtomic(f, 'hello');
    expect(await fs.readText(f)).toBe('hello');
    const src = await fs.open(f);
    expect(src.size).toBe(5);
    expect(new TextDecoder().decode(await src.read(1, 3))).toBe('ell');
    await expect(src.read(3, 5)).rejects.toThrow(/past the end \(5 bytes\)/);
    await fs.appendText(fs.join(dir, 'log.jsonl'), '{"a":1}\n');
    await fs.appendText(fs.join(dir, 'log.jsonl'), '{"a":2}\n');
    expect(await fs.readText(fs.join(dir, 'log.jsonl'))).toBe('{"a":1}\n{"a":2}\n');
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'log.jsonl']); // no temporary files left
    expect(await fs.exists(f)).toBe(true);
    expect(await fs.exists(fs.join(dir, 'nope'))).toBe(false);
  });

  it('a failed write (disk full) leaves the old file intact, removes its temporary file, and says so in one line', async () => {
    const dir = fresh();
    const fs = nodeFileSystem();
    const f = join(dir, 'model.safetensors');
    await fs.writeFileAtomic(f, 'old contents');
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await open(...args);
      if (String(args[1]).startsWith('w')) {
        // The disk fills up half-way through the data.
        handle.writeFile = async () => {
          await handle.write(new TextEncoder().encode('new con'));
          throw errno('ENOSPC');
        };
      }
      return handle;
    });
    const e = await failure(fs.writeFileAtomic(f, 'new contents that do not fit'));
    expect(isCamtlError(e)).toBe(true);
    expect(e.message).toBe(`${f}: disk full while writing; the previous file is untouched`);
    expect(e.message).not.toContain('\n');
    expect(e.hint).toBe('free some disk space and retry');
    vi.restoreAllMocks();
    expect(readFileSync(f, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['model.safetensors']);
  });

  it('a failed rename keeps the old file too', async () => {
    const dir = fresh();
    const fs = nodeFileSystem();
    const f = join(dir, 'state.json');
    await fs.writeFileAtomic(f, '{"step":1}');
    vi.spyOn(fsp, 'rename').mockRejectedValueOnce(errno('EACCES'));
    const e = await failure(fs.writeFileAtomic(f, '{"step":2}'));
    expect(e.message).toBe(`${f}: permission denied while writing`);
    expect(readFileSync(f, 'utf8')).toBe('{"step":1}');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('missing files and folders are one-line NOT_FOUND errors naming the path', async () => {
    const dir = fresh();
    const fs = nodeFileSystem();
    const missing = join(dir, 'nope', 'config.json');
    // One call at a time: promises made up front could reject before they are awaited (unhandled).
    const calls = [() => fs.readText(missing), () => fs.readFile(missing), () => fs.open(missing)];
    for (const call of [...calls, () => fs.writeFileAtomic(missing, 'x')]) {
      const e = await failure(call());
      expect(e.code).toBe('NOT_FOUND');
      expect(e.message).toBe(`${missing}: no such file or directory`);
    }
    const e = await failure(fs.rename(join(dir, 'ghost'), join(dir, 'b')));
    expect(e.message).toBe(`${join(dir, 'ghost')}: no such file or directory`);
  });

  it('list, rename (files and folders, replacing), remove', async () => {
    const dir = fresh();
    const fs = nodeFileSystem();
    expect(await fs.list(join(dir, 'none'))).toEqual([]);
    await fs.mkdirp(join(dir, 'ckpt', 'step-2'));
    await fs.writeFileAtomic(join(dir, 'ckpt', 'step-2', 'w.bin'), 'w2');
    await fs.mkdirp(join(dir, 'ckpt', 'step-10'));
    await fs.writeFileAtomic(join(dir, 'ckpt', 'b.txt'), 'b');
    await fs.writeFileAtomic(join(dir, 'ckpt', 'a.txt'), 'a');
    expect(await fs.list(join(dir, 'ckpt'))).toEqual(['a.txt', 'b.txt', 'step-10', 'step-2']);
    await fs.rename(join(dir, 'ckpt', 'a.txt'), join(dir, 'ckpt', 'b.txt'));
    expect(await fs.readText(join(dir, 'ckpt', 'b.txt'))).toBe('a');
    await fs.rename(join(dir, 'ckpt', 'step-2'), join(dir, 'ckpt', 'latest'));
    expect(await fs.readText(join(dir, 'ckpt', 'latest', 'w.bin'))).toBe('w2');
    await fs.remove(join(dir, 'ckpt', 'latest'));
    await fs.remove(join(dir, 'ckpt', 'never-there'));
    expect(await fs.list(join(dir, 'ckpt'))).toEqual(['b.txt', 'step-10']);
    // A file where a folder is expected is an error, not an empty listing.
    const e = await failure(fs.list(join(dir, 'ckpt', 'b.txt')));
    expect(e.message).toBe(`${join(dir, 'ckpt', 'b.txt')}: a part of the path is a file, not a directory`);
  });

  it('permission errors name the file (skipped as root, who may write anywhere)', async () => {
    if (process.getuid?.() === 0) {
      const e = nodeIoError('/x/report.html', errno('EACCES'), 'writing');
      expect(e.message).toBe('/x/report.html: permission denied while writing');
      return;
    }
    const dir = fresh();
    chmodSync(dir, 0o500);
    const e = await failure(nodeFileSystem().writeFileAtomic(join(dir, 'r.html'), 'x'));
    expect(e.message).toBe(`${join(dir, 'r.html')}: permission denied while writing`);
  });

  it('maps the other codes to one line', () => {
    expect(nodeIoError('/d/f', errno('EROFS'), 'writing').message).toBe('/d/f: read-only file system while writing');
    expect(nodeIoError('/d/f', errno('EDQUOT'), 'writing').message).toBe(
      '/d/f: disk quota exceeded while writing; the previous file is untouched',
    );
    expect(nodeIoError('/d/f', errno('EISDIR'), 'reading').message).toBe('/d/f: is a directory, expected a file');
    expect(nodeIoError('/d/f', new Error('weird\nsecond line'), 'reading').message).toBe('/d/f: weird while reading');
  });
});

describe('lockDirectory and freeDiskBytes', () => {
  it('one run per output folder; a stale lock is taken over', async () => {
    const dir = fresh();
    const lock = await lockDirectory(dir);
    const e = await failure(lockDirectory(dir));
    expect(e.message).toMatch(
      new RegExp(`^${dir.replace(/[/\\\\.]/g, '\\$&')}: in use by another camtl process \\(pid ${process.pid}, since `),
    );
    expect(e.hint).toContain('.camtl.lock');
    await lock.release();
    await lock.release();
    // A lock left by a process that is gone.
    writeFileSync(
      join(dir, '.camtl.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname() }),
    );
    const again = await lockDirectory(dir);
    expect(JSON.parse(readFileSync(again.file, 'utf8')).pid).toBe(process.pid);
    await again.release();
  });

  it('reports free space', async () => {
    expect(await freeDiskBytes(tmpdir())).toBeGreaterThan(0);
    expect(await freeDiskBytes('/definitely/not/here')).toBeUndefined();
  });
});
