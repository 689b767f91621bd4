// `bench [--config …] [--backends …] [--runs N] [--json]`: train step and
// inference per backend, each in its own worker process, with PyTorch (and
// onnxruntime-node) run just before on the same shape, so each ratio comes from
// one run on one machine state; `--runs` repeats that and reports medians.
import { ArgError, list, positiveInt, type Parsed, type Spec } from './args';
import { firstLine, runWorker } from './child';
import { CONFIGS, configNames } from './configs';
import { buildRow, type SpeedRow } from './row';
import { profileLines } from './profile';
import { ReferenceRuns } from './references';
import { aggregateRuns, type SpeedReport } from './runs';
import type { SpeedResult } from './speed';
import { memoryTable, speedTable } from './tables';

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
  runs: {
    kind: 'number',
    default: 3,
    help: 'runs (PyTorch, ORT, then each backend); medians over the runs with [min, max]',
  },
  warmup: { kind: 'number', default: 2, help: 'warmup steps per phase (at least 1 is run)' },
  steps: { kind: 'number', default: 10, help: 'measured steps per phase (at least 1 is run)' },
  'budget-s': { kind: 'number', default: 60, help: 'seconds per phase (train, inference) before stopping early' },
  'timeout-s': { kind: 'number', default: 3600, help: 'hard limit per worker process; it is killed after it' },
  threads: { kind: 'number', default: 2, help: 'PyTorch threads (tfjs wasm takes CAMTL_WASM_THREADS)' },
  torch: { kind: 'boolean', default: true, help: 'run PyTorch side by side when importable (--no-torch to skip)' },
  ort: {
    kind: 'boolean',
    default: true,
    help: 'time onnxruntime-node inference on the torch model exported to ONNX (--no-ort to skip)',
  },
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

async function measure(
  config: string,
  backend: string,
  o: Parsed,
  io: Io,
  profile: boolean,
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
      profile,
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
  ort: { ...SPEED_OPTIONS.ort, default: false },
};

function printTables(rows: SpeedReport[], view: 'speed' | 'memory', io: Io): void {
  io.out(view === 'memory' ? memoryTable(rows) : speedTable(rows));
  for (const r of rows.filter((x) => x.profile)) {
    io.out(`\nprofile ${r.config}/${r.backend} (run 1)`);
    io.out(
      [...profileLines('train step', r.profile!.train), ...profileLines('inference', r.profile!.infer)].join('\n'),
    );
  }
  const notes = [...new Set(rows.flatMap((r) => r.notes.map((n) => `${r.config}/${r.backend}: ${n}`)))];
  if (notes.length) io.out(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  const runs = rows[0]?.runs ?? 0;
  const over = runs === 1 ? 'one run (--runs 1)' : `median over ${runs} runs of each run's ratio, (min–max) over them`;
  io.out(
    view === 'memory'
      ? `\nratio = camtl peak RSS / PyTorch peak RSS, each its own process; ${over}. target = issue 12's.`
      : `\nratio = camtl / PyTorch, same shape, same run (lower is better); ${over}.\n` +
          "vs ORT = camtl inference / onnxruntime-node inference. target = issue 12's, judged on the median.",
  );
}

/** One run: for each config the references (PyTorch, ORT), then a worker per backend. */
async function oneRun(run: number, runs: number, o: Parsed, io: Io, refs: ReferenceRuns, backends: string[]) {
  const rows: SpeedRow[] = [];
  refs.newRun();
  for (const config of resolveConfigs(o.config)) {
    if (runs > 1) io.log(`run ${run}/${runs}: ${config}`);
    const c = CONFIGS[config];
    const ref = await refs.get(c);
    for (const backend of backends) {
      const { worker, error } = await measure(config, backend, o, io, !!o.profile && run === 1);
      const row = buildRow({ backend, config: c, worker, error, torchThreads: Number(o.threads), ...ref });
      rows.push(row);
      io.log(`  ${backend}: train ${row.train_median_ms ?? '—'} ms, inference ${row.infer_median_ms ?? '—'} ms`);
    }
  }
  return rows;
}

export async function speedCommand(o: Parsed, io: Io, view: 'speed' | 'memory' = 'speed'): Promise<number> {
  resolveConfigs(o.config);
  const runs = positiveInt(o, 'runs');
  const backends = await resolveBackends(o.backends, io);
  if (backends.length === 0) throw new Error('no backend can run here');
  const refs = new ReferenceRuns(o, io);
  const byKey = new Map<string, SpeedRow[]>();
  try {
    for (let run = 1; run <= runs; run++) {
      for (const row of await oneRun(run, runs, o, io, refs, backends)) {
        const key = `${row.config}/${row.backend}`;
        byKey.set(key, [...(byKey.get(key) ?? []), row]);
      }
    }
  } finally {
    refs.dispose();
  }
  const reports = [...byKey.values()].map(aggregateRuns);
  if (o.json) for (const r of reports) io.out(JSON.stringify(r));
  else printTables(reports, view, io);
  return reports.some((r) => r.train_median_ms === null) ? 1 : 0;
}
