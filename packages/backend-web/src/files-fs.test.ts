import { loadTokenizer } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { filesFileSystem } from './files-fs';
import { pattern } from './test-helpers';

/** A File as <input webkitdirectory> gives it: with its path inside the picked folder. */
function picked(path: string, body: Uint8Array | string, lastModified = 1_700_000_000_000): File {
  const name = path.split('/').pop()!;
  const file = new File([body as BlobPart], name, { lastModified });
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

describe('filesFileSystem', () => {
  it('drops the picked folder name and reads files by their paths inside it', async () => {
    const fs = filesFileSystem([
      picked('my-model/vocab.txt', '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhi\n'),
      picked('my-model/sub/x.bin', pattern(3)),
    ]);
    expect(fs.root).toBe('my-model');
    expect(fs.paths).toEqual(['sub/x.bin', 'vocab.txt']);
    expect(fs.description).toBe('2 picked files in my-model/');
    expect(await fs.exists('vocab.txt')).toBe(true);
    expect(await fs.exists('./sub')).toBe(true);
    expect(await fs.exists('config.json')).toBe(false);
    expect(await fs.list('')).toEqual(['sub', 'vocab.txt']);
    expect(await fs.readFile('sub/x.bin')).toEqual(pattern(3));
    expect(await fs.stat('sub/x.bin')).toEqual({ size: 3, etag: 'mtime-1700000000000' });
    expect(fs.cacheKey('vocab.txt')).toBe('file:my-model/vocab.txt');
    const tok = await loadTokenizer('', fs);
    expect(tok.encode('hi').ids).toEqual([2, 5, 3]);
    await expect(fs.readFile('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(fs.writeFileAtomic('a', 'b')).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('keeps paths of loose files and of explicit {path, file} pairs', async () => {
    const loose = filesFileSystem([new File(['{}'], 'config.json'), new File(['x'], 'vocab.txt')]);
    expect(loose.root).toBe('');
    expect(loose.paths).toEqual(['config.json', 'vocab.txt']);
    const pairs = filesFileSystem([
      { path: 'a/b.txt', file: new Blob(['b']) },
      { path: 'c.txt', file: new Blob(['c']) },
    ]);
    expect(pairs.paths).toEqual(['a/b.txt', 'c.txt']);
    expect(await pairs.readText('a/b.txt')).toBe('b');
  });

  it('reads ranges by slicing the Blob', async () => {
    const bytes = pattern(4096);
    const fs = filesFileSystem([new File([bytes as BlobPart], 'model.safetensors')]);
    const src = await fs.open('model.safetensors');
    expect(src.size).toBe(4096);
    expect(await src.read(100, 10)).toEqual(bytes.subarray(100, 110));
    expect(await src.read(4090, 6)).toEqual(bytes.subarray(4090));
    await expect(src.read(4090, 7)).rejects.toThrow(/past the end/);
  });
});
