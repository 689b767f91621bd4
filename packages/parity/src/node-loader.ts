// Fixture bytes from the repository's fixture folders (Node only).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { FIXTURE_ROOTS } from './fixtures';
import type { FixtureLoader } from './types';

/** The monorepo root (packages/parity/src → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `core/…` and `camtl/…` resolved to their folders under the repository. */
export function fixtureFile(path: string): string {
  const [root, ...rest] = path.split('/');
  const dir = (FIXTURE_ROOTS as Record<string, string>)[root];
  if (!dir || rest.length === 0 || rest.includes('..')) throw new Error(`not a fixture path: ${path}`);
  return join(REPO_ROOT, dir, ...rest);
}

export function nodeFixtureLoader(): FixtureLoader {
  return {
    async bytes(path) {
      return new Uint8Array(await readFile(fixtureFile(path)));
    },
    async json(path) {
      return JSON.parse(await readFile(fixtureFile(path), 'utf8'));
    },
  };
}
