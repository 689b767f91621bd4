// `bench [--config …] [--backends …] [--json]`: train step and inference per
// backend, each in its own worker process, with PyTorch run in between on the
// same shape so the ratios come from one run on one machine state.
import { ArgError, list, positiveInt, type Parsed, type Spec } from './args';
import { firstLine, runWorker } from './child';
import { CONFIGS, configNames } from './configs';
import { buildRow, memoryTable, speedTable, type SpeedRow } from './row';
import { profileLines } from './profile';
import type { SpeedResult } from './speed';
import { TORCH_MISSING, runTorch, torchVersion, type TorchResult } from './torch';

export const PROBE_ORDER = ['wasm', 'cuda', 'tensorflow', 'webgpu', 'cpu'];

export const SPEED_OPTIONS: Spec = {
  config: {
    kind: 'string',
    default: 'bert-mini',
    help: `configs, comma-separated or "all" (${configNames().join(', ')})`,
  },
  backends: {
    kind: 'string',
    default: 'available',
    help: `backends, comma-separated (${PROBE_ORDER.join(', ')}) or "available"`,
  },
  json: { kind: 'boolean', default: false, help: 'one JSON object per line (per config and backend) on stdout' },
  warmup: { kind: 'number', default: 2, help: 'warmup steps per phase (at least 1 is run)' },
  steps: { kind: 'number', default: 10, help: 'measured steps per phase (at least 1 is run)' },
  'budget-s': { kind: 'number', default: 60, help: 'seconds per phase (train, inference) before stopping early' },
  'timeout-s': { kind: 'number', default: 3600, help: 'hard limit per worker process; it is killed after it' },
  threads: { kind: 'number', default: 2, help: 'PyTorch threads (tfjs wasm takes CAMTL_WASM_THREADS)' },
  torch: { kind: 'boolean', default: true, help: 'run PyTorch side by side when importable (--no-torch to skip)' },
  'torch-steps': { kind: 'number', default: 10, help: 'PyTorch measured steps (the anchor script default)' },
  'torch-warmup': { kind: 'number', default: 3, help: 'PyTorch warmup steps (the anchor script default)' },
  python: { kind: 'string', default: '/usr/bin/python3', help: 'the Python that has torch' },
  seed: { kind: 'number', default: 0, help: 'seed of the weights and the batch' },
  profile: {
    kind: 'boolean',
    default: false,
    help: 'also profile one train and one inference step per backend (tf.profile: time per kernel)',
  },
  verbose: { kind: 'boolean', default: false, help: "echo the workers' own output" },
};

export interface Io {
  out: (line: string) => void;
  log: (line: string) => void;
}

export function resolveConfigs(value: unknown): string[] {
  const names = String(value) === 'all' ? configNames() : list(value as string);
  for (const n of names)
    if (!CONFIGS[n]) throw new ArgError(`unknown config "${n}" (use ${configNames().join(', ')} or all)`);
  if (names.length === 0) throw new ArgError('--config needs at least one config');
  return names;
}

/** The explicit list, or every backend a probe worker could activate here. */
export async function resolveBackends(value: unknown, io: Io, timeoutMs = 300_000): Promise<string[]> {
  const asked = list(value as string);
  if (!(asked.length === 1 && asked[0] === 'available')) {
    for (const b of asked)
      if (!PROBE_ORDER.includes(b)) throw new ArgError(`unknown backend "${b}" (use ${PROBE_ORDER.join(', ')})`);
    return asked;
  }
  const probe = await runWorker<Array<{ choice: string; ok: boolean; reason?: string }>>(
    { mode: 'probe', backends: PROBE_ORDER },
    { timeoutMs, log: io.log },
  );
  if (!probe.result) throw new Error(`backend probe failed: ${firstLine(probe.error ?? '')}`);
  for (const p of probe.result) if (!p.ok) io.log(p.reason ?? `backend ${p.choice} is not available`);
  return probe.result.filter((p) => p.ok).map((p) => p.choice);
}

interface TorchPlan {
  enabled: boolean;
  note?: string;
  cache: Map<string, TorchResult | { error: string }>;
}

function torchFor(config: string, plan: TorchPlan, o: Parsed, io: Io): { torch?: TorchResult; note?: string } {
  if (!plan.enabled) return { note: plan.note };
  const key = CONFIGS[config].torchConfig;
  if (!plan.cache.has(key)) {
    io.log(`PyTorch ${key} (${o.threads} threads)…`);
    const r = runTorch(key, {
      python: String(o.python),
      threads: positiveInt(o, 'threads'),
      steps: positiveInt(o, 'torch-steps'),
      warmup: positiveInt(o, 'torch-warmup', true),
      timeoutMs: positiveInt(o, 'timeout-s') * 1000,
    });
    plan.cache.set(key, r);
  }
  const r = plan.cache.get(key)!;
  return 'error' in r ? { note: r.error } : { torch: r };
}

function torchPlan(o: Parsed, io: Io): TorchPlan {
  if (!o.torch) return { enabled: false, note: 'PyTorch skipped (--no-torch)', cache: new Map() };
  const version = torchVersion(String(o.python));
  if (!version) {
    io.log(TORCH_MISSING);
    return { enabled: false, note: TORCH_MISSING, cache: new Map() };
  }
  io.log(`PyTorch ${version} at ${String(o.python)}`);
  return { enabled: true, cache: new Map() };
}

async function measure(
  config: string,
  backend: string,
  o: Parsed,
  io: Io,
): Promise<{ worker: Partial<SpeedResult>; error?: string }> {
  io.log(`camtl ${config} on ${backend}…`);
  const outcome = await runWorker<SpeedResult>(
    {
      mode: 'speed',
      backend,
      config,
      warmup: positiveInt(o, 'warmup', true),
      steps: positiveInt(o, 'steps'),
      budgetMs: positiveInt(o, 'budget-s') * 1000,
      seed: positiveInt(o, 'seed', true),
      profile: !!o.profile,
    },
    { timeoutMs: positiveInt(o, 'timeout-s') * 1000, log: io.log, verbose: !!o.verbose },
  );
  const partial = Object.assign({}, ...Object.values(outcome.partial)) as Partial<SpeedResult>;
  return outcome.result
    ? { worker: outcome.result }
    : { worker: partial, error: firstLine(outcome.error ?? 'no result') };
}

/** Peak RSS of camtl-mini training next to PyTorch's: the speed run with a memory table. */
export const MEMORY_OPTIONS: Spec = {
  ...SPEED_OPTIONS,
  config: { ...SPEED_OPTIONS.config, default: 'camtl-mini' },
  warmup: { ...SPEED_OPTIONS.warmup, default: 1 },
  steps: { ...SPEED_OPTIONS.steps, default: 3 },
};

function printTables(rows: SpeedRow[], view: 'speed' | 'memory', io: Io): void {
  io.out(view === 'memory' ? memoryTable(rows) : speedTable(rows));
  for (const r of rows.filter((x) => x.profile)) {
    io.out(`\nprofile ${r.config}/${r.backend}`);
    io.out(
      [...profileLines('train step', r.profile!.train), ...profileLines('inference', r.profile!.infer)].join('\n'),
    );
  }
  const notes = [...new Set(rows.flatMap((r) => r.notes.map((n) => `${r.config}/${r.backend}: ${n}`)))];
  if (notes.length) io.out(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  io.out(
    view === 'memory'
      ? '\nratio = camtl peak RSS / PyTorch peak RSS, each its own process (≤ 1.3× is the issue-6 target).'
      : '\nratio = camtl / PyTorch, same shape, same run (lower is better; ≤ 1.5× is the issue-6 target).',
  );
}

export async function speedCommand(o: Parsed, io: Io, view: 'speed' | 'memory' = 'speed'): Promise<number> {
  const configs = resolveConfigs(o.config);
  const backends = await resolveBackends(o.backends, io);
  if (backends.length === 0) throw new Error('no backend can run here');
  const plan = torchPlan(o, io);
  const rows: SpeedRow[] = [];
  for (const config of configs) {
    const { torch, note } = torchFor(config, plan, o, io);
    for (const backend of backends) {
      const { worker, error } = await measure(config, backend, o, io);
      const c = CONFIGS[config];
      const row = buildRow({
        backend,
        config: c,
        worker,
        error,
        torch,
        torchThreads: Number(o.threads),
        torchNote: note,
      });
      rows.push(row);
      if (o.json) io.out(JSON.stringify(row));
      else io.log(`  ${backend}: train ${row.train_median_ms ?? '—'} ms, inference ${row.infer_median_ms ?? '—'} ms`);
    }
  }
  if (!o.json) printTables(rows, view, io);
  return rows.some((r) => r.train_median_ms === null) ? 1 : 0;
}
