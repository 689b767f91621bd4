// `bench leak`: numTensors over many train steps; exit 1 when it grows.
import { ArgError, positiveInt, type Parsed, type Spec } from './args';
import { firstLine, runWorker } from './child';
import type { LeakPoint, LeakResult } from './leak';
import type { Io } from './speed-command';
import { formatTable } from './stats';

export const LEAK_OPTIONS: Spec = {
  steps: { kind: 'number', default: 500, help: 'train steps' },
  every: { kind: 'number', default: 100, help: 'record numTensors every N steps' },
  backend: { kind: 'string', default: 'wasm', help: 'one backend' },
  model: { kind: 'string', default: 'camtl', help: 'camtl (MT-U scoring + CA-MTL step) or bert (plain step)' },
  json: { kind: 'boolean', default: false, help: 'print the result as one JSON object' },
  'timeout-s': { kind: 'number', default: 3600, help: 'hard limit of the worker process' },
  seed: { kind: 'number', default: 0, help: 'seed' },
  verbose: { kind: 'boolean', default: false, help: "echo the worker's own output" },
};

export function leakTable(points: readonly LeakPoint[]): string {
  return formatTable(
    ['step', 'numTensors', 'MB'],
    points.map((p) => [String(p.step), String(p.num_tensors), (p.num_bytes / 2 ** 20).toFixed(1)]),
  );
}

export async function leakCommand(o: Parsed, io: Io): Promise<number> {
  if (o.model !== 'camtl' && o.model !== 'bert')
    throw new ArgError(`--model takes camtl or bert, got "${String(o.model)}"`);
  const outcome = await runWorker<LeakResult>(
    {
      mode: 'leak',
      backend: String(o.backend),
      model: o.model,
      steps: positiveInt(o, 'steps'),
      every: positiveInt(o, 'every'),
      seed: positiveInt(o, 'seed', true),
    },
    {
      timeoutMs: positiveInt(o, 'timeout-s') * 1000,
      log: io.log,
      verbose: !!o.verbose,
      onPartial: (_key, v) => {
        const p = v as LeakPoint;
        io.log(`step ${p.step}: numTensors ${p.num_tensors}`);
      },
    },
  );
  if (!outcome.result) throw new Error(`leak check failed: ${firstLine(outcome.error ?? '')}`);
  const r = outcome.result;
  if (o.json) io.out(JSON.stringify(r));
  else {
    io.out(`numTensors over ${o.steps} train steps, ${r.model} on ${r.backend} (${r.shape})`);
    io.out(leakTable(r.points));
    io.out(
      r.ok
        ? `\nflat: no growth after step 1 (peak RSS ${Math.round(r.peak_rss_mb)} MB)`
        : `\nLEAK: numTensors grew by ${r.growth} after step 1`,
    );
  }
  return r.ok ? 0 : 1;
}
