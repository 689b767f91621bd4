// `bench mtu`: MT-Uncertainty scoring time as a fraction of a train step.
import { ArgError, positiveInt, type Parsed, type Spec } from './args';
import { firstLine, runWorker } from './child';
import { CONFIGS } from './configs';
import type { MtuResult } from './mtu';
import type { Io } from './speed-command';
import { formatMs, formatTable } from './stats';

export const MTU_TARGET = 0.35;

export const MTU_OPTIONS: Spec = {
  config: { kind: 'string', default: 'camtl-mini', help: 'model shape (a camtl-* config), run with 8 GLUE-like tasks' },
  backend: { kind: 'string', default: 'wasm', help: 'one backend' },
  candidates: { kind: 'number', default: 16, help: 'candidates per task c (the reference uses the batch size)' },
  padding: { kind: 'string', default: 'max', help: 'max (pad to 128, the reference) or longest (dynamic padding)' },
  'score-group': {
    kind: 'number',
    default: 0,
    help: 'score in length-sorted groups of N rows, each padded to its longest (0: MT-U default, planned chunks)',
  },
  pool: { kind: 'number', default: 256, help: 'examples per task the sampler draws from' },
  warmup: { kind: 'number', default: 1, help: 'warmup steps' },
  steps: { kind: 'number', default: 5, help: 'measured steps' },
  json: { kind: 'boolean', default: false, help: 'print the result as one JSON object' },
  'timeout-s': { kind: 'number', default: 3600, help: 'hard limit of the worker process' },
  seed: { kind: 'number', default: 0, help: 'seed' },
  verbose: { kind: 'boolean', default: false, help: "echo the worker's own output" },
};

function jobOf(o: Parsed) {
  const config = String(o.config);
  if (CONFIGS[config]?.kind !== 'camtl')
    throw new ArgError(`--config must be a CA-MTL config (camtl-mini), got "${config}"`);
  if (o.padding !== 'max' && o.padding !== 'longest')
    throw new ArgError(`--padding takes max or longest, got "${String(o.padding)}"`);
  return {
    mode: 'mtu' as const,
    backend: String(o.backend),
    config,
    candidates: positiveInt(o, 'candidates'),
    padding: o.padding as 'max' | 'longest',
    scoreGroup: positiveInt(o, 'score-group', true),
    pool: positiveInt(o, 'pool'),
    warmup: positiveInt(o, 'warmup', true),
    steps: positiveInt(o, 'steps'),
    seed: positiveInt(o, 'seed', true),
  };
}

export function mtuTable(r: MtuResult): string {
  return formatTable(
    ['backend', 'T × c', 'padding', 'scoring', '(forward)', 'train step', 'train len', 'fraction', 'per-step median'],
    [
      [
        r.backend,
        `${r.tasks} × ${r.candidates_per_task}`,
        `${r.padding}, scored in ${r.score_group ? `groups of ${r.score_group}` : 'planned chunks'} (${r.score_forwards} forwards)`,
        formatMs(r.scoring_median_ms),
        formatMs(r.score_forward_median_ms),
        formatMs(r.train_median_ms),
        r.mean_train_length == null ? '—' : String(r.mean_train_length),
        r.fraction == null ? '—' : r.fraction.toFixed(3),
        r.fraction_median_per_step == null ? '—' : r.fraction_median_per_step.toFixed(3),
      ],
    ],
  );
}

export async function mtuCommand(o: Parsed, io: Io): Promise<number> {
  const job = jobOf(o);
  const outcome = await runWorker<MtuResult>(job, {
    timeoutMs: positiveInt(o, 'timeout-s') * 1000,
    log: io.log,
    verbose: !!o.verbose,
  });
  if (!outcome.result) throw new Error(`mtu benchmark failed: ${firstLine(outcome.error ?? '')}`);
  const r = outcome.result;
  if (o.json) {
    io.out(JSON.stringify(r));
    return 0;
  }
  io.out(`MT-Uncertainty overhead, ${r.config} (batch ${r.batch}), medians over ${r.steps} steps`);
  io.out(mtuTable(r));
  const met = r.fraction != null && r.fraction <= MTU_TARGET;
  io.out(
    `\nfraction = scoring / train step = ${r.fraction?.toFixed(3)} (target ≤ ${MTU_TARGET}: ${met ? 'met' : 'not met'})`,
  );
  for (const n of r.notes) io.out(`note: ${n}`);
  return 0;
}
