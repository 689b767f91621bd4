// Test-only helpers: the package's fixture files, read into memory.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryFileSystem, type FileSystem } from '@camtl/core';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The fixture GLUE folder as an in-memory file system, under the path `glue`. */
export function glueFs(): FileSystem & { files: Map<string, Uint8Array> } {
  const root = join(FIXTURES, 'glue');
  const files: Record<string, Uint8Array> = {};
  for (const path of walk(root))
    files[`glue/${relative(root, path).split('\\').join('/')}`] = new Uint8Array(readFileSync(path));
  return memoryFileSystem(files);
}

export function readFixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** Runs `fn` and returns the error it throws (fails the test when it does not throw). */
export async function caught(fn: () => unknown): Promise<Error & { code?: string; hint?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error, none was thrown');
}
