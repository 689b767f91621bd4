// PyTorch side by side: runs bench/torch/torch_train_bench.py (the port of the
// shared anchor script) in the same invocation, one config per process so its
// ru_maxrss is that config's own peak.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TORCH_MISSING = 'PyTorch not importable: install python3-torch to get ratios';

export interface TorchResult {
  config: string;
  train_ms_median: number;
  infer_ms_median: number;
  peak_rss_mb?: number;
  params?: number;
}

/** What `--seqs` gives: train steps only, per padded length. */
export interface TorchShapesResult {
  config: string;
  batch: number;
  train_ms_by_seq: Record<string, number>;
  peak_rss_mb?: number;
}

export interface TorchOptions {
  python: string;
  threads: number;
  steps: number;
  warmup: number;
  timeoutMs: number;
}

/** A script shipped beside dist: dist/cli.js → ../torch/<name>. */
export function torchFile(name: string): string {
  return fileURLToPath(new URL(`../torch/${name}`, import.meta.url));
}

export function torchScript(): string {
  return torchFile('torch_train_bench.py');
}

/** The environment that pins every BLAS / OpenMP pool to the thread count. */
export function threadEnv(threads: number): NodeJS.ProcessEnv {
  const t = String(threads);
  return { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
}

/** The torch version, or undefined when `python -c 'import torch'` fails. */
export function torchVersion(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The last line of a failed process's stderr (Python's exception), for a one-line note. */
export function failure(r: ReturnType<typeof spawnSync>): string {
  const err = String(r.stderr ?? '').trim();
  return r.error?.message ?? (err ? err.split('\n').pop()! : `exit ${r.status ?? r.signal}`);
}

/** Runs the torch script for one config with extra arguments; its JSON result or an error string. */
function runScript<T extends { config: string }>(
  config: string,
  o: TorchOptions,
  extra: string[],
): T | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'camtl-bench-torch-'));
  const out = join(dir, 'torch.json');
  try {
    const args = ['--configs', config, '--json', out, '--threads', String(o.threads)];
    args.push('--steps', String(o.steps), '--warmup', String(o.warmup), ...extra);
    const r = spawnSync(o.python, [torchScript(), ...args], {
      encoding: 'utf8',
      timeout: o.timeoutMs,
      env: threadEnv(o.threads),
    });
    if (r.status !== 0) return { error: `torch_train_bench.py failed: ${failure(r)}` };
    const json = JSON.parse(readFileSync(out, 'utf8')) as { results: T[] };
    const found = json.results.find((x) => x.config === config);
    return found ?? { error: `torch_train_bench.py has no config "${config}"` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Times one config with the torch script; an error string when it fails. */
export function runTorch(config: string, o: TorchOptions): TorchResult | { error: string } {
  return runScript<TorchResult>(config, o, []);
}

/** Train steps of one config at `batch` × each padded length (the epoch's shapes). */
export function runTorchShapes(
  config: string,
  batch: number,
  seqs: readonly number[],
  o: TorchOptions,
): TorchShapesResult | { error: string } {
  return runScript<TorchShapesResult>(config, o, ['--batch', String(batch), '--seqs', seqs.join(',')]);
}
