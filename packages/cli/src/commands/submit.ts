import {
  CamtlError,
  encodeExamples,
  isSentenceKind,
  predictRows,
  type FileSystem,
  type TaskDefinition,
} from '@camtl/core';
import {
  GLUE_TASK_NAMES,
  SUPERGLUE_SUBMISSION_FILES,
  ax,
  axb,
  axg,
  writeGlueSubmission,
  writeSuperGlueSubmission,
  type SubmissionResult,
  type TaskPredictions,
} from '@camtl/tasks-glue';
import type { CliIO, CommandSpec } from '../args';
import { stringFlag } from '../args';
import { BACKEND_FLAG, selectBackend } from '../backend';
import { nodeFileSystem } from '@camtl/backend-node';
import { openRun, RUN_FLAGS, type OpenRun } from '../train/open-run';
import { taskDataDir } from '../train/task-dirs';
import { predictSplits, type SplitPredictions } from './predict';

/**
 * `camtl submit` writes the test-server files of GLUE (TSVs) and/or SuperGLUE
 * (JSONL). Without --benchmark it picks by the model's tasks: SuperGLUE when
 * it has SuperGLUE tasks, GLUE when it has GLUE ones (RTE is in both, so it
 * decides nothing), both for a mix (then into DIR/glue and DIR/superglue,
 * each with its own submission.zip, as each server takes one zip).
 */

export type Benchmark = 'glue' | 'superglue';
const BENCHMARKS: readonly Benchmark[] = ['glue', 'superglue'];
const SUPERGLUE_NAMES = new Set(SUPERGLUE_SUBMISSION_FILES.map((e) => e.key));

/** Whether `task`'s test predictions go into `benchmark`'s files. */
export function inBenchmark(benchmark: Benchmark, task: TaskDefinition): boolean {
  if (benchmark === 'superglue') return SUPERGLUE_NAMES.has(task.name);
  if (GLUE_TASK_NAMES.includes(task.name)) return true;
  // A user's own task with a submissionFile joins the GLUE zip, as it always did; the new kinds have no TSV form.
  return !!task.submissionFile && !SUPERGLUE_NAMES.has(task.name) && isSentenceKind(task.kind);
}

/** --benchmark, else by the tasks: the ones only one benchmark has decide; GLUE when none does. */
export function chooseBenchmarks(flag: string | undefined, tasks: readonly TaskDefinition[]): Benchmark[] {
  if (flag !== undefined) {
    const wanted = flag.split(',').map((b) => b.trim().toLowerCase());
    const bad = wanted.find((b) => !BENCHMARKS.includes(b as Benchmark));
    if (bad !== undefined)
      throw new CamtlError(
        'BAD_INPUT',
        `--benchmark: unknown benchmark "${bad}"`,
        'use glue, superglue or glue,superglue',
      );
    return BENCHMARKS.filter((b) => wanted.includes(b));
  }
  const decides = (b: Benchmark) => tasks.some((t) => t.name !== 'rte' && inBenchmark(b, t));
  const chosen = BENCHMARKS.filter(decides);
  return chosen.length > 0 ? chosen : ['glue'];
}

/** A diagnostic set predicted with another task's head (GLUE's AX with MNLI's, SuperGLUE's AX-b/AX-g with RTE's). */
async function predictDiagnostic(
  run: OpenRun,
  fs: FileSystem,
  diagnostic: TaskDefinition,
  head: string,
): Promise<TaskPredictions | undefined> {
  const t = run.tasks.findIndex((task) => task.name === head);
  if (t < 0 || run.tasks.some((task) => task.name === diagnostic.name)) return undefined;
  const dir = await taskDataDir(run.dataDir, diagnostic, fs);
  const split = Object.keys(diagnostic.splits)[0];
  if (!(await fs.exists(fs.join(dir, diagnostic.splits[split])))) return undefined;
  const read = await diagnostic.read(dir, split, fs);
  const rows = encodeExamples(run.tokenizer, read.examples, diagnostic, t, run.maxSeqLength);
  return { ids: rows.map((r, i) => r.id ?? String(i)), predictions: await predictRows(run.model, rows) };
}

async function glueEntries(run: OpenRun, fs: FileSystem, preds: SplitPredictions[]) {
  const entries: Record<string, TaskPredictions> = {};
  for (const p of preds.filter((p) => inBenchmark('glue', run.tasks.find((t) => t.name === p.task)!))) {
    const key = p.task === 'mnli' ? (p.split === 'test_mismatched' ? 'mnli-mm' : 'mnli-m') : p.task;
    entries[key] = { ids: p.ids, predictions: p.predictions as number[] };
  }
  const diagnostic = await predictDiagnostic(run, fs, ax, 'mnli');
  if (diagnostic) entries.ax = diagnostic;
  return entries;
}

async function superglueEntries(run: OpenRun, fs: FileSystem, preds: SplitPredictions[]) {
  const entries: Record<string, TaskPredictions> = {};
  for (const p of preds.filter((p) => SUPERGLUE_NAMES.has(p.task) && p.split === 'test'))
    entries[p.task] = { ids: p.ids, predictions: p.predictions as (number | string)[] };
  for (const diagnostic of [axb, axg]) {
    const predicted = await predictDiagnostic(run, fs, diagnostic, 'rte');
    if (predicted) entries[diagnostic.name] = predicted;
  }
  return entries;
}

async function writeBenchmark(b: Benchmark, run: OpenRun, fs: FileSystem, preds: SplitPredictions[], dir: string) {
  if (b === 'glue') return writeGlueSubmission(await glueEntries(run, fs, preds), dir, fs, { tasks: run.tasks });
  return writeSuperGlueSubmission(await superglueEntries(run, fs, preds), dir, fs);
}

function report(io: CliIO, b: Benchmark, dir: string, result: SubmissionResult): void {
  const name = b === 'glue' ? 'GLUE' : 'SuperGLUE';
  io.stdout(`wrote ${result.files.length} file(s) and ${result.zip} in ${dir}\n`);
  if (result.missing.length > 0)
    io.stdout(
      `not in this submission (the server expects them for a full ${name} score): ${result.missing.join(', ')}\n`,
    );
}

export const submitCommand: CommandSpec = {
  name: 'submit',
  summary: 'write the GLUE (TSV) and/or SuperGLUE (JSONL) test-server files and submission.zip',
  usage: 'camtl submit [--model DIR] [--data DIR] [--benchmark glue|superglue] [--output DIR]',
  flags: {
    ...RUN_FLAGS,
    benchmark: {
      type: 'string',
      value: 'NAME',
      description:
        "glue, superglue or glue,superglue (default: by the model's tasks; with both, DIR/glue and DIR/superglue)",
    },
    output: {
      type: 'string',
      value: 'DIR',
      default: 'camtl-run/submission',
      description: 'folder for the files and submission.zip',
    },
    backend: BACKEND_FLAG,
  },
  async run(values, io) {
    const fs = nodeFileSystem();
    await selectBackend(stringFlag(values, 'backend') ?? 'auto');
    const run = await openRun(values, fs);
    try {
      const benchmarks = chooseBenchmarks(stringFlag(values, 'benchmark'), run.tasks);
      const wanted = (t: TaskDefinition) => benchmarks.some((b) => inBenchmark(b, t));
      const others = run.tasks.filter((t) => !wanted(t)).map((t) => t.name);
      if (others.length > 0) io.stdout(`no test-server file for: ${others.join(', ')} (not submitted)\n`);
      if (!run.tasks.some(wanted))
        throw new CamtlError('BAD_INPUT', `no task of the model has a ${benchmarks.join(' or ')} test-server file`);
      const preds = await predictSplits(run, fs, undefined, io, wanted);
      const out = stringFlag(values, 'output') ?? 'camtl-run/submission';
      for (const b of benchmarks) {
        const dir = benchmarks.length > 1 ? fs.join(out, b) : out;
        report(io, b, dir, await writeBenchmark(b, run, fs, preds, dir));
      }
      return 0;
    } finally {
      run.model.dispose();
    }
  },
};
