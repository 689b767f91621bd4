import { CamtlError, parseSchedule, type FileSystem, type SamplerFactory } from '@camtl/core';
import { createSampler, type SamplerName } from '@camtl/sampler';

/**
 * The replay options of `camtl train`: `--sampler replay --schedule FILE`
 * trains on exactly the batches of a schedule.jsonl (any run's, on any
 * backend), and `--dropout X` sets every dropout (0: a deterministic run, as
 * a step-by-step comparison with the reference trainer needs).
 */
export interface ReplayOptions {
  dropout?: number;
  schedule?: string;
}

/** `--schedule` goes with `--sampler replay`, and only with it. */
export function checkReplay(sampler: string, schedule: string | undefined): void {
  if (sampler === 'replay' && schedule === undefined)
    throw new CamtlError('BAD_CONFIG', '--sampler replay needs --schedule FILE', "e.g. a run's schedule.jsonl");
  if (sampler !== 'replay' && schedule !== undefined)
    throw new CamtlError('BAD_CONFIG', `--schedule is for --sampler replay, not ${sampler}`, 'add --sampler replay');
}

/** The run's sampler: the named one, or the replay of --schedule's file. */
export async function trainSampler(
  cfg: { sampler: string; schedule?: string; samplerOptions: Record<string, unknown> },
  fs: FileSystem,
): Promise<SamplerFactory> {
  if (cfg.sampler !== 'replay') return createSampler(cfg.sampler as Exclude<SamplerName, 'replay'>, cfg.samplerOptions);
  const file = cfg.schedule!;
  if (!(await fs.exists(file)))
    throw new CamtlError('NOT_FOUND', `--schedule ${file}: file not found`, "a run's schedule.jsonl");
  return createSampler('replay', { schedule: parseSchedule(await fs.readText(file), file), source: file });
}
