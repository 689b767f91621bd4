// Parent side of the onnxruntime-node column: export the torch script's model
// to ONNX once per torch config (torch/export_onnx.py, Debian's PyTorch) into
// a temporary folder, then time it in a worker of its own (ort.ts), so ORT's
// peak RSS and threads are its own, as PyTorch's and each backend's are.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine, runWorker } from './child';
import type { OrtResult } from './ort';
import type { OrtJob } from './protocol';
import { failure, threadEnv, torchFile } from './torch';

export interface Exported {
  model: string;
  check: string;
  torch: string;
  opset: number;
}

/** Exports lazily and caches per torch config; `dispose` removes the folder. */
export class OnnxModels {
  private dir?: string;
  private readonly cache = new Map<string, Exported | { error: string }>();

  constructor(
    private readonly python: string,
    private readonly timeoutMs: number,
  ) {}

  get(torchConfig: string): Exported | { error: string } {
    if (!this.cache.has(torchConfig)) this.cache.set(torchConfig, this.export(torchConfig));
    return this.cache.get(torchConfig)!;
  }

  private export(torchConfig: string): Exported | { error: string } {
    this.dir ??= mkdtempSync(join(tmpdir(), 'camtl-bench-onnx-'));
    const r = spawnSync(this.python, [torchFile('export_onnx.py'), '--config', torchConfig, '--out', this.dir], {
      encoding: 'utf8',
      timeout: this.timeoutMs,
      env: threadEnv(2),
    });
    if (r.status !== 0) return { error: `ONNX export with torch.onnx failed: ${failure(r)}` };
    const info = JSON.parse(r.stdout.trim().split('\n').pop()!) as { torch: string; opset: number };
    const model = join(this.dir, `${torchConfig}.onnx`);
    return { model, check: join(this.dir, `${torchConfig}.check.json`), torch: info.torch, opset: info.opset };
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Times ORT inference in its own worker; an error string when it cannot run. */
export async function runOrtWorker(
  job: OrtJob,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<OrtResult | { error: string }> {
  const outcome = await runWorker<OrtResult>(job, { timeoutMs, log });
  return outcome.result ?? { error: `onnxruntime-node failed: ${firstLine(outcome.error ?? 'no result')}` };
}

/** The note that says what the ORT column ran. */
export function ortNote(r: OrtResult, e: Exported, torchConfig: string, threads: number): string {
  return (
    `ORT column: onnxruntime-node ${r.ort_version} (CPU execution provider, intraOpNumThreads ${threads}) on the ` +
    `torch script's ${torchConfig} with its weights, exported by torch ${e.torch} torch.onnx (opset ${e.opset}, ` +
    `dynamic batch and sequence); logits max |Δ| vs PyTorch ${r.ort_max_abs_diff.toExponential(1)}`
  );
}
