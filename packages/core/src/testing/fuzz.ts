// Core's fuzz tests (not part of @camtl/core/testing): the property every
// hostile input must satisfy, and JSON mutations built with fast-check.
import fc from 'fast-check';
import { isCamtlError } from '../errors';

/** A hostile input either works or fails with a one-line CamtlError naming `file`; anything else is a bug. */
export async function loadsOrNamesFile(run: () => unknown, file: string): Promise<'ok' | 'error'> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    if (!isCamtlError(e)) throw new Error(`not a CamtlError: ${String((e as Error)?.stack ?? e)}`);
    if (!e.message.includes(file)) throw new Error(`CamtlError not naming ${file}: ${e.message}`);
    if (e.message.includes('\n')) throw new Error(`CamtlError of more than one line: ${e.message}`);
    return 'error';
  }
}

/** Counts of outcomes per fuzz target, printed as `fuzz <area>: N cases (ok / error)`. */
export class FuzzCounter {
  private ok = 0;
  private error = 0;
  constructor(readonly area: string) {}
  add(outcome: 'ok' | 'error'): void {
    if (outcome === 'ok') this.ok++;
    else this.error++;
  }
  get total(): number {
    return this.ok + this.error;
  }
  print(): void {
    console.log(`fuzz ${this.area}: ${this.total} cases (${this.ok} loaded, ${this.error} refused)`);
  }
}

type Path = Array<string | number>;

/** Paths into `value`, at most `perLevel` children of each object/array (big vocabularies stay a small share). */
export function jsonPaths(value: unknown, perLevel = 12, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    const n = value.length;
    const picks = n <= perLevel ? [...Array(n).keys()] : [0, 1, 2, n - 1, Math.floor(n / 2)];
    for (const i of picks) out.push(...jsonPaths(value[i], perLevel, [...prefix, i]));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const picks = keys.length <= perLevel ? keys : [...keys.slice(0, 4), ...keys.slice(-2)];
    for (const k of picks) out.push(...jsonPaths((value as Record<string, unknown>)[k], perLevel, [...prefix, k]));
  }
  return out;
}

/** Values that break naive readers: wrong types, bounds, huge and odd numbers, long and odd strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1,
    1.5,
    -1e-12,
    1e-320,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    -(2 ** 53),
    1e9,
    1e308,
    '',
    '0',
    '1',
    'x'.repeat(100_000),
    '\u0000',
    '\ud800',
    '[CLS]',
    [],
    {},
    [1, 2],
    { type: null },
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

export type JsonMutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown };

/** 1-3 structural mutations (set a value, delete a key/element, add a key) at random paths of `base`. */
export function jsonMutations(base: unknown): fc.Arbitrary<JsonMutation[]> {
  const count = jsonPaths(base).length;
  const at = fc.nat({ max: count - 1 });
  const one: fc.Arbitrary<JsonMutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), at, value: hostileValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        at,
        key: fc.string({ maxLength: 8 }),
        value: hostileValue,
      }),
    },
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

/** `base` (cloned) with `mutations` applied; a path made stale by an earlier mutation is skipped. */
export function applyMutations(base: unknown, mutations: JsonMutation[]): unknown {
  const paths = jsonPaths(base);
  let root: unknown = structuredClone(base);
  for (const m of mutations) {
    const path = paths[m.at];
    if (path.length === 0) {
      if (m.kind === 'set') root = m.value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string, unknown> | null)?.[k], root);
    if (parent === null || typeof parent !== 'object') continue;
    const key = path[path.length - 1];
    const obj = parent as Record<string | number, unknown>;
    if (m.kind === 'set') obj[key] = m.value;
    else if (m.kind === 'add' && !Array.isArray(obj)) obj[m.key] = m.value;
    else if (Array.isArray(obj)) obj.splice(key as number, 1);
    else delete obj[key];
  }
  return root;
}

/** Text-level damage: truncation, a byte flipped, a slice duplicated. */
export const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    char: fc.string({ minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.nat({ max: 64 }),
  }),
);

export type TextDamage = { kind: 'truncate' | 'replace' | 'duplicate'; at: number; char?: string; length?: number };

export function damageText(text: string, d: TextDamage): string {
  const i = Math.min(text.length, Math.floor(d.at * text.length));
  if (d.kind === 'truncate') return text.slice(0, i);
  if (d.kind === 'replace') return text.slice(0, i) + d.char + text.slice(i + 1);
  return text.slice(0, i) + text.slice(i, i + (d.length ?? 0)) + text.slice(i);
}
