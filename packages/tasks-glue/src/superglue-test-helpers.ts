// Test-only helpers for the SuperGLUE loaders: the shipped slices (packages/testkit/fixtures/superglue)
// and the whole official files (../shared/data/superglue, when present) as in-memory file systems.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryFileSystem, type FileSystem } from '@camtl/core';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SUPERGLUE_SLICES = join(REPO, 'packages', 'testkit', 'fixtures', 'superglue');
/** The shared data folder sits beside the repository: `../shared/data` from its root. */
export const SHARED_SUPERGLUE = join(REPO, '..', 'shared', 'data', 'superglue');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The .jsonl files under `dir` as an in-memory file system, under the path `mount`. */
export function folderFs(dir: string, mount = 'superglue'): FileSystem & { files: Map<string, Uint8Array> } {
  const files: Record<string, Uint8Array> = {};
  for (const path of walk(dir).filter((p) => p.endsWith('.jsonl')))
    files[`${mount}/${relative(dir, path).split('\\').join('/')}`] = new Uint8Array(readFileSync(path));
  return memoryFileSystem(files);
}

export const sharedDataPresent = (): boolean => existsSync(SHARED_SUPERGLUE);
