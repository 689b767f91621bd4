import { CamtlError, encodeExamples, predictRows, type FileSystem } from '@camtl/core';
import { ax, writeGlueSubmission, type TaskPredictions } from '@camtl/tasks-glue';
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
  split: string;
  ids: string[];
  predictions: number[];
  labels: string[];
}

/** Predictions for every task's test split(s) (or `split`), in file order. */
export async function predictSplits(
  run: OpenRun,
  fs: FileSystem,
  split: string | undefined,
  io: CliIO,
): Promise<SplitPredictions[]> {
  const out: SplitPredictions[] = [];
  for (const [t, task] of run.tasks.entries()) {
    for (const s of testSplits(Object.keys(task.splits), split)) {
      const { rows } = await readRunSplit(run, t, s, fs);
      const predictions = await predictRows(run.model, rows);
      out.push({
        task: task.name,
        split: s,
        ids: rows.map((r, i) => r.id ?? String(i)),
        predictions,
        labels: predictions.map((p) => task.formatPrediction(p)),
      });
      io.stderr(`  ${task.name} ${s}: ${rows.length} predictions\n`);
    }
  }
  if (out.length === 0)
    throw new CamtlError('BAD_INPUT', `no task has a split ${split ? `"${split}"` : 'test'} to predict`);
  return out;
}

export const predictCommand: CommandSpec = {
  name: 'predict',
  summary: 'predict the test split of every task of a trained model: one TSV per task (id, prediction)',
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
      description: 'folder for <task>.<split>.tsv files',
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
      const tsv = ['index\tprediction', ...p.ids.map((id, i) => `${id}\t${p.labels[i]}`)].join('\n') + '\n';
      await fs.writeFileAtomic(fs.join(dir, `${p.task}.${p.split}.tsv`), tsv);
    }
    run.model.dispose();
    io.stdout(`predictions written to ${dir}\n`);
    return 0;
  },
};

/** GLUE's diagnostic (AX) is predicted by the MNLI head, when the model has one and the file is there. */
async function predictAx(run: OpenRun, fs: FileSystem): Promise<TaskPredictions | undefined> {
  const mnli = run.tasks.findIndex((t) => t.name === 'mnli');
  const split = Object.keys(ax.splits)[0];
  if (mnli < 0 || !(await fs.exists(fs.join(run.dataDir, ax.splits[split])))) return undefined;
  const read = await ax.read(run.dataDir, split, fs);
  const rows = encodeExamples(run.tokenizer, read.examples, ax, mnli, run.maxSeqLength);
  return { ids: rows.map((r, i) => r.id ?? String(i)), predictions: await predictRows(run.model, rows) };
}

export const submitCommand: CommandSpec = {
  name: 'submit',
  summary: 'write the GLUE test-server files (one TSV per task) and submission.zip',
  usage: 'camtl submit [--model DIR] [--data DIR] [--output DIR]',
  flags: {
    ...RUN_FLAGS,
    output: {
      type: 'string',
      value: 'DIR',
      default: 'camtl-run/submission',
      description: 'folder for the TSVs and submission.zip',
    },
    backend: BACKEND_FLAG,
  },
  async run(values, io) {
    const fs = nodeFileSystem();
    await selectBackend(stringFlag(values, 'backend') ?? 'auto');
    const run = await openRun(values, fs);
    const entries: Record<string, TaskPredictions> = {};
    for (const p of await predictSplits(run, fs, undefined, io)) {
      const key = p.task === 'mnli' ? (p.split === 'test_mismatched' ? 'mnli-mm' : 'mnli-m') : p.task;
      entries[key] = { ids: p.ids, predictions: p.predictions };
    }
    const ax = await predictAx(run, fs);
    if (ax) entries.ax = ax;
    const dir = stringFlag(values, 'output') ?? 'camtl-run/submission';
    const result = await writeGlueSubmission(entries, dir, fs, { zip: true, tasks: run.tasks });
    run.model.dispose();
    io.stdout(`wrote ${result.files.length} file(s) and ${result.zip} in ${dir}\n`);
    if (result.missing.length > 0)
      io.stdout(
        `not in this submission (the server expects them for a full GLUE score): ${result.missing.join(', ')}\n`,
      );
    return 0;
  },
};
