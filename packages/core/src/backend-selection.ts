/**
 * What every backend selector shares (@camtl/backend-node's useNodeBackend,
 * @camtl/backend-web's useWebBackend): reading the `prefer` option, and trying
 * the backends in order, recording why each one that could not run was
 * skipped. The attempts themselves, and the report, stay in those packages.
 */
import { CamtlError } from './errors';

/** A backend that was tried and could not run. */
export interface SkippedBackend<C extends string = string> {
  choice: C;
  /** One line, e.g. "@tensorflow/tfjs-node-gpu not installed". */
  reason: string;
  /** What to do to get it. */
  hint?: string;
}

/** An attempt that activated its backend; `Extra` is what a package adds (e.g. the GPU adapter). */
export type AttemptSuccess<Extra extends object = Record<never, never>> = {
  ok: true;
  /** What computes, e.g. "CPU (wasm, SIMD, 1 thread)". */
  device: string;
  /** Short, for the summary's parenthesis: "SIMD, 1 thread". */
  detail: string;
  versions: Record<string, string>;
  notes?: string[];
} & Extra;

/** An attempt that could not run: why, and what to do about it. */
export interface AttemptFailure {
  ok: false;
  reason: string;
  hint?: string;
}

/**
 * The outcome of trying one backend. Attempts return failures rather than
 * throw them, so that the reason a user reads is the one the attempt wrote.
 */
export type Attempt<Extra extends object = Record<never, never>> = AttemptSuccess<Extra> | AttemptFailure;

/** `prefer`, read: the choices to try in order, which were named, and whether the request was explicit. */
export interface ParsedPreference<C extends string> {
  order: C[];
  /** The names given, 'auto' left out (a backend named may, e.g., run on a software GPU). */
  named: C[];
  /** No 'auto' in the request: a failure is an error, not a fallback. */
  explicit: boolean;
}

/**
 * Expands `prefer` ('auto', a name, "a,b" or a list; case and spaces do not
 * matter) into the choices to try. 'auto' stands for `autoOrder`, and a choice
 * is tried once, at its first place. Names outside `choices` (and 'auto') are
 * a CamtlError BAD_INPUT.
 */
export function parseBackendPreference<C extends string>(
  prefer: string | readonly string[] | undefined,
  choices: readonly string[],
  autoOrder: readonly C[],
): ParsedPreference<C> {
  const valid = [...new Set(['auto', ...choices])];
  const names = (Array.isArray(prefer) ? prefer : String(prefer ?? 'auto').split(','))
    .map((n) => String(n).trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) names.push('auto');
  const order: C[] = [];
  for (const name of names) {
    if (!valid.includes(name)) {
      throw new CamtlError('BAD_INPUT', `unknown backend "${name}"`, `use one of: ${valid.join(', ')}`);
    }
    for (const c of name === 'auto' ? autoOrder : [name as C]) if (!order.includes(c)) order.push(c);
  }
  const named = names.filter((n): n is C => n !== 'auto');
  return { order, named, explicit: !names.includes('auto') };
}

export interface TryBackendsOptions {
  /** Progress lines: "trying <choice>", "<choice> skipped: <reason>". */
  log?: (line: string) => void;
}

/** The backend that ran, and every earlier one that did not. */
export interface BackendSelection<C extends string, Extra extends object> {
  choice: C;
  result: AttemptSuccess<Extra>;
  skipped: SkippedBackend<C>[];
}

/**
 * Tries `preference.order` through `attempt` until one runs. An attempt that
 * throws is recorded as failing unexpectedly (with the error's first line),
 * never swallowed. When none runs: a CamtlError UNSUPPORTED with every reason
 * (or, for one explicitly named backend, its reason) and the hints (or, for
 * an explicit request without any, how to allow a fallback). Both backend
 * packages report through it, in the same words.
 */
export async function tryBackends<C extends string, Extra extends object = Record<never, never>>(
  preference: Pick<ParsedPreference<C>, 'order' | 'explicit'>,
  attempt: (choice: C) => Promise<Attempt<Extra>>,
  options: TryBackendsOptions = {},
): Promise<BackendSelection<C, Extra>> {
  const log = options.log ?? (() => undefined);
  const skipped: SkippedBackend<C>[] = [];
  for (const choice of preference.order) {
    log(`trying ${choice}`);
    const result = await settle(choice, attempt);
    if (result.ok) return { choice, result, skipped };
    log(`${choice} skipped: ${result.reason}`);
    skipped.push({ choice, reason: result.reason, ...(result.hint ? { hint: result.hint } : {}) });
  }
  throw noBackendError(skipped, preference.explicit);
}

async function settle<C extends string, Extra extends object>(
  choice: C,
  attempt: (choice: C) => Promise<Attempt<Extra>>,
): Promise<Attempt<Extra>> {
  try {
    return await attempt(choice);
  } catch (e) {
    return { ok: false, reason: `${choice} failed unexpectedly: ${firstLine(e)}` };
  }
}

function noBackendError(skipped: readonly SkippedBackend[], explicit: boolean): CamtlError {
  const hints = skipped.map((s) => s.hint).filter((h): h is string => !!h);
  // An explicit request never falls back on its own: say how to let it.
  const fallback = `add 'auto' to fall back (e.g. prefer: '${skipped.map((s) => s.choice).join(',')},auto'), or use 'cpu', which runs everywhere`;
  const hint = hints.join('; ') || (explicit ? fallback : undefined);
  const message =
    explicit && skipped.length === 1
      ? `backend ${skipped[0].choice} is not available: ${skipped[0].reason}`
      : `no backend could run: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`;
  return new CamtlError('UNSUPPORTED', message, hint);
}

/** The first non-empty line of an error's message. */
function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
  return (msg.split('\n').find((l) => l.trim()) ?? msg).trim();
}
