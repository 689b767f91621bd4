import { CamtlError } from '@camtl/core';
import { nodeFileSystem } from '@camtl/backend-node';
import type { CommandSpec, FlagSpec } from '../args';
import { stringFlag } from '../args';
import { readJsonFile } from '../files';
import { parseArms } from '../ablate/arms';
import { runAblation } from '../ablate/run';
import { resolveTrainConfig } from '../train/config';
import { parseDataFraction } from '../train/data-fraction';
import { trainCommand } from './train';

/** The arms of the default ablation: the paper's baseline, CA-MTL without its task-conditioned attention, CA-MTL. */
export const DEFAULT_ARMS = 'mtl-bert;ca-mtl --without conditional-attention;ca-mtl';
export const DEFAULT_SEEDS = 5;
/**
 * The step budget of each run on the built-in suite when none is given
 * (--epochs/--max-steps): 3 epochs = 600 steps of MT-Uncertainty, 116 s of
 * CPU for the ca-mtl arm (measured: 3 min 02 s wall with the 2 cores shared
 * at load 4–8), so 15 runs take about 30 minutes on 2 idle cores.
 * Shorter schedules leave the tiny from-scratch model at chance (seed 0 was
 * still at 0.40 mean after 400 of 600 steps); longer ones break the time
 * budget. At 600 steps the tasks have only started to leave chance, so the
 * default compares early training, not converged models.
 */
export const ABLATE_SYNTHETIC_DEFAULTS: Readonly<Record<string, string>> = { epochs: '3' };
/** Wall time of the default `camtl ablate` (15 runs) on 2 idle CPU cores, from the measured CPU time per run. */
export const DEFAULT_ABLATE_TIME = 'about 30 minutes';

const s = (value: string, description: string): FlagSpec => ({ type: 'string', value, description });

/** The train flags, less those ablate sets per run. */
const { resume: _resume, output: _output, ...sharedFlags } = trainCommand.flags;

export const ablateCommand: CommandSpec = {
  name: 'ablate',
  summary: `train every arm × seed (× data fraction) and compare them (default: ${DEFAULT_ABLATE_TIME} on 2 cores)`,
  usage:
    'camtl ablate [--arms "NAME [train flags…];…"] [--seeds N] [--data-fractions F,…] [train options] [--output DIR]',
  flags: {
    arms: s(
      'LIST',
      `semicolon-separated arms, each NAME [camtl train flags…]; NAME ca-mtl (the default model) or mtl-bert (--preset mtl-bert) (default "${DEFAULT_ARMS}")`,
    ),
    seeds: s('N', `seeds per arm: the base --seed + 0..N-1 (default ${DEFAULT_SEEDS})`),
    'data-fractions': s(
      'F,…',
      'also train each arm × seed on these shares of each train split (0.001–1), for a data-efficiency curve',
    ),
    output: {
      ...s('DIR', 'where the runs go (DIR/<arm>/seed-<s>[/frac-<f>]), with ablation.json and ablation.html'),
      default: 'camtl-ablate',
    },
    json: { type: 'boolean', description: 'print the comparison as JSON' },
    ...sharedFlags,
  },
  examples: [
    `camtl ablate    # the default: ${DEFAULT_ABLATE_TIME} on 2 CPU cores (built-in suite, ${Object.entries(
      ABLATE_SYNTHETIC_DEFAULTS,
    )
      .map(([k, v]) => `--${k} ${v}`)
      .join(' ')} per run)`,
    'camtl ablate --arms "ca-mtl;ca-mtl --without conditional-layer-norm" --seeds 3 --data-fractions 0.1,0.3,1',
    'camtl ablate --model ./bert-base-uncased --data ./glue_data --arms "mtl-bert;ca-mtl" --seeds 5 --output runs/ablate',
  ],
  async run(values, io) {
    const fs = nodeFileSystem();
    const file = stringFlag(values, 'config');
    const fileConfig = file ? ((await readJsonFile(fs, file)) as Record<string, unknown>) : {};
    const arms = parseArms(stringFlag(values, 'arms') ?? DEFAULT_ARMS, trainCommand);
    const base: Record<string, unknown> = {};
    for (const name of Object.keys(sharedFlags))
      if (values[name] !== undefined && name !== 'config') base[name] = values[name];
    const fractions = parseFractions(stringFlag(values, 'data-fractions'), base);
    const fixed = arms.find((a) => a.flags['data-fraction'] !== undefined);
    if (fractions && fixed)
      throw new CamtlError(
        'BAD_INPUT',
        `camtl ablate: arm "${fixed.label}" sets --data-fraction, and --data-fractions is given`,
      );
    const resolved = resolveTrainConfig(fileConfig, base);
    const budget = ['epochs', 'max-steps', 'maxSteps'].some(
      (k) => k in base || k in fileConfig || arms.some((a) => k in a.flags),
    );
    if (resolved.data === undefined && !budget) Object.assign(base, ABLATE_SYNTHETIC_DEFAULTS);
    const output = stringFlag(values, 'output') ?? 'camtl-ablate';
    return runAblation(
      {
        output,
        arms,
        seeds: Array.from({ length: parseSeeds(stringFlag(values, 'seeds')) }, (_, i) => resolved.seed + i),
        fractions,
        fileConfig,
        base,
        command: commandLine(values),
        json: Boolean(values.json),
      },
      io,
    );
  },
};

function parseSeeds(v: string | undefined): number {
  if (v === undefined) return DEFAULT_SEEDS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CamtlError('BAD_INPUT', `camtl ablate: --seeds: expected a positive integer, got "${v}"`);
  return n;
}

function parseFractions(v: string | undefined, base: Record<string, unknown>): number[] | undefined {
  if (v === undefined) return undefined;
  if (base['data-fraction'] !== undefined)
    throw new CamtlError('BAD_INPUT', 'camtl ablate: give --data-fraction or --data-fractions, not both');
  const fractions = v.split(',').map((f) => parseDataFraction(f.trim()));
  return [...new Set(fractions)].sort((a, b) => a - b);
}

/** The command as given (flags set, values quoted when needed), for the comparison page. */
function commandLine(values: Record<string, string | boolean | undefined>): string {
  const quote = (v: string) => (/^[\w.,\/:=-]+$/.test(v) ? v : JSON.stringify(v));
  const given = Object.entries(values).filter(([k, v]) => v !== undefined && v !== false && k !== 'help');
  const flags = given.filter(([k, v]) => v !== ablateCommand.flags[k]?.default);
  return ['camtl ablate', ...flags.map(([k, v]) => (v === true ? `--${k}` : `--${k} ${quote(String(v))}`))].join(' ');
}
