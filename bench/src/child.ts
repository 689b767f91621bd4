// Parent side of a worker: fork dist/worker.js with a job, relay its progress,
// collect partial results, and kill it when it exceeds its hard time limit so a
// stuck backend (e.g. a WebGPU adapter that never answers) cannot hang a run.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Job, WorkerMessage } from './protocol';

export interface ChildOutcome<T> {
  /** The worker's final result, when it finished. */
  result?: T;
  /** What it reported before finishing or dying (per phase). */
  partial: Record<string, unknown>;
  /** Why there is no result: the worker's error, a crash or the time limit. */
  error?: string;
  /** The worker's stdout and stderr (tfjs banners, warnings), kept for failures. */
  output: string;
}

export interface ChildOptions {
  timeoutMs: number;
  /** Progress lines ("speed on wasm …"), to stderr in the CLI. */
  log: (line: string) => void;
  /** Echo the worker's own output as it comes (--verbose). */
  verbose?: boolean;
  /** Called with each partial result as it arrives (live progress). */
  onPartial?: (key: string, value: unknown) => void;
}

export function workerPath(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

export function runWorker<T>(job: Job, options: ChildOptions): Promise<ChildOutcome<T>> {
  return new Promise((resolve) => {
    const child = fork(workerPath(), [JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const outcome: ChildOutcome<T> = { partial: {}, output: '' };
    const collect = (chunk: Buffer) => {
      outcome.output += chunk.toString();
      if (options.verbose) process.stderr.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      outcome.error = `killed after the ${Math.round(options.timeoutMs / 1000)} s time limit (--timeout-s)`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') options.log(m.text);
      else if (m.type === 'partial') {
        outcome.partial[m.key] = m.value;
        options.onPartial?.(m.key, m.value);
      } else if (m.type === 'result') outcome.result = m.value as T;
      else if (m.type === 'error') outcome.error = m.message;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (outcome.result === undefined && !outcome.error) {
        outcome.error = `worker exited with ${signal ?? `code ${code}`} before reporting a result`;
      }
      resolve(outcome);
    });
  });
}

/** The first line of an error, for notes (the stack stays in --verbose output). */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? text
  );
}
