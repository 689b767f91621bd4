import {
  CamtlError,
  isSentenceKind,
  predictTask,
  type FileSystem,
  type TaskDefinition,
  type TaskKind,
  type TaskPrediction,
} from '@camtl/core';
import type { CliIO, CommandSpec } from '../args';
import { stringFlag } from '../args';
import { BACKEND_FLAG, selectBackend } from '../backend';
import { nodeFileSystem } from '@camtl/backend-node';
import { openRun, readRunSplit, RUN_FLAGS, type OpenRun } from '../train/open-run';

/** The test-like splits of a task: "test", or MNLI's test_matched / test_mismatched. */
function testSplits(splits: readonly string[], wanted?: string): string[] {
  if (wanted) return splits.includes(wanted) ? [wanted] : [];
  return splits.filter((s) => s === 'test' || s.startsWith('test_'));
}

export interface SplitPredictions {
  task: string;
  kind: TaskKind;
  split: string;
  /** One per example: the test file's ids (MultiRC: one per answer option, "p-q-a"). */
  ids: string[];
  /** Class ids / values (sentence kinds), choice ids (multiple choice), word tags (token), answer texts (span). */
  predictions: TaskPrediction[];
  /** The predictions as text: label strings, tags joined by spaces, answer texts. */
  labels: string[];
}

function label(task: TaskDefinition, p: TaskPrediction): string {
  if (Array.isArray(p)) return p.join(' ');
  return typeof p === 'string' ? p : task.formatPrediction(p);
}

/** One split's predictions; sentence kinds have one row per example, the other kinds are per example. */
async function predictSplit(run: OpenRun, t: number, split: string, fs: FileSystem): Promise<SplitPredictions> {
  const task = run.tasks[t];
  const { rows, examples } = await readRunSplit(run, t, split, fs);
  const predictions = await predictTask(run.model, task, rows, examples);
  const ids = isSentenceKind(task.kind)
    ? rows.map((r, i) => r.id ?? String(i))
    : examples.map((e, i) => e.id ?? String(i));
  return { task: task.name, kind: task.kind, split, ids, predictions, labels: predictions.map((p) => label(task, p)) };
}

/** Predictions for every task's test split(s) (or `split`), in file order; `include` picks the tasks. */
export async function predictSplits(
  run: OpenRun,
  fs: FileSystem,
  split: string | undefined,
  io: CliIO,
  include: (task: TaskDefinition) => boolean = () => true,
): Promise<SplitPredictions[]> {
  const out: SplitPredictions[] = [];
  for (const [t, task] of run.tasks.entries()) {
    if (!include(task)) continue;
    for (const s of testSplits(Object.keys(task.splits), split)) {
      const p = await predictSplit(run, t, s, fs);
      out.push(p);
      io.stderr(`  ${task.name} ${s}: ${p.predictions.length} predictions\n`);
    }
  }
  if (out.length === 0)
    throw new CamtlError('BAD_INPUT', `no task has a split ${split ? `"${split}"` : 'test'} to predict`);
  return out;
}

/**
 * Sentence and multiple-choice kinds: `<task>.<split>.tsv`, `index<TAB>prediction`
 * (the label string; the choice id). Token and span kinds: `<task>.<split>.jsonl`,
 * one `{"id", "prediction"}` per example, the prediction being the word tags
 * (an array, one per word) or the answer text: JSON, since both hold spaces and tabs.
 */
export function predictionFile(p: SplitPredictions): { name: string; text: string } {
  if (p.kind === 'token-classification' || p.kind === 'span-extraction') {
    const lines = p.ids.map((id, i) => JSON.stringify({ id, prediction: p.predictions[i] }) + '\n');
    return { name: `${p.task}.${p.split}.jsonl`, text: lines.join('') };
  }
  const tsv = ['index\tprediction', ...p.ids.map((id, i) => `${id}\t${p.labels[i]}`)].join('\n') + '\n';
  return { name: `${p.task}.${p.split}.tsv`, text: tsv };
}

export const predictCommand: CommandSpec = {
  name: 'predict',
  summary: 'predict the test split of every task of a trained model: one TSV (or JSONL for token/span tasks) per task',
  usage: 'camtl predict [--model DIR] [--data DIR] [--split SPLIT] [--output DIR]',
  flags: {
    ...RUN_FLAGS,
    split: {
      type: 'string',
      value: 'NAME',
      description: 'the split to predict (default: test, and MNLI test_matched/test_mismatched)',
    },
    output: {
      type: 'string',
      value: 'DIR',
      default: 'camtl-run/predictions',
      description:
        'folder for <task>.<split>.tsv files (token and span tasks: <task>.<split>.jsonl, {"id","prediction"})',
    },
    backend: BACKEND_FLAG,
  },
  async run(values, io) {
    const fs = nodeFileSystem();
    await selectBackend(stringFlag(values, 'backend') ?? 'auto');
    const run = await openRun(values, fs);
    const dir = stringFlag(values, 'output') ?? 'camtl-run/predictions';
    await fs.mkdirp(dir);
    for (const p of await predictSplits(run, fs, stringFlag(values, 'split'), io)) {
      const { name, text } = predictionFile(p);
      await fs.writeFileAtomic(fs.join(dir, name), text);
    }
    run.model.dispose();
    io.stdout(`predictions written to ${dir}\n`);
    return 0;
  },
};
