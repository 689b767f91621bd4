/**
 * Validation of JSON inputs (config.json, tokenizer.json, ...) with zod v4's
 * tree-shakable `zod/mini`, turned into camtl's one-line error:
 * `<where>: <json.path>: <problem>` plus a hint. zod/mini carries no message
 * locale, so the problem is worded here from the issue itself.
 */
import * as z from 'zod/mini';
import { CamtlError, type CamtlErrorCode } from './errors';

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const SHOWN_CHARS = 40;

/** A JSON path as written in JS: `post_processor.special_tokens["[CLS]"].ids[0]`; `(root)` for the value itself. */
export function jsonPath(path: readonly Key[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key) && key.length <= SHOWN_CHARS) out += out ? `.${key}` : key;
    else out += `[${describeValue(String(key))}]`;
  }
  return out || '(root)';
}

/** A short, one-line rendering of any JSON value (never the whole of a big one). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') {
    const shown = JSON.stringify(v.slice(0, SHOWN_CHARS));
    return v.length > SHOWN_CHARS ? `${shown.slice(0, -1)}…" (${v.length} chars)` : shown;
  }
  return String(v);
}

function valueAt(root: unknown, path: readonly Key[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<Key, unknown>)[key];
  }
  return v;
}

function bound(kind: 'at most' | 'at least', limit: unknown, inclusive: boolean | undefined): string {
  if (inclusive !== false) return `${kind} ${limit}`;
  return kind === 'at most' ? `less than ${limit}` : `greater than ${limit}`;
}

function expectedType(issue: Issue & { code: 'invalid_type' }): string {
  const format = (issue as { format?: string }).format;
  if (issue.expected === 'int' || format === 'safeint') return 'an integer';
  if (issue.expected === 'number') return 'a finite number';
  if (issue.expected === 'object' || issue.expected === 'record') return 'an object';
  if (issue.expected === 'array') return 'an array';
  return `a ${issue.expected}`;
}

/** What is wrong, in words, for the issue kinds our schemas produce. */
function problem(issue: Issue, value: unknown): string {
  const got = describeValue(value);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `missing (expected ${expectedType(issue)})`
        : `expected ${expectedType(issue)}, got ${got}`;
    case 'too_big':
    case 'too_small': {
      const kind = issue.code === 'too_big' ? 'at most' : 'at least';
      const limit = issue.code === 'too_big' ? issue.maximum : issue.minimum;
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return `must be ${bound(kind, limit, issue.inclusive)}, got ${got}`;
      }
      const unit = issue.origin === 'string' ? 'characters' : 'entries';
      return `must have ${bound(kind, limit, issue.inclusive)} ${unit}, got ${got}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}, got ${got}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_key': {
      const inner = issue.issues[0] as Issue | undefined;
      const key = issue.path[issue.path.length - 1];
      return inner ? `this key ${problem(inner, key)}` : `invalid key`;
    }
    case 'invalid_union':
      // A union's own error (z.union([...], 'a path or {path, …}')) says what the forms are.
      return issue.message && issue.message !== 'Invalid input'
        ? `expected ${issue.message}, got ${got}`
        : `got ${got}, which matches none of the allowed forms`;
    default:
      return issue.message && issue.message !== 'Invalid input'
        ? `${issue.message}, got ${got}`
        : `invalid value ${got}`;
  }
}

/** The path of the deepest issue of a union, when all its branches failed further down. */
function innermost(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const candidates = issue.errors.flat();
  const deepest = candidates.reduce<Issue | undefined>(
    (a, b) => (!a || b.path.length > a.path.length ? b : a),
    undefined,
  );
  if (!deepest || deepest.path.length === 0) return issue;
  return innermost({ ...deepest, path: [...issue.path, ...deepest.path] } as Issue);
}

/** The one-line message for a failed parse: the first issue, and how many more there were. */
export function describeIssues(issues: readonly Issue[], value: unknown, where: string): string {
  const issue = innermost(issues[0]);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${where}: ${jsonPath(issue.path)}: ${problem(issue, valueAt(value, issue.path))}${more}`;
}

export interface CheckSchemaOptions {
  /** What to do next; default: fix the named field. */
  hint?: string;
  /** Default 'BAD_CONFIG'. */
  code?: CamtlErrorCode;
}

/**
 * Parses `value` with a zod (mini) schema, or throws one CamtlError
 * `"<where>: <json.path>: <problem>"` whose hint says what to do next.
 */
export function checkSchema<T>(
  schema: z.ZodMiniType<T>,
  value: unknown,
  where: string,
  options: CheckSchemaOptions | string = {},
): T {
  const { hint, code } = typeof options === 'string' ? { hint: options, code: undefined } : options;
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw new CamtlError(
    code ?? 'BAD_CONFIG',
    describeIssues(result.error.issues, value, where),
    hint ?? `fix that field in ${where}`,
  );
}

/** A JSON.parse that fails with one line naming `where` (V8 quotes the text around the error, newlines included). */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const why = String((e as Error)?.message ?? e)
      .replace(/\s+/g, ' ')
      .slice(0, 200);
    throw new CamtlError('BAD_FILE', `${where}: not valid JSON (${why})`, 'check the file is complete, valid JSON');
  }
}
