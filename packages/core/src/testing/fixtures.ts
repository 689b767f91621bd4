// Core's own tests: read the conformance fixtures in packages/core/fixtures
// (not published, so not part of @camtl/core/testing).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixtureJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

// The comparisons moved to compare.ts (part of @camtl/core/testing); core's tests import them from here too.
export { maxAbsDiff, worstViolation } from './compare';
