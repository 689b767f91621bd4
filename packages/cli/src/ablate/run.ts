import { CamtlError, type FileSystem } from '@camtl/core';
import { comparisonTable, renderComparison, type ComparisonData } from '@camtl/report';
import { nodeFileSystem } from '@camtl/backend-node';
import type { CliIO } from '../args';
import { resolveTrainConfig, savedConfig, type TrainConfig } from '../train/config';
import { runTraining } from '../train/run';
import { CONFIG_FILE } from '../train/run-info';
import type { Arm } from './arms';
import { aggregate, RESULT_FILE, runResult, type AblateRunResult } from './results';

/** What `camtl ablate` runs: every arm × seed (× data fraction) with the same base train options. */
export interface AblatePlan {
  output: string;
  arms: Arm[];
  /** The runs' seeds: the base seed + 0..N−1. */
  seeds: number[];
  /** The data-fraction axis; undefined = no axis (each run's own --data-fraction, default 1). */
  fractions?: number[];
  /** The train options every run shares: a config file's object and the flags. */
  fileConfig: Record<string, unknown>;
  base: Record<string, unknown>;
  /** The command line, for the page. */
  command?: string;
  json: boolean;
}

export interface PlannedRun {
  arm: Arm;
  seed: number;
  fraction: number;
  dir: string;
  cfg: TrainConfig;
}

/** Every run, seeds outermost: an interrupted ablation has compared all arms on its first seeds. */
export function planRuns(p: AblatePlan, fs: FileSystem): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const seed of p.seeds)
    for (const fraction of p.fractions ?? [undefined])
      for (const arm of p.arms) {
        const parts = [p.output, arm.slug, `seed-${seed}`, ...(fraction === undefined ? [] : [`frac-${fraction}`])];
        const dir = fs.join(...parts);
        const flags = {
          ...p.base,
          ...arm.flags,
          seed,
          output: dir,
          'data-fraction': fraction ?? arm.flags['data-fraction'],
        };
        const cfg = resolveTrainConfig(p.fileConfig, flags);
        runs.push({ arm, seed, fraction: cfg.dataFraction, dir, cfg });
      }
  return runs;
}

/** The options that decide a run's outcome (not where it runs or whether it resumes). */
const outcome = (cfg: Record<string, unknown>) => JSON.stringify({ ...cfg, resume: false, backend: undefined });

/** A finished run's result, if `result.json` is there; a result of other options is refused. */
async function finished(run: PlannedRun, fs: FileSystem): Promise<AblateRunResult | undefined> {
  const file = fs.join(run.dir, RESULT_FILE);
  if (!(await fs.exists(file))) return undefined;
  const saved = JSON.parse(await fs.readText(file)) as AblateRunResult & { config: Record<string, unknown> };
  if (outcome(saved.config) !== outcome({ ...run.cfg }))
    throw new CamtlError(
      'BAD_INPUT',
      `${run.dir} holds a run with other train options`,
      'use another --output for a different ablation, or delete that folder',
    );
  const { config: _config, ...result } = saved;
  return result;
}

/** Runs one arm × seed in-process, its output in a log file; resumes it if a run of the same options started. */
async function train(run: PlannedRun, fs: FileSystem): Promise<AblateRunResult | 'interrupted'> {
  let cfg = run.cfg;
  const savedFile = fs.join(run.dir, CONFIG_FILE);
  if (await fs.exists(savedFile)) {
    const saved = JSON.parse(await fs.readText(savedFile)) as Record<string, unknown>;
    // train-config.json holds the run's configuration in --config form
    if (outcome(saved) === outcome({ ...savedConfig(cfg) })) cfg = { ...cfg, resume: true };
  }
  let log = '';
  const io: CliIO = { stdout: (t) => (log += t), stderr: (t) => (log += t), isTTY: false };
  const started = Date.now();
  try {
    await runTraining(cfg, io);
  } finally {
    await fs.mkdirp(run.dir);
    await fs.writeFileAtomic(fs.join(run.dir, 'camtl-train.log'), log);
  }
  const wallSeconds = (Date.now() - started) / 1000;
  const text = await fs.readText(fs.join(run.dir, 'train.jsonl'));
  const meta = { arm: run.arm.label, seed: run.seed, fraction: run.fraction, wallSeconds };
  const result = runResult(text, meta, run.dir);
  if (result !== 'interrupted')
    await fs.writeFileAtomic(
      fs.join(run.dir, RESULT_FILE),
      JSON.stringify({ ...result, config: { ...run.cfg } }, null, 2) + '\n',
    );
  return result;
}

/** The comparison of the results so far (ablation.json's summary part). */
export function comparison(p: AblatePlan, runs: PlannedRun[], results: AblateRunResult[]): ComparisonData {
  const fractions = [...new Set(runs.map((r) => r.fraction))].sort((a, b) => a - b);
  const arms = p.arms.map((a) => a.label);
  const taskNames = [...new Set(results.flatMap((r) => Object.keys(r.tasks)))];
  const scoreNames = [...new Set(results.flatMap((r) => Object.keys(r.scores)))];
  return {
    command: p.command,
    arms,
    tasks: taskNames,
    fractions,
    scoreNames: scoreNames.length ? scoreNames : ['mean'],
    rows: aggregate(results, arms, fractions),
    notes: [`${results.length} of ${runs.length} runs finished.`],
  };
}

async function writeOutputs(p: AblatePlan, data: ComparisonData, results: AblateRunResult[], fs: FileSystem) {
  await fs.writeFileAtomic(
    fs.join(p.output, 'ablation.json'),
    JSON.stringify({ ...data, runs: results }, null, 2) + '\n',
  );
  await fs.writeFileAtomic(fs.join(p.output, 'ablation.html'), renderComparison(data));
}

const seconds = (s: number) =>
  s < 60 ? `${s.toFixed(0)}s` : `${Math.floor(s / 60)}m ${String(Math.round(s % 60)).padStart(2, '0')}s`;

/** `camtl ablate`: every run in turn (finished ones are read back), then the table, ablation.json and .html. */
export async function runAblation(p: AblatePlan, io: CliIO): Promise<number> {
  const fs = nodeFileSystem();
  const runs = planRuns(p, fs);
  await fs.mkdirp(p.output);
  const results: AblateRunResult[] = [];
  for (const [i, run] of runs.entries()) {
    const name = `[${i + 1}/${runs.length}] ${run.arm.label}, seed ${run.seed}${p.fractions ? `, ${run.fraction} of the data` : ''}`;
    const done = await finished(run, fs);
    if (done) {
      io.stderr(`${name}: done before, skipped (${run.dir})\n`);
      results.push(done);
      continue;
    }
    io.stderr(`${name}: training in ${run.dir} …\n`);
    const result = await train(run, fs);
    if (result === 'interrupted') {
      io.stderr(`camtl ablate: interrupted; run the same command again to continue\n`);
      await writeOutputs(p, comparison(p, runs, results), results, fs);
      return 130;
    }
    results.push(result);
    const score = Object.entries(result.scores)[0];
    io.stderr(
      `${name}: ${score[0]} ${score[1]?.toFixed(4) ?? '-'} at step ${result.bestStep}, ${seconds(result.wallSeconds)}\n`,
    );
    await writeOutputs(p, comparison(p, runs, results), results, fs);
  }
  const data = comparison(p, runs, results);
  await writeOutputs(p, data, results, fs);
  io.stdout(p.json ? JSON.stringify({ ...data, runs: results }, null, 2) + '\n' : `${comparisonTable(data)}\n\n`);
  if (!p.json) io.stdout(`comparison: ${fs.join(p.output, 'ablation.html')}\n`);
  return 0;
}
