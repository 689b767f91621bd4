// One output row of the default benchmark: a worker's measurements joined with
// PyTorch's for the same shape, and the ratios. Pure, so the JSON contract is
// tested without running anything.
import type { OrtResult } from './ort';
import type { SpeedResult } from './speed';
import { ratio, round } from './stats';
import type { TorchResult } from './torch';

/** The keys other tools read, in output order (train/infer medians are the contract). */
export interface SpeedRow {
  backend: string;
  config: string;
  train_median_ms: number | null;
  infer_median_ms: number | null;
  train_first_ms: number | null;
  infer_first_ms: number | null;
  train_steps: number;
  infer_steps: number;
  peak_rss_mb: number | null;
  num_tensors_before: number | null;
  num_tensors_after: number | null;
  torch_train_median_ms: number | null;
  torch_infer_median_ms: number | null;
  torch_peak_rss_mb: number | null;
  train_ratio: number | null;
  infer_ratio: number | null;
  rss_ratio: number | null;
  /** onnxruntime-node on the torch script's model (exported to ONNX), same shape and threads as PyTorch. */
  ort_infer_median_ms: number | null;
  /** camtl inference / onnxruntime-node inference. */
  ort_infer_ratio: number | null;
  threads: number | null;
  torch_threads: number | null;
  batch: number;
  seq: number;
  params: number | null;
  device: string | null;
  torch_config: string | null;
  notes: string[];
  /** With --profile only. */
  profile?: SpeedResult['profile'];
}

export interface RowInput {
  backend: string;
  config: { name: string; batch: number; seq: number; torchConfig: string; kind: string };
  /** The worker's result, or what it reported before failing. */
  worker: Partial<SpeedResult>;
  error?: string;
  torch?: TorchResult;
  torchThreads: number;
  torchNote?: string;
  ort?: OrtResult;
  /** What the ORT column ran (versions) or why it is empty. */
  ortNote?: string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function rowNotes(input: RowInput): string[] {
  const notes = [...(input.worker.notes ?? [])];
  if (input.error) notes.push(`failed: ${input.error}`);
  if (input.torchNote) notes.push(input.torchNote);
  if (input.ortNote) notes.push(input.ortNote);
  if (input.torch && input.config.kind === 'camtl') {
    notes.push(
      `PyTorch reference is the plain ${input.config.torchConfig} BERT (no CA-MTL modules in the torch script)`,
    );
  }
  return notes;
}

export function buildRow(input: RowInput): SpeedRow {
  const w = input.worker;
  const t = input.torch;
  const train = num(w.train_median_ms);
  const infer = num(w.infer_median_ms);
  const rss = num(w.peak_rss_mb);
  const tTrain = t ? num(t.train_ms_median) : null;
  const tInfer = t ? num(t.infer_ms_median) : null;
  const tRss = t ? num(t.peak_rss_mb) : null;
  const ortInfer = num(input.ort?.ort_infer_median_ms);
  return {
    backend: input.backend,
    config: input.config.name,
    train_median_ms: train,
    infer_median_ms: infer,
    train_first_ms: num(w.train_first_ms),
    infer_first_ms: num(w.infer_first_ms),
    train_steps: w.train_steps ?? 0,
    infer_steps: w.infer_steps ?? 0,
    peak_rss_mb: rss,
    num_tensors_before: num(w.num_tensors_before),
    num_tensors_after: num(w.num_tensors_after),
    torch_train_median_ms: round(tTrain),
    torch_infer_median_ms: round(tInfer),
    torch_peak_rss_mb: round(tRss, 1),
    train_ratio: round(ratio(train, tTrain), 3),
    infer_ratio: round(ratio(infer, tInfer), 3),
    rss_ratio: round(ratio(rss, tRss), 3),
    ort_infer_median_ms: round(ortInfer),
    ort_infer_ratio: round(ratio(infer, ortInfer), 3),
    threads: w.threads ?? null,
    torch_threads: t ? input.torchThreads : null,
    batch: input.config.batch,
    seq: input.config.seq,
    params: num(w.params),
    device: w.device ?? null,
    torch_config: t ? input.config.torchConfig : null,
    notes: rowNotes(input),
    ...(w.profile ? { profile: w.profile } : {}),
  };
}
