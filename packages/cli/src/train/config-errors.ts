import type { z } from 'zod';
import { CamtlError } from '@camtl/core';

/**
 * Turns a schema failure into camtl's one-line error, naming the key path the
 * user wrote: `run.json: model.cln.conditionShft: unknown key (did you mean
 * conditionShift?)`. Only the first problem is reported: one line, one fix.
 */

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/** Where a value came from: a file (its name and key paths) or the command line (--flag names). */
export interface ConfigSource {
  /** "run.json", "preset paper", or "flags". */
  label: string;
  /** Option path (dot-joined) → the flat key that set it. */
  origins?: Map<string, string>;
  /** A top-level key as read (camelCase) → as written (e.g. kebab-case). */
  written?: Map<string, string>;
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function edits(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length];
}

/** The closest known key, if it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = edits(norm(key), norm(k));
    if (!best || d < best.d) best = { key: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 4)) ? best.key : undefined;
}

/** The object shape reached by `path` in `schema`, following the branch the input took through unions. */
function shapeAt(schema: Schema, path: readonly PropertyKey[], input: unknown): Record<string, Schema> | undefined {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable')
    return shapeAt(def.innerType as Schema, path, input);
  if (def.type === 'pipe') return shapeAt(def.in as Schema, path, input);
  if (def.type === 'union') {
    const options = def.options as Schema[];
    const name = (input as { name?: unknown; kind?: unknown } | undefined) ?? {};
    const fits = (o: Schema) => {
      const s = shapeAt(o, [], input);
      if (!s) return false;
      const tag = (['name', 'kind'] as const).find((t) => t in s && name[t] !== undefined);
      return !tag || (s[tag]._zod.def as unknown as { values?: unknown[] }).values?.includes(name[tag]) !== false;
    };
    for (const o of options) if (fits(o)) return shapeAt(o, path, input);
    return undefined;
  }
  if (def.type !== 'object') return undefined;
  const shape = def.shape as Record<string, Schema>;
  if (path.length === 0) return shape;
  const [head, ...rest] = path;
  const next = shape[String(head)];
  return next ? shapeAt(next, rest, (input as Record<string, unknown> | undefined)?.[String(head)]) : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], input);
}

/** A union's failure: the issues of the branch that got furthest (deepest path), else the union's own. */
function unionBranch(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const depth = (list: Issue[]) =>
    Math.max(...list.map((i) => i.path.length + (i.code === 'invalid_type' && i.path.length === 0 ? -1 : 0)));
  const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
  const inner = unionBranch(best[0]);
  return { ...inner, path: [...issue.path, ...inner.path] } as Issue;
}

function describeIssue(issue: Issue, got: unknown): string {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${shown}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${shown}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}, got ${shown}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}, got ${shown}`;
    case 'invalid_union':
      return `${issue.message.replace(/^Invalid (discriminator value|input)\.? ?/, 'expected ')}, got ${shown}`;
    default:
      return `${issue.message}, got ${shown}`;
  }
}

function keyName(path: readonly PropertyKey[], source: ConfigSource): string {
  const joined = path.map(String).join('.');
  const flat = source.origins?.get(joined);
  if (source.label === 'flags') return `--${kebab(flat ?? joined)}`;
  const [head, ...rest] = (flat ?? joined).split('.');
  return `${source.label}: ${[source.written?.get(head) ?? head, ...rest].join('.')}`;
}

/** The one-line CamtlError for the first issue of a failed parse of `input` against `schema`. */
export function configError(
  schema: Schema,
  input: unknown,
  issues: readonly Issue[],
  source: ConfigSource,
): CamtlError {
  const issue = unionBranch(issues[0]);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = Object.keys(shapeAt(schema, issue.path, input) ?? {});
    const guess = closest(key, known);
    return new CamtlError(
      'BAD_CONFIG',
      `${keyName([...issue.path, key], { label: source.label, written: source.written })}: unknown key`,
      guess ? `did you mean ${guess}?` : known.length ? `known keys: ${known.join(', ')}` : undefined,
    );
  }
  const got = valueAt(input, issue.path);
  return new CamtlError('BAD_CONFIG', `${keyName(issue.path, source)}: ${describeIssue(issue, got)}`);
}
