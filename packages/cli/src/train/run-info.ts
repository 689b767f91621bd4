import { CamtlError, type FileSystem } from '@camtl/core';
import { VOCAB_FILE } from '@camtl/synthetic';
import type { TaskSpec } from '@camtl/tasks-glue';
import { savedConfig, type TrainConfig } from './config';
import type { DataSource } from './data';

/**
 * run.json records what eval/predict/submit need to find a run's data again:
 * the data folder and kind, the tasks, custom task specs, the max length.
 * train-config.json is the resolved configuration as a --config file, reused by --resume
 * (older runs' flat train-config.json files are read too).
 */
export interface RunInfo {
  version: 1;
  data: { kind: DataSource['kind']; dir: string; seed?: number };
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
    data: { kind: source.kind, dir: source.dir, seed: source.seed },
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

export async function readRunInfo(runDir: string, fs: FileSystem): Promise<RunInfo | undefined> {
  const file = fs.join(runDir, RUN_FILE);
  if (!(await fs.exists(file))) return undefined;
  try {
    return JSON.parse(await fs.readText(file)) as RunInfo;
  } catch {
    throw new CamtlError('BAD_FILE', `${file}: not valid JSON`);
  }
}

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
  return JSON.parse(await fs.readText(file)) as Record<string, unknown>;
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
