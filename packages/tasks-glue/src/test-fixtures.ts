// Test-only: the shared fixture folder of @camtl/testkit (slices of the real datasets, official-metric cases).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryFileSystem, type FileSystem } from '@camtl/core';

export const TESTKIT_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testkit', 'fixtures');

/** The full datasets of the project's shared data folder, when this checkout sits beside it. */
export const SHARED_DATA =
  process.env.CAMTL_SHARED_DATA ?? join(TESTKIT_FIXTURES, '..', '..', '..', '..', 'shared', 'data');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A testkit fixture folder (e.g. "squad") as an in-memory file system, under the path `data`. */
export function fixtureFs(folder: string): FileSystem {
  return folderFs(join(TESTKIT_FIXTURES, folder));
}

/** Any folder on disk as an in-memory file system, under the path `data`. */
export function folderFs(root: string): FileSystem {
  const files: Record<string, Uint8Array> = {};
  for (const path of walk(root)) files[`data/${relative(root, path).split('\\').join('/')}`] = readFileSync(path);
  return memoryFileSystem(files);
}
