import * as path from 'node:path';
import {
  CamtlError,
  encodeExamples,
  loadTokenizer,
  type BertTokenizer,
  type EncodedExample,
  type Example,
  type FileSystem,
  type TaskDefinition,
} from '@camtl/core';
import { loadMultiTaskModel, type CamtlMultiTaskModel } from '@camtl/ca-mtl';
import { stringFlag, type FlagSpec } from '../args';
import { resolveTasks } from './data';
import { taskDataDir } from './task-dirs';
import { readRunInfo, runDataDir, type RunInfo } from './run-info';

/** A trained model with what it needs to read data: for eval, predict and submit. */
export interface OpenRun {
  modelDir: string;
  model: CamtlMultiTaskModel;
  tokenizer: BertTokenizer;
  tasks: TaskDefinition[];
  dataDir: string;
  maxSeqLength: number;
  info?: RunInfo;
}

/** The flags openRun reads: eval, predict and submit take them alike. */
export const RUN_FLAGS: Record<'model' | 'data' | 'glue', FlagSpec> = {
  model: {
    type: 'string',
    value: 'DIR',
    default: 'camtl-run/model',
    description: 'a trained model folder (CA-MTL, MTL-BERT or Hyperformer)',
  },
  data: { type: 'string', value: 'DIR', description: "data folder (default: the run's own, from run.json)" },
  glue: { type: 'string', value: 'DIR', description: 'same as --data' },
};

/** --model DIR (default camtl-run/model); the data folder from --data, else the run's run.json. */
export async function openRun(values: Record<string, unknown>, fs: FileSystem): Promise<OpenRun> {
  const modelDir = stringFlag(values, 'model') ?? path.join('camtl-run', 'model');
  if (!(await fs.exists(modelDir))) {
    throw new CamtlError(
      'NOT_FOUND',
      `${modelDir}: model folder not found`,
      'train one first (camtl train), or pass --model DIR',
    );
  }
  const runDir = path.dirname(path.resolve(modelDir));
  const info = await readRunInfo(runDir, fs);
  const dataDir =
    stringFlag(values, 'data') ?? stringFlag(values, 'glue') ?? (info && (await runDataDir(info, runDir, fs)));
  if (!dataDir)
    throw new CamtlError(
      'BAD_INPUT',
      `no data folder for ${modelDir}`,
      'pass --data DIR (the GLUE-layout folder the model was trained on)',
    );
  const { model } = await loadMultiTaskModel(modelDir, fs, { strict: true }); // a missing tensor: an error naming it
  const tasks = resolveTasks(info?.data.kind ?? 'folder', [...model.config.tasks], info?.taskDefs ?? []);
  const tokenizer = await loadTokenizer(modelDir, fs);
  return {
    modelDir,
    model,
    tokenizer,
    tasks,
    dataDir,
    maxSeqLength: info?.maxSeqLength ?? info?.maxLength ?? model.config.maxSeqLength,
    info,
  };
}

/** Reads and tokenizes one split of task `t` of the run. */
export async function readRunSplit(
  run: OpenRun,
  t: number,
  split: string,
  fs: FileSystem,
  skipBadRows = false,
): Promise<{ rows: EncodedExample[]; examples: Example[]; skipped: number }> {
  const task = run.tasks[t];
  const r = await task.read(await taskDataDir(run.dataDir, task, fs), split, fs, { skipBadRows });
  const spans = { docStride: run.info?.docStride, maxQueryLength: run.info?.maxQueryLength }; // as trained
  const rows = encodeExamples(run.tokenizer, r.examples, task, t, run.maxSeqLength, spans);
  return { rows, examples: r.examples, skipped: r.skipped.length };
}
