/**
 * Every error camtl raises on bad input is a CamtlError: one line that names
 * the file, line or tensor concerned, plus an optional hint on what to do next.
 * CLIs print `error: <message>` and the hint, never a stack trace.
 */
export type CamtlErrorCode =
  | 'BAD_FILE'
  | 'NOT_FOUND'
  | 'BAD_CONFIG'
  | 'BAD_INPUT'
  | 'SHAPE_MISMATCH'
  | 'MISSING_KEYS'
  | 'UNSUPPORTED'
  | 'NUMERIC'
  | 'IO';

export class CamtlError extends Error {
  readonly code: CamtlErrorCode;
  readonly hint?: string;

  constructor(code: CamtlErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'CamtlError';
    this.code = code;
    this.hint = hint;
  }
}

export function isCamtlError(e: unknown): e is CamtlError {
  return e instanceof Error && (e as { name?: string }).name === 'CamtlError';
}
