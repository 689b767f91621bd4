/**
 * A one-line progress bar on stderr: `label [█████░░░░░] 120/400 30% loss 0.69 ETA 2m10s`.
 * On a terminal it redraws in place; in a log (CI, pipes) it prints a line
 * at most every `logEverySeconds`, so logs stay readable.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  stream?: { write(text: string): unknown; isTTY?: boolean };
  width?: number;
  logEverySeconds?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastLog = 0;
  private lastLine = '';
  private readonly stream: { write(text: string): unknown; isTTY?: boolean };

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr;
  }

  /** Redraws at `done` of `total`, with extra fields such as { loss: '0.6931' }. */
  update(done: number, fields: Record<string, string> = {}): void {
    const total = Math.max(1, this.o.total);
    const fraction = Math.min(1, done / total);
    const width = this.o.width ?? 24;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ');
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const line = `${this.o.label} [${bar}] ${done}/${total} ${Math.floor(fraction * 100)}%  ${extra}  ETA ${formatDuration(eta)}`;
    this.lastLine = line;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\x1b[K`);
    } else if (Date.now() - this.lastLog >= (this.o.logEverySeconds ?? 10) * 1000 || done >= total) {
      this.lastLog = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends the bar with a final message (and a newline on terminals). */
  done(message?: string): void {
    const elapsed = formatDuration((Date.now() - this.started) / 1000);
    if (this.stream.isTTY) this.stream.write(`\r${message ?? this.lastLine} (${elapsed})\x1b[K\n`);
    else if (message) this.stream.write(`${message} (${elapsed})\n`);
  }
}
