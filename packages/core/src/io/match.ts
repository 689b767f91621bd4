/**
 * Matches a model's expected parameter names and shapes against the tensors
 * of a loaded checkpoint, tolerating the naming differences HuggingFace's own
 * loader tolerates: a missing or extra `bert.` prefix (BertModel vs
 * BertFor* checkpoints) and legacy TF-converted `LayerNorm.gamma/beta`.
 */

export interface ParameterMatch {
  /** expected name → loaded name, for every parameter that can be loaded. */
  mapping: Map<string, string>;
  /** Expected names with no loaded tensor. */
  missing: string[];
  /** Loaded names nothing expected, that are not known to be safe to drop. */
  unexpected: string[];
  /** Loaded names dropped on purpose (position_ids buffers, pretraining heads, options.ignoreUnexpected). */
  ignored: string[];
  /** Expected names whose loaded tensor has another shape (not in `mapping`). */
  mismatched: Array<{ name: string; loadedName: string; expected: number[]; got: number[] }>;
}

export interface MatchOptions {
  /** Extra patterns for loaded names that may be dropped silently. */
  ignoreUnexpected?: RegExp[];
  /** Model prefixes that may be present on one side only (default `['bert.']`). */
  prefixes?: string[];
}

/** Loaded names that are harmless to drop: a registered buffer and BERT's pretraining heads. */
export const DEFAULT_IGNORED: RegExp[] = [/(^|\.)embeddings\.position_ids$/, /^cls\./];

const LEGACY: Array<[RegExp, string]> = [
  [/LayerNorm\.weight$/, 'LayerNorm.gamma'],
  [/LayerNorm\.bias$/, 'LayerNorm.beta'],
];

/** Loaded names that may hold `name`, best first (the exact name is matched separately). */
function fallbacks(name: string, prefixes: string[]): string[] {
  const names = [name];
  for (const p of prefixes) names.push(name.startsWith(p) ? name.slice(p.length) : p + name);
  const legacy: string[] = [];
  for (const n of names) {
    for (const [re, old] of LEGACY) if (re.test(n)) legacy.push(n.replace(re, old));
  }
  return [...names.slice(1), ...legacy];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function matchParameters(
  expected: Map<string, number[]>,
  loaded: Map<string, { shape: number[] }>,
  options: MatchOptions = {},
): ParameterMatch {
  const prefixes = options.prefixes ?? ['bert.'];
  const claimed = new Map<string, string>(); // expected → loaded
  const used = new Set<string>();
  for (const name of expected.keys()) {
    if (loaded.has(name)) {
      claimed.set(name, name);
      used.add(name);
    }
  }
  for (const name of expected.keys()) {
    if (claimed.has(name)) continue;
    const hit = fallbacks(name, prefixes).find((n) => loaded.has(n) && !used.has(n));
    if (hit !== undefined) {
      claimed.set(name, hit);
      used.add(hit);
    }
  }
  return classify(expected, loaded, claimed, [...DEFAULT_IGNORED, ...(options.ignoreUnexpected ?? [])]);
}

function classify(
  expected: Map<string, number[]>,
  loaded: Map<string, { shape: number[] }>,
  claimed: Map<string, string>,
  ignore: RegExp[],
): ParameterMatch {
  const match: ParameterMatch = { mapping: new Map(), missing: [], unexpected: [], ignored: [], mismatched: [] };
  for (const [name, shape] of expected) {
    const from = claimed.get(name);
    if (from === undefined) {
      match.missing.push(name);
      continue;
    }
    const got = loaded.get(from)!.shape;
    if (sameShape(shape, got)) match.mapping.set(name, from);
    else match.mismatched.push({ name, loadedName: from, expected: [...shape], got: [...got] });
  }
  const used = new Set(claimed.values());
  for (const name of loaded.keys()) {
    if (used.has(name)) continue;
    const dropped = ignore.some((re) => {
      re.lastIndex = 0; // a /g or /y pattern would otherwise carry state between names
      return re.test(name);
    });
    if (dropped) match.ignored.push(name);
    else match.unexpected.push(name);
  }
  return match;
}

const LIST_CHARS = 80;
const MAX_GROUPS = 4;

/** Short form of a list of names: all of them when short, else grouped by their first two segments. */
export function summarizeNames(names: string[]): string {
  if (names.length <= 3 && names.join(', ').length <= LIST_CHARS) return names.join(', ');
  const groups = new Map<string, number>();
  for (const n of names) {
    const parts = n.split('.');
    const key = parts.length > 2 ? `${parts.slice(0, 2).join('.')}.*` : n;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const items = [...groups.keys()];
  const shown = items.slice(0, MAX_GROUPS).join(', ');
  return items.length > MAX_GROUPS ? `${shown}, … +${items.length - MAX_GROUPS} more` : shown;
}

function part(count: number, label: string, names: string[]): string {
  return count === 0 ? `0 ${label}` : `${count} ${label} (${summarizeNames(names)})`;
}

/** One line, e.g. `model.safetensors: 2 missing (classifier.weight, classifier.bias), 3 ignored (cls.predictions.*), 0 unexpected`. */
export function describeMatch(match: ParameterMatch, file: string): string {
  const parts = [
    part(match.missing.length, 'missing', match.missing),
    part(match.ignored.length, 'ignored', match.ignored),
    part(match.unexpected.length, 'unexpected', match.unexpected),
  ];
  if (match.mismatched.length > 0) {
    const shown = match.mismatched
      .slice(0, 2)
      .map((m) => `${m.name} expected [${m.expected}] got [${m.got}]`)
      .join(', ');
    const more = match.mismatched.length > 2 ? `, … +${match.mismatched.length - 2} more` : '';
    parts.push(`${match.mismatched.length} shape mismatched (${shown}${more})`);
  }
  return `${file}: ${parts.join(', ')}`;
}
