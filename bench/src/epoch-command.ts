// `bench epoch`: epoch cost with fixed 128 padding vs dynamic padding with
// length bucketing, per GLUE task and overall, and PyTorch's cost of the same
// batches (parent side: options, the torch run after the worker, print).
import { ArgError, list, positiveInt, type Parsed, type Spec } from './args';
import { firstLine, runWorker } from './child';
import { CONFIGS } from './configs';
import type { EpochResult } from './epoch';
import { GLUE_DATA_TASKS } from './epoch-data';
import { withTorch, type EpochReport } from './epoch-price';
import { GLUE_LENGTHS } from './lengths';
import type { Io } from './speed-command';
import { formatMs, formatRatio, formatTable } from './stats';
import { TORCH_MISSING, runTorchShapes, torchVersion } from './torch';

/** Results of the real tokens must agree to this between the two paddings. */
export const EQUALITY_TOLERANCE = 1e-4;
export const EPOCH_TARGET = 2.5;

export const EPOCH_OPTIONS: Spec = {
  config: {
    kind: 'string',
    default: 'camtl-mini',
    help: 'model shape (a camtl-* config: CA-MTL is what trains on GLUE)',
  },
  backend: { kind: 'string', default: 'wasm', help: 'one backend' },
  tasks: {
    kind: 'string',
    help: `GLUE tasks (default: ${GLUE_LENGTHS.map((t) => t.task).join(',')}; with --glue-dir those of ${GLUE_DATA_TASKS.join(',')} that have a train.tsv)`,
  },
  sample: {
    kind: 'number',
    default: 512,
    help: 'examples per task that are planned (the epoch is extrapolated to the task size)',
  },
  'chunk-batches': {
    kind: 'number',
    default: 32,
    help: 'batches per length-sorting chunk (32 × 16 = the whole 512 sample)',
  },
  'multiple-of': { kind: 'number', default: 8, help: 'round bucketed lengths up to a multiple of this' },
  warmup: { kind: 'number', default: 1, help: 'warmup steps per padded length' },
  steps: { kind: 'number', default: 3, help: 'measured steps per padded length' },
  'budget-s': { kind: 'number', default: 60, help: 'seconds per padded length before stopping early' },
  'check-rows': { kind: 'number', default: 4, help: 'rows per task compared between paddings' },
  'glue-dir': { kind: 'string', help: 'GLUE data (CoLA/train.tsv, …): measure real lengths instead of the model' },
  tokenizer: { kind: 'string', help: 'tokenizer folder (tokenizer.json or vocab.txt) for --glue-dir' },
  torch: {
    kind: 'boolean',
    default: true,
    help: 'time PyTorch (the torch script) at the same batch shapes (--no-torch to skip)',
  },
  threads: { kind: 'number', default: 2, help: 'PyTorch threads' },
  'torch-steps': { kind: 'number', default: 10, help: 'PyTorch measured steps per padded length' },
  'torch-warmup': { kind: 'number', default: 3, help: 'PyTorch warmup steps per padded length' },
  python: { kind: 'string', default: '/usr/bin/python3', help: 'the Python that has torch' },
  json: { kind: 'boolean', default: false, help: 'print the result as one JSON object' },
  'timeout-s': { kind: 'number', default: 7200, help: 'hard limit of the worker process' },
  seed: { kind: 'number', default: 0, help: 'seed of the lengths, shuffles and weights' },
  verbose: { kind: 'boolean', default: false, help: "echo the worker's own output" },
};

function pct(x: number | null): string {
  return x == null ? '—' : `${Math.round(x * 100)} %`;
}

const cells = (t: {
  fixed_epoch_ms: number | null;
  bucketed_epoch_ms: number | null;
  speedup: number | null;
  torch_fixed_epoch_ms: number | null;
  torch_bucketed_epoch_ms: number | null;
  fixed_ratio: number | null;
  bucketed_ratio: number | null;
}) => [
  formatMs(t.fixed_epoch_ms),
  formatMs(t.bucketed_epoch_ms),
  formatRatio(t.speedup),
  formatMs(t.torch_fixed_epoch_ms),
  formatMs(t.torch_bucketed_epoch_ms),
  formatRatio(t.fixed_ratio),
  formatRatio(t.bucketed_ratio),
];

export function epochTable(r: EpochReport): string {
  const header = ['task', 'lengths', 'train size', 'mean len', 'fixed 128', 'bucketed', 'speedup'];
  header.push('torch fixed', 'torch bucketed', 'vs torch fixed', 'vs torch bucketed');
  header.push('real tokens', 'max|Δ| pooled', 'max|Δ| logits');
  const rows = r.tasks.map((t) => [
    t.task,
    t.source,
    String(t.train_size),
    t.mean_length == null ? '—' : t.mean_length.toFixed(1),
    ...cells(t),
    `${pct(t.fixed_efficiency)} → ${pct(t.bucketed_efficiency)}`,
    t.max_abs_diff_pooled == null ? '—' : t.max_abs_diff_pooled.toExponential(1),
    t.max_abs_diff_logits == null ? '—' : t.max_abs_diff_logits.toExponential(1),
  ]);
  rows.push(['all', '', '', '', ...cells(r.overall), '', '', '']);
  return formatTable(header, rows);
}

const byLength = (m: Record<string, number | null>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}: ${formatMs(v)}`)
    .join(', ');

function verdicts(r: EpochReport): { lines: string[]; ok: boolean } {
  const same = r.max_abs_diff != null && r.max_abs_diff <= EQUALITY_TOLERANCE;
  const fast = r.overall.speedup != null && r.overall.speedup >= EPOCH_TARGET;
  const lines = [
    `overall speedup ${formatRatio(r.overall.speedup)} (target ≥ ${EPOCH_TARGET}×: ${fast ? 'met' : 'not met'})`,
    `max |Δ| of pooled output and logits, padded 128 vs bucketed: ${r.max_abs_diff?.toExponential(2)} (tolerance ${EQUALITY_TOLERANCE}: ${same ? 'identical' : 'DIFFERENT'})`,
    `train step by padded length (batch ${r.batch}): ${byLength(r.step_ms)}`,
  ];
  if (r.torch_step_ms) {
    lines.push(
      `PyTorch ${r.torch_config} train step by padded length (batch ${r.batch}, ${r.torch_threads} threads): ${byLength(r.torch_step_ms)}`,
      `camtl / PyTorch with the same batches: fixed 128 ${formatRatio(r.overall.fixed_ratio)}, bucketed ${formatRatio(r.overall.bucketed_ratio)}; PyTorch's own speedup ${formatRatio(r.overall.torch_speedup)}`,
    );
  }
  return { ok: same, lines };
}

const defaultTasks = (glue: boolean) => (glue ? GLUE_DATA_TASKS : GLUE_LENGTHS.map((t) => t.task));

/** PyTorch's train step at every (batch, length) the plans use, or a note that says why not. */
function torchShapes(o: Parsed, r: EpochResult, io: Io) {
  if (!o.torch) return { note: 'PyTorch skipped (--no-torch)' };
  const python = String(o.python);
  if (!torchVersion(python)) return { note: TORCH_MISSING };
  const config = CONFIGS[r.config]?.torchConfig ?? 'bert-mini';
  const lengths = Object.keys(r.step_ms).map(Number);
  io.log(`PyTorch ${config}, batch ${r.batch}, lengths ${lengths.join(', ')}…`);
  const threads = positiveInt(o, 'threads');
  const t = runTorchShapes(config, r.batch, lengths, {
    python,
    threads,
    steps: positiveInt(o, 'torch-steps'),
    warmup: positiveInt(o, 'torch-warmup', true),
    timeoutMs: positiveInt(o, 'timeout-s') * 1000,
  });
  if ('error' in t) return { note: t.error };
  const note = `PyTorch reference is the plain ${config} BERT (no CA-MTL modules in the torch script); camtl runs ${r.config}`;
  return { torch: { config, threads, stepMs: t.train_ms_by_seq }, note };
}

function jobOf(o: Parsed) {
  const config = String(o.config);
  if (CONFIGS[config]?.kind !== 'camtl')
    throw new ArgError(`--config must be a CA-MTL config (camtl-mini), got "${config}"`);
  if (o['glue-dir'] && !o.tokenizer)
    throw new ArgError('--glue-dir needs --tokenizer DIR (a folder with tokenizer.json or vocab.txt)');
  return {
    mode: 'epoch' as const,
    backend: String(o.backend),
    config,
    tasks: o.tasks ? list(o.tasks as string) : defaultTasks(!!o['glue-dir']),
    skipMissing: !o.tasks,
    sample: positiveInt(o, 'sample'),
    chunkBatches: positiveInt(o, 'chunk-batches'),
    multipleOf: positiveInt(o, 'multiple-of'),
    warmup: positiveInt(o, 'warmup', true),
    steps: positiveInt(o, 'steps'),
    budgetMs: positiveInt(o, 'budget-s') * 1000,
    checkRows: positiveInt(o, 'check-rows'),
    glueDir: o['glue-dir'] as string | undefined,
    tokenizer: o.tokenizer as string | undefined,
    seed: positiveInt(o, 'seed', true),
  };
}

export async function epochCommand(o: Parsed, io: Io): Promise<number> {
  const job = jobOf(o);
  const outcome = await runWorker<EpochResult>(job, {
    timeoutMs: positiveInt(o, 'timeout-s') * 1000,
    log: io.log,
    verbose: !!o.verbose,
  });
  if (!outcome.result) throw new Error(`epoch benchmark failed: ${firstLine(outcome.error ?? '')}`);
  const { torch, note } = torchShapes(o, outcome.result, io);
  const r = withTorch(outcome.result, torch ?? null);
  if (note) r.notes.push(note);
  const { lines, ok } = verdicts(r);
  if (o.json) {
    io.out(JSON.stringify(r));
    return ok ? 0 : 1;
  }
  const modelled = r.tasks.some((t) => t.source === 'modelled');
  io.out(
    `epoch cost, ${r.config} on ${r.backend}, batch ${r.batch}; each epoch extrapolated from ${job.sample} examples per task`,
  );
  if (modelled)
    io.out('lengths MODELLED: seeded log-normal per task with the documented mean, clipped to [4, 128] (see README)');
  io.out(epochTable(r));
  io.out(['', ...lines, ...r.notes.map((n) => `note: ${n}`)].join('\n'));
  return ok ? 0 : 1;
}
