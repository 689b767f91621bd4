import type { TrainProgress } from '@camtl/core';
import type { CliIO } from './args';
import type { SplitSummary } from './train/data';

/**
 * A one-line progress bar on stderr: `label [█████░░░░░] 120/400 30% loss 0.69 ETA 2m10s`.
 * On a terminal it redraws in place; in a log (CI, pipes) it prints a plain
 * line at most every `logEverySeconds`, so logs stay readable: no carriage
 * returns and no escape sequences there.
 */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: ProgressStream;
  width?: number;
  logEverySeconds?: number;
  /** NO_COLOR / FORCE_COLOR / TERM are read from here (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** How output may look: `redraw` = carriage-return updates in place; `ansi` = escape sequences (colour, erase). */
export interface TerminalStyle {
  redraw: boolean;
  ansi: boolean;
}

/**
 * The conventions: redraw only on a terminal; escape sequences only on a
 * terminal that is not "dumb" and without NO_COLOR (any non-empty value,
 * no-color.org). FORCE_COLOR decides when set, as in Node: 0 or false turns
 * escape sequences off, any other value (also empty) forces them, also into
 * a pipe and over NO_COLOR. It never forces carriage-return redraws into a log.
 */
export function terminalStyle(isTTY: boolean | undefined, env: Record<string, string | undefined> = process.env) {
  const force = env.FORCE_COLOR?.toLowerCase();
  const noColor = (env.NO_COLOR ?? '') !== '';
  const ansi = force === undefined ? !!isTTY && !noColor && env.TERM !== 'dumb' : force !== '0' && force !== 'false';
  return { redraw: !!isTTY, ansi } satisfies TerminalStyle;
}

/** Where a command's progress goes: its stderr, a terminal or not as the io says. */
export function progressStream(io: CliIO): ProgressStream {
  return { write: (t) => io.stderr(t), isTTY: io.isTTY ?? process.stderr.isTTY };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const ERASE_TO_END = '\x1b[K';
const DIM = (s: string) => `\x1b[2m${s}\x1b[22m`;

export class ProgressBar {
  private readonly started = Date.now();
  private lastLog = 0;
  private lastLine = '';
  /** Width of what is on the terminal line now (to blank it without escape sequences). */
  private shown = 0;
  private ended = false;
  /** The first update: the rate is measured from it, so start-up time does not skew the ETA. */
  private first?: { done: number; at: number };
  private readonly stream: ProgressStream;
  private readonly style: TerminalStyle;

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr;
    this.style = terminalStyle(this.stream.isTTY, o.env);
  }

  /** Seconds left at the rate since the first update; undefined until there is one. */
  private eta(done: number, total: number): number | undefined {
    const now = Date.now();
    this.first ??= { done, at: now };
    const units = done - this.first.done;
    const seconds = (now - this.first.at) / 1000;
    if (units <= 0 || seconds <= 0 || done >= total) return undefined;
    return (seconds / units) * (total - done);
  }

  /** Redraws at `done` of `total`, with extra fields such as { loss: '0.6931' }. */
  update(done: number, fields: Record<string, string> = {}): void {
    const total = Math.max(1, this.o.total);
    const fraction = Math.min(1, done / total);
    const width = this.o.width ?? 24;
    const filled = Math.round(fraction * width);
    const eta = this.eta(done, total);
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${v}`);
    if (eta !== undefined) extra.push(`ETA ${formatDuration(eta)}`);
    const rest = '░'.repeat(width - filled);
    const bar = `${'█'.repeat(filled)}${this.style.ansi ? DIM(rest) : rest}`;
    const line =
      `${this.o.label} [${bar}] ${done}/${total} ${Math.floor(fraction * 100)}%  ${extra.join('  ')}`.trimEnd();
    this.lastLine = line;
    if (this.style.redraw) this.redraw(line);
    else if (Date.now() - this.lastLog >= (this.o.logEverySeconds ?? 10) * 1000 || done >= total) {
      this.lastLog = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  /** A status in place of the bar (e.g. "evaluating at step 40"); in a log, or once the bar is done, one plain line. */
  status(message: string): void {
    if (this.style.redraw && !this.ended) this.redraw(`${this.o.label}: ${message}`);
    else this.stream.write(`${message}\n`);
  }

  /** Ends the bar with a final message (and a newline on terminals). */
  done(message?: string): void {
    const elapsed = formatDuration((Date.now() - this.started) / 1000);
    this.ended = true;
    if (this.style.redraw) {
      this.redraw(`${message ?? this.lastLine} (${elapsed})`);
      this.stream.write('\n');
      this.shown = 0;
    } else if (message) this.stream.write(`${message} (${elapsed})\n`);
  }

  /** `\r` and the line; the rest of the old line is erased by an escape sequence, or by spaces without ANSI. */
  private redraw(line: string): void {
    const visible = line.replace(/\x1b\[[0-9;]*m/g, '').length;
    const pad = this.style.ansi ? ERASE_TO_END : ' '.repeat(Math.max(0, this.shown - visible));
    this.stream.write(`\r${line}${pad}`);
    this.shown = visible;
  }
}

/** `camtl train`'s progress: the step bar (epoch, loss, examples/s), and a status line while the dev sets are evaluated. */
export function trainProgress(io: CliIO, env?: Record<string, string | undefined>): (p: TrainProgress) => void {
  let bar: ProgressBar | undefined;
  return (p) => {
    bar ??= new ProgressBar({ label: 'train', total: p.totalSteps, stream: progressStream(io), env });
    if (p.phase === 'eval') return bar.status(`evaluating at step ${p.step}`);
    bar.update(p.step, { epoch: String(p.epoch), loss: p.loss.toFixed(4), 'ex/s': p.examplesPerSecond.toFixed(0) });
    if (p.step === p.totalSteps) bar.done();
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** A split's line in the start summary: "mrpc train: 200 / 3,668 examples" when --limit or --data-fraction keeps fewer (used / in file). */
export function splitSummaryLine(row: SplitSummary): string {
  const examples = row.used !== undefined ? `${count(row.used)} / ${count(row.count)}` : count(row.count);
  const skipped = row.skipped ? `, ${count(row.skipped)} bad rows skipped` : '';
  return `  ${row.task} ${row.split}: ${examples} examples${skipped}`;
}
