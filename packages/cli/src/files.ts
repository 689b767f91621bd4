import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CamtlError, type FileSystem } from '@camtl/core';

/** The folder of data shipped with the CLI (tiny checkpoint, examples). */
export function assetsDir(): string {
  // dist/bin.js and dist/index.* sit one level below the package root, as src/*.ts do.
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', 'assets');
}

export function assetPath(...parts: string[]): string {
  return path.join(assetsDir(), ...parts);
}

/** Reads and parses a JSON file; errors name the file. */
export async function readJsonFile(fs: FileSystem, file: string): Promise<unknown> {
  const text = await fs.readText(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    throw new CamtlError('BAD_FILE', `${file}: not valid JSON (${msg})`);
  }
}

/** Writes JSON to a file atomically, or to stdout when `file` is "-". */
export async function writeJsonFile(
  fs: FileSystem,
  file: string,
  value: unknown,
  stdout: (text: string) => void,
): Promise<void> {
  const text = JSON.stringify(value) + '\n';
  if (file === '-') {
    stdout(text);
    return;
  }
  await fs.writeFileAtomic(file, text);
}

export async function requireDir(fs: FileSystem, dir: string, what: string): Promise<void> {
  if (!(await fs.exists(dir))) throw new CamtlError('NOT_FOUND', `${dir}: ${what} not found`);
}
