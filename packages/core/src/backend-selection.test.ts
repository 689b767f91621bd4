import { describe, expect, it } from 'vitest';
import { rejection } from './testing/errors';
import { isCamtlError } from './errors';
import { parseBackendPreference, tryBackends, type Attempt } from './backend-selection';

const CHOICES = ['auto', 'gpu', 'wasm', 'cpu'] as const;
type Choice = Exclude<(typeof CHOICES)[number], 'auto'>;
const AUTO: readonly Choice[] = ['gpu', 'wasm', 'cpu'];
const parse = (prefer?: string | readonly string[]) => parseBackendPreference<Choice>(prefer, CHOICES, AUTO);

/** Attempts from a table: a string is a failure's reason, an object its reason and hint, true a success. */
function attempts(table: Partial<Record<Choice, true | string | { reason: string; hint: string } | Error>>) {
  const tried: Choice[] = [];
  const attempt = async (choice: Choice): Promise<Attempt> => {
    tried.push(choice);
    const t = table[choice];
    if (t instanceof Error) throw t;
    if (t === true) return { ok: true, device: `device ${choice}`, detail: `detail ${choice}`, versions: {} };
    if (typeof t === 'object') return { ok: false, ...t };
    return { ok: false, reason: t ?? `${choice} absent` };
  };
  return { tried, attempt };
}

describe('parseBackendPreference', () => {
  it("expands 'auto', names, comma-separated strings and lists, in order and once each", () => {
    expect(parse()).toEqual({ order: ['gpu', 'wasm', 'cpu'], named: [], explicit: false });
    expect(parse('')).toEqual({ order: ['gpu', 'wasm', 'cpu'], named: [], explicit: false });
    expect(parse('wasm')).toEqual({ order: ['wasm'], named: ['wasm'], explicit: true });
    expect(parse(' CPU, auto ')).toEqual({ order: ['cpu', 'gpu', 'wasm'], named: ['cpu'], explicit: false });
    expect(parse(['wasm', 'wasm', 'cpu'])).toEqual({
      order: ['wasm', 'cpu'],
      named: ['wasm', 'wasm', 'cpu'],
      explicit: true,
    });
  });

  it('rejects unknown names with the valid ones, whether or not the list names auto', () => {
    for (const choices of [CHOICES, ['gpu', 'wasm', 'cpu']]) {
      let e: unknown;
      try {
        parseBackendPreference('tpu', choices, AUTO);
      } catch (err) {
        e = err;
      }
      expect(isCamtlError(e)).toBe(true);
      expect(e).toMatchObject({
        code: 'BAD_INPUT',
        message: 'unknown backend "tpu"',
        hint: 'use one of: auto, gpu, wasm, cpu',
      });
    }
  });
});

describe('tryBackends', () => {
  it('returns the first that runs, with each earlier one skipped, and logs the steps', async () => {
    const { tried, attempt } = attempts({ gpu: { reason: 'no adapter', hint: 'get one' }, wasm: true });
    const log: string[] = [];
    const r = await tryBackends(parse(), attempt, { log: (l) => log.push(l) });
    expect(r.choice).toBe('wasm');
    expect(r.result).toMatchObject({ ok: true, device: 'device wasm', detail: 'detail wasm' });
    expect(r.skipped).toEqual([{ choice: 'gpu', reason: 'no adapter', hint: 'get one' }]);
    expect(tried).toEqual(['gpu', 'wasm']);
    expect(log).toEqual(['trying gpu', 'gpu skipped: no adapter', 'trying wasm']);
  });

  it('records an attempt that throws as failing unexpectedly, with its first line', async () => {
    const { attempt } = attempts({ gpu: new Error('\nboom\n  at somewhere'), cpu: true });
    const r = await tryBackends(parse('gpu,cpu'), attempt);
    expect(r.skipped).toEqual([{ choice: 'gpu', reason: 'gpu failed unexpectedly: boom' }]);
  });

  it('one named backend that cannot run: its reason and hint', async () => {
    const { attempt } = attempts({ gpu: { reason: 'no adapter', hint: 'get one' } });
    const e = await rejection(tryBackends(parse('gpu'), attempt));
    expect(isCamtlError(e)).toBe(true);
    expect(e).toMatchObject({
      code: 'UNSUPPORTED',
      message: 'backend gpu is not available: no adapter',
      hint: 'get one',
    });
  });

  it('nothing runs: every reason, and every hint', async () => {
    const { attempt } = attempts({ gpu: { reason: 'a', hint: 'ha' }, wasm: 'b', cpu: { reason: 'c', hint: 'hc' } });
    const e = await rejection(tryBackends(parse(), attempt));
    expect(e).toMatchObject({
      code: 'UNSUPPORTED',
      message: 'no backend could run: gpu: a; wasm: b; cpu: c',
      hint: 'ha; hc',
    });
    const none = await rejection(tryBackends(parse('wasm,cpu'), attempts({}).attempt));
    expect(none.hint).toMatch(/prefer: 'wasm,cpu,auto'/);
  });

  it('an explicit request without hints says how to let it fall back', async () => {
    const one = await rejection(tryBackends(parse('wasm'), attempts({}).attempt));
    expect(one).toMatchObject({
      message: 'backend wasm is not available: wasm absent',
      hint: expect.stringMatching(/prefer: 'wasm,auto'/),
    });
    // Not explicit: nothing of its own to add.
    const auto = await rejection(tryBackends(parse(), attempts({}).attempt));
    expect(auto.hint).toBeUndefined();
  });
});
