// What camtl is compared with in each run of `bench`: PyTorch (the torch
// script, one process per torch config) and onnxruntime-node (the same model
// exported to ONNX, one worker). Both are measured once per run and torch
// config, just before that config's camtl workers, and reused by configs that
// share the torch config (camtl-mini uses bert-mini's).
import { positiveInt, type Parsed } from './args';
import { CONFIGS, type BenchConfig } from './configs';
import { OnnxModels, ortNote, runOrtWorker } from './onnx-export';
import type { OrtResult } from './ort';
import type { Io } from './speed-command';
import { TORCH_MISSING, runTorch, torchVersion, type TorchResult } from './torch';

export interface References {
  torch?: TorchResult;
  torchNote?: string;
  ort?: OrtResult;
  /** The versions ORT ran with, or why there is no ORT column. */
  ortNote?: string;
}

export class ReferenceRuns {
  private readonly torchOff?: string;
  private readonly ortOff?: string;
  private readonly onnx?: OnnxModels;
  private run = new Map<string, Promise<References>>();

  constructor(
    private readonly o: Parsed,
    private readonly io: Io,
  ) {
    const version = o.torch || o.ort ? torchVersion(String(o.python)) : undefined;
    if (version) io.log(`PyTorch ${version} at ${String(o.python)}`);
    else if (o.torch || o.ort) io.log(TORCH_MISSING);
    if (!o.torch) this.torchOff = 'PyTorch skipped (--no-torch)';
    else if (!version) this.torchOff = TORCH_MISSING;
    if (!o.ort) this.ortOff = 'ORT column skipped (--ort is off)';
    else if (!version) this.ortOff = `ORT column empty: the ONNX export needs PyTorch (${TORCH_MISSING})`;
    else this.onnx = new OnnxModels(String(o.python), this.timeoutMs());
  }

  private timeoutMs(): number {
    return positiveInt(this.o, 'timeout-s') * 1000;
  }

  /** A new run measures the references again. */
  newRun(): void {
    this.run = new Map();
  }

  get(config: BenchConfig): Promise<References> {
    const key = config.torchConfig;
    if (!this.run.has(key)) this.run.set(key, this.measure(key));
    return this.run.get(key)!;
  }

  private async measure(torchConfig: string): Promise<References> {
    return { ...this.torch(torchConfig), ...(await this.ort(torchConfig)) };
  }

  private torch(torchConfig: string): Pick<References, 'torch' | 'torchNote'> {
    if (this.torchOff) return { torchNote: this.torchOff };
    this.io.log(`PyTorch ${torchConfig} (${String(this.o.threads)} threads)…`);
    const r = runTorch(torchConfig, {
      python: String(this.o.python),
      threads: positiveInt(this.o, 'threads'),
      steps: positiveInt(this.o, 'torch-steps'),
      warmup: positiveInt(this.o, 'torch-warmup', true),
      timeoutMs: this.timeoutMs(),
    });
    return 'error' in r ? { torchNote: r.error } : { torch: r };
  }

  private async ort(torchConfig: string): Promise<Pick<References, 'ort' | 'ortNote'>> {
    if (!this.onnx) return { ortNote: this.ortOff };
    const exported = this.onnx.get(torchConfig);
    if ('error' in exported) return { ortNote: `ORT column empty: ${exported.error}` };
    const threads = positiveInt(this.o, 'threads');
    this.io.log(`onnxruntime-node ${torchConfig} (${threads} threads)…`);
    const { batch, seq } = CONFIGS[torchConfig];
    const r = await runOrtWorker(
      {
        mode: 'ort',
        model: exported.model,
        check: exported.check,
        batch,
        seq,
        threads,
        warmup: positiveInt(this.o, 'warmup', true),
        steps: positiveInt(this.o, 'steps'),
        budgetMs: positiveInt(this.o, 'budget-s') * 1000,
        seed: positiveInt(this.o, 'seed', true),
      },
      this.timeoutMs(),
      this.io.log,
    );
    if ('error' in r) return { ortNote: `ORT column empty: ${r.error}` };
    return { ort: r, ortNote: [ortNote(r, exported, torchConfig, threads), ...r.notes].join('; ') };
  }

  dispose(): void {
    this.onnx?.dispose();
  }
}
