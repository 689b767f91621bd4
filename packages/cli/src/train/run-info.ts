import * as path from 'node:path';
import { z } from 'zod';
import { CamtlError, isCamtlError, type FileSystem } from '@camtl/core';
import { VOCAB_FILE } from '@camtl/synthetic';
import { defineTask, type TaskSpec } from '@camtl/tasks-glue';
import { savedConfig, type TrainConfig } from './config';
import type { DataSource } from './data';
import { configError } from './config-errors';
import { LIMITS } from './config-schema';

/**
 * run.json records what eval/predict/submit need to find a run's data again:
 * the data folder and kind, the tasks, custom task specs, the max length.
 * train-config.json is the resolved configuration as a --config file, reused by --resume
 * (older runs' flat train-config.json files are read too).
 */
export interface RunInfo {
  version: 1;
  /**
   * The data folder. With `relativeTo: 'run'` (camtl ≥ 0.2) `dir` is relative to run.json's
   * folder, so eval works from any directory; older files hold it relative to where training ran.
   */
  data: { kind: DataSource['kind']; dir: string; seed?: number; relativeTo?: 'run' };
  tasks: string[];
  taskDefs: TaskSpec[];
  maxSeqLength: number;
  /** Span tasks' --doc-stride and --max-query-length, when given. */
  docStride?: number;
  maxQueryLength?: number;
  /** --data-fraction, when below 1: the share of each train split the run trained on. */
  dataFraction?: number;
  /** The same, as run.json files written before camtl 0.2 name it. */
  maxLength?: number;
}

export const RUN_FILE = 'run.json';
export const CONFIG_FILE = 'train-config.json';

export async function writeRunInfo(cfg: TrainConfig, source: DataSource, fs: FileSystem): Promise<void> {
  const info: RunInfo = {
    version: 1,
    data: { kind: source.kind, dir: runRelative(cfg.output, source.dir), seed: source.seed, relativeTo: 'run' },
    tasks: source.tasks.map((t) => t.name),
    taskDefs: source.taskDefs,
    maxSeqLength: cfg.maxSeqLength,
    ...(cfg.docStride === undefined ? {} : { docStride: cfg.docStride }),
    ...(cfg.maxQueryLength === undefined ? {} : { maxQueryLength: cfg.maxQueryLength }),
    ...(cfg.dataFraction < 1 ? { dataFraction: cfg.dataFraction } : {}),
  };
  await fs.writeFileAtomic(fs.join(cfg.output, RUN_FILE), JSON.stringify(info, null, 2) + '\n');
  await fs.writeFileAtomic(fs.join(cfg.output, CONFIG_FILE), JSON.stringify(savedConfig(cfg), null, 2) + '\n');
}

/** `dir` relative to the run folder `output` ('/'-separated, '.' for the folder itself). */
function runRelative(output: string, dir: string): string {
  return path.relative(path.resolve(output), path.resolve(dir)).split(path.sep).join('/') || '.';
}

const RUN_SCHEMA = z.object({
  version: z.literal(1),
  data: z.object({
    kind: z.enum(['synthetic', 'folder']),
    dir: z.string().min(1),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    relativeTo: z.literal('run').optional(),
  }),
  tasks: z.array(z.string().min(1)).max(LIMITS.batch),
  taskDefs: z.array(z.unknown()).max(LIMITS.batch),
  maxSeqLength: z.number().int().min(3).max(LIMITS.tokens).optional(),
  maxLength: z.number().int().min(3).max(LIMITS.tokens).optional(),
  docStride: z.number().int().min(1).max(LIMITS.tokens).optional(),
  maxQueryLength: z.number().int().min(1).max(LIMITS.tokens).optional(),
  dataFraction: z.number().gt(0).max(1).optional(),
});

const DAMAGED_RUN = 'run.json is written by camtl train: restore it, or pass --data DIR and --model DIR yourself';

/** run.json's parsed `value`, checked (its task definitions by defineTask); `file` names it in errors. */
export function checkRunInfo(value: unknown, file: string): RunInfo {
  const r = RUN_SCHEMA.safeParse(value);
  if (!r.success) {
    const e = configError(RUN_SCHEMA, value, r.error.issues, { label: file });
    throw new CamtlError('BAD_FILE', e.message.replace(`${file}: : `, `${file}: `), e.hint ?? DAMAGED_RUN);
  }
  for (const [i, spec] of r.data.taskDefs.entries()) {
    try {
      defineTask(spec as TaskSpec);
    } catch (e) {
      if (!isCamtlError(e)) throw e;
      throw new CamtlError('BAD_FILE', `${file}: taskDefs.${i}: ${e.message}`, DAMAGED_RUN);
    }
  }
  if (r.data.maxSeqLength === undefined && r.data.maxLength === undefined)
    throw new CamtlError('BAD_FILE', `${file}: maxSeqLength: expected an integer, got nothing`, DAMAGED_RUN);
  return r.data as RunInfo;
}

/**
 * The run's data folder as a path from here: run.json's folder joined with
 * `dir` (current files); an older file's path as it was written, which held
 * from where training ran, else from the run folder (the synthetic suite's is
 * always `data` inside it).
 */
export async function runDataDir(info: RunInfo, runDir: string, fs: FileSystem): Promise<string> {
  const { dir, kind, relativeTo } = info.data;
  if (relativeTo === 'run' || path.isAbsolute(dir)) return path.resolve(runDir, dir);
  if (kind === 'synthetic') return path.join(runDir, 'data');
  return (await fs.exists(dir)) ? dir : path.resolve(runDir, dir);
}

export async function readRunInfo(runDir: string, fs: FileSystem): Promise<RunInfo | undefined> {
  const file = fs.join(runDir, RUN_FILE);
  if (!(await fs.exists(file))) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await fs.readText(file));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new CamtlError('BAD_FILE', `${file}: not valid JSON (${e.message.split('\n')[0]})`, DAMAGED_RUN);
  }
  return checkRunInfo(value, file);
}

const DAMAGED_CONFIG = (output: string) =>
  `the run's saved configuration is damaged: restore it, or start over with camtl train --output ${output} (without --resume)`;

/** The saved configuration of a run, for --resume (flags such as --backend still apply). */
export async function readTrainConfig(output: string, fs: FileSystem): Promise<Record<string, unknown>> {
  const file = fs.join(output, CONFIG_FILE);
  if (!(await fs.exists(file))) {
    throw new CamtlError(
      'NOT_FOUND',
      `${file}: no run to resume in ${output}`,
      'start a run with camtl train --output DIR first',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await fs.readText(file));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    throw new CamtlError('BAD_FILE', `${file}: not valid JSON (${e.message.split('\n')[0]})`, DAMAGED_CONFIG(output));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CamtlError('BAD_FILE', `${file}: expected a JSON object of options`, DAMAGED_CONFIG(output));
  return value as Record<string, unknown>;
}

/** resolveTrainConfig's error on a saved configuration, with what to do about it. */
export function damagedConfigError(e: unknown, output: string): unknown {
  return e instanceof CamtlError ? new CamtlError('BAD_FILE', e.message, DAMAGED_CONFIG(output)) : e;
}

/** Copies the tokenizer next to the exported model, so the model folder is self-contained. */
export async function saveTokenizer(
  source: DataSource,
  cfg: TrainConfig,
  modelDir: string,
  fs: FileSystem,
): Promise<void> {
  const from = cfg.model ?? cfg.tokenizerDir ?? source.dir;
  for (const name of ['tokenizer.json', VOCAB_FILE, 'tokenizer_config.json']) {
    const file = fs.join(from, name);
    if (await fs.exists(file)) await fs.writeFileAtomic(fs.join(modelDir, name), await fs.readFile(file));
  }
  if (!(await fs.exists(fs.join(modelDir, 'tokenizer.json'))) && cfg.model === undefined && !cfg.tokenizerDir) {
    // The synthetic vocabulary is lower-cased word pieces: say so for loaders that read tokenizer_config.json.
    await fs.writeFileAtomic(
      fs.join(modelDir, 'tokenizer_config.json'),
      JSON.stringify({ do_lower_case: true }) + '\n',
    );
  }
}
