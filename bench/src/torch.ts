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

export interface TorchOptions {
  python: string;
  threads: number;
  steps: number;
  warmup: number;
  timeoutMs: number;
}

export function torchScript(): string {
  // dist/cli.js → ../torch/torch_train_bench.py (the script ships beside dist).
  return fileURLToPath(new URL('../torch/torch_train_bench.py', import.meta.url));
}

/** The torch version, or undefined when `python -c 'import torch'` fails. */
export function torchVersion(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Times one config with the torch script; an error string when it fails. */
export function runTorch(config: string, o: TorchOptions): TorchResult | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'camtl-bench-torch-'));
  const out = join(dir, 'torch.json');
  try {
    const threads = String(o.threads);
    const r = spawnSync(
      o.python,
      [
        torchScript(),
        '--configs',
        config,
        '--json',
        out,
        '--threads',
        threads,
        '--steps',
        String(o.steps),
        '--warmup',
        String(o.warmup),
      ],
      {
        encoding: 'utf8',
        timeout: o.timeoutMs,
        env: { ...process.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads },
      },
    );
    if (r.status !== 0) {
      const why = r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
      return { error: `torch_train_bench.py failed: ${why}` };
    }
    const json = JSON.parse(readFileSync(out, 'utf8')) as { results: TorchResult[] };
    const found = json.results.find((x) => x.config === config);
    return found ?? { error: `torch_train_bench.py has no config "${config}"` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
