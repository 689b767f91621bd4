// One output row of the default benchmark: a worker's measurements joined with
// PyTorch's for the same shape, and the ratios. Pure, so the JSON contract is
// tested without running anything.
import type { SpeedResult } from './speed';
import { formatMs, formatRatio, formatTable, ratio, round } from './stats';
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
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function rowNotes(input: RowInput): string[] {
  const notes = [...(input.worker.notes ?? [])];
  if (input.error) notes.push(`failed: ${input.error}`);
  if (input.torchNote) notes.push(input.torchNote);
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

/** The human-readable table: one line per (config, backend), PyTorch columns when present. */
export function speedTable(rows: readonly SpeedRow[]): string {
  const header = [
    'config',
    'backend',
    'thr',
    'train',
    'first',
    'n',
    'torch',
    'ratio',
    'infer',
    'first',
    'n',
    'torch',
    'ratio',
    'peak RSS',
    'torch RSS',
    'ratio',
    'tensors',
  ];
  const body = rows.map((r) => [
    r.config,
    r.backend,
    r.threads == null ? '?' : String(r.threads),
    formatMs(r.train_median_ms),
    formatMs(r.train_first_ms),
    String(r.train_steps),
    formatMs(r.torch_train_median_ms),
    formatRatio(r.train_ratio),
    formatMs(r.infer_median_ms),
    formatMs(r.infer_first_ms),
    String(r.infer_steps),
    formatMs(r.torch_infer_median_ms),
    formatRatio(r.infer_ratio),
    r.peak_rss_mb == null ? '—' : `${Math.round(r.peak_rss_mb)} MB`,
    r.torch_peak_rss_mb == null ? '—' : `${Math.round(r.torch_peak_rss_mb)} MB`,
    formatRatio(r.rss_ratio),
    r.num_tensors_before == null ? '—' : `${r.num_tensors_before}→${r.num_tensors_after}`,
  ]);
  return formatTable(header, body);
}

/** Peak RSS per backend next to PyTorch's (each measured in its own process). */
export function memoryTable(rows: readonly SpeedRow[]): string {
  const mb = (x: number | null) => (x == null ? '—' : `${Math.round(x)} MB`);
  return formatTable(
    ['config', 'backend', 'peak RSS', 'torch peak RSS', 'ratio', 'tensors before→after', 'params'],
    rows.map((r) => [
      r.config,
      r.backend,
      mb(r.peak_rss_mb),
      mb(r.torch_peak_rss_mb),
      formatRatio(r.rss_ratio),
      r.num_tensors_before == null ? '—' : `${r.num_tensors_before}→${r.num_tensors_after}`,
      r.params == null ? '—' : `${(r.params / 1e6).toFixed(2)} M`,
    ]),
  );
}
