import type { LogRecord } from './types';
import { validateRecord } from './validate';

/** A bad line of a log: not JSON, or not a valid record. `line` is 1-based. */
export class LogParseError extends Error {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    super(`log line ${line}: ${reason}`);
    this.name = 'LogParseError';
    this.line = line;
    this.reason = reason;
  }
}

export interface ParseLogOptions {
  /**
   * What to do with a bad line (other than a truncated last one): `'throw'` (the
   * default) throws a {@link LogParseError} for the first; `'skip'` leaves it out and
   * lists it in `skipped`.
   */
  onInvalid?: 'throw' | 'skip';
}

export interface ParsedLog {
  records: LogRecord[];
  /** The last line was cut off (no newline after it, not JSON: a killed run) and left out. */
  truncated: boolean;
  /** Bad lines left out (only with `onInvalid: 'skip'`). */
  skipped: { line: number; reason: string }[];
  /** Records of a `type` this version does not know, left out (written by a newer trainer). */
  unknownTypes: number;
}

function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { error: `not JSON (${(e as Error).message.split('\n')[0]})` };
  }
}

/**
 * Parses a JSONL training log and reports what it left out. Blank lines are ignored,
 * and so is a last line that is cut off (no newline after it and not JSON), which is
 * what a killed run leaves. Any other bad line throws a one-line
 * {@link LogParseError} naming it, or with `onInvalid: 'skip'` is skipped and listed.
 */
export function parseLogDetailed(text: string, options: ParseLogOptions = {}): ParsedLog {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const endsWithNewline = /\n\s*$/.test(text);
  const lastNonBlank = lines.reduce((last, l, i) => (l.trim() ? i : last), -1);
  const out: ParsedLog = { records: [], truncated: false, skipped: [], unknownTypes: 0 };
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const { value, error } = parseJson(line);
    if (error !== undefined && i === lastNonBlank && !endsWithNewline) {
      out.truncated = true;
      return;
    }
    try {
      if (error !== undefined) throw new Error(error);
      const record = validateRecord(value);
      if (record) out.records.push(record);
      else out.unknownTypes++;
    } catch (e) {
      const reason = (e as Error).message;
      if (options.onInvalid !== 'skip') throw new LogParseError(i + 1, reason);
      out.skipped.push({ line: i + 1, reason });
    }
  });
  return out;
}

/**
 * Parses a JSONL training log into its records. A cut-off last line (a killed run)
 * is left out silently; records of unknown types are skipped; any other bad line
 * throws a {@link LogParseError}, e.g. `log line 12: step record: "loss" must be a
 * number or null, got "x"`. Use {@link parseLogDetailed} to skip bad lines instead.
 */
export function parseLog(text: string): LogRecord[] {
  return parseLogDetailed(text).records;
}
