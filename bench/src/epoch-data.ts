// The examples of `bench epoch`: measured from GLUE train files with camtl's
// tokenizer when --glue-dir is given, otherwise modelled lengths filled with
// random token ids (a step's cost depends on its shape, not on the ids).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { encodeExamples, loadTokenizer, type BertTokenizer, type EncodedExample } from '@camtl/core';
import { nodeFileSystem } from '@camtl/backend-node';
import { resolveTask } from '@camtl/tasks-glue';
import { MAX_LENGTH, glueLengths, mean, sampleLengths, seededRandom, spread } from './lengths';

export interface TaskSample {
  task: string;
  source: 'modelled' | 'measured';
  /** Examples in the full train split (the epoch is extrapolated to it). */
  trainSize: number;
  /** Mean encoded length over the whole split (measured) or the model. */
  meanLength: number;
  /** The sample that is planned and timed. */
  rows: EncodedExample[];
  /** The tokenizer's vocabulary (measured): the model must have at least as many embeddings. */
  vocabSize?: number;
}

/** Task-index rows of the given lengths with random ids; pairs get token type 1 on their second half. */
export function randomRows(
  lengths: number[],
  taskIndex: number,
  vocab: number,
  pair: boolean,
  seed: number,
): EncodedExample[] {
  const rand = seededRandom(seed);
  // Word pieces start after BERT's special and unused ids (≈1000) in a real vocabulary.
  const lo = Math.min(1000, vocab >> 1);
  return lengths.map((n) => ({
    ids: Array.from({ length: n }, (_, j) =>
      j === 0 ? 101 : j === n - 1 ? 102 : lo + Math.floor(rand() * (vocab - lo)),
    ),
    typeIds: Array.from({ length: n }, (_, j) => (pair && j >= n >> 1 ? 1 : 0)),
    task: taskIndex,
    target: Math.floor(rand() * 2),
  }));
}

const PAIR_TASKS = new Set(['mrpc', 'rte', 'qqp', 'qnli', 'mnli', 'sts-b', 'wnli']);

export function modelledSample(task: string, taskIndex: number, n: number, vocab: number, seed: number): TaskSample {
  const model = glueLengths(task);
  const lengths = sampleLengths(model, n, seed);
  return {
    task,
    source: 'modelled',
    trainSize: model.trainSize,
    meanLength: mean(lengths),
    rows: randomRows(lengths, taskIndex, vocab, PAIR_TASKS.has(task), seed + 1),
  };
}

/** Tokenises a task's train split (truncated to 128 as the reference) and keeps an even sample. */
export async function measuredSample(
  task: string,
  taskIndex: number,
  n: number,
  glueDir: string,
  tokenizer: BertTokenizer,
): Promise<TaskSample> {
  const fs = nodeFileSystem();
  const def = resolveTask(task);
  const { examples } = await def.read(glueDir, 'train', fs, { skipBadRows: true });
  const encoded = encodeExamples(tokenizer, examples, def, taskIndex, MAX_LENGTH);
  // Regression targets and label ids are irrelevant to the cost; keep them finite.
  for (const e of encoded) if (!Number.isFinite(e.target)) e.target = 0;
  return {
    task,
    source: 'measured',
    trainSize: encoded.length,
    meanLength: mean(encoded.map((e) => e.ids.length)),
    rows: spread(encoded, n),
    vocabSize: tokenizer.vocabSize,
  };
}

/** Tasks with a GLUE folder: the modelled eight and WNLI. */
export const GLUE_DATA_TASKS = ['cola', 'sst-2', 'mrpc', 'rte', 'qqp', 'qnli', 'mnli', 'sts-b', 'wnli'];

/**
 * The tasks whose train file is under `glueDir`. A copy of GLUE may lack the
 * large ones (QQP, QNLI, MNLI): with `skipMissing` (no --tasks given) they are
 * left out with a note; a task asked for by name must be there.
 */
export function presentTasks(tasks: string[], glueDir: string, skipMissing: boolean) {
  const present: string[] = [];
  const notes: string[] = [];
  for (const task of tasks) {
    const file = join(glueDir, resolveTask(task).files.train.path);
    if (existsSync(file)) present.push(task);
    else if (skipMissing) notes.push(`${task}: no ${file}, left out`);
    else throw new Error(`${task}: no train file at ${file}`);
  }
  if (present.length === 0) throw new Error(`no GLUE train file of ${tasks.join(', ')} under ${glueDir}`);
  return { tasks: present, notes };
}

/** Every task's sample, measured (one tokenizer load) or modelled. */
export async function taskSamples(
  tasks: string[],
  n: number,
  vocab: number,
  seed: number,
  glue?: { dir: string; tokenizer: string },
): Promise<TaskSample[]> {
  if (!glue) return tasks.map((t, i) => modelledSample(t, i, n, vocab, seed + 100 * i));
  const tokenizer = await loadTokenizer(glue.tokenizer, nodeFileSystem());
  const out: TaskSample[] = [];
  for (const [i, t] of tasks.entries()) out.push(await measuredSample(t, i, n, glue.dir, tokenizer));
  return out;
}
