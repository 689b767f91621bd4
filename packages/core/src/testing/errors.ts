import { isCamtlError, type CamtlError } from '../errors';

/** The error a promise rejects with (a test helper: it fails when the promise resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** The CamtlError `fn` throws (a test helper: it fails when `fn` returns or throws anything else). */
export function camtlErrorOf(fn: () => unknown): CamtlError {
  try {
    fn();
  } catch (e) {
    if (isCamtlError(e)) return e;
    throw new Error(`expected a CamtlError, got ${String((e as Error)?.stack ?? e)}`);
  }
  throw new Error('expected a CamtlError, but nothing was thrown');
}
