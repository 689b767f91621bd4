import { CamtlError, type FileSystem, type TaskDefinition } from '@camtl/core';
import { strToU8, zipSync } from 'fflate';
import { parseNumber } from './define';
import { GLUE_TASKS } from './glue';

/**
 * The GLUE test server (gluebenchmark.com) takes one zip with one TSV per
 * task at its root, each `index<TAB>prediction` with the label strings of the
 * task (`entailment`, `0`/`1`, STS-B scores as numbers). It rejects a
 * submission that misses a file, so the writer reports which are missing.
 */

export interface SubmissionEntry {
  /** Key of the predictions record. */
  key: string;
  task: string;
  /** The split whose predictions go into the file. */
  split: string;
  file: string;
}

/** The files of a full GLUE submission, in leaderboard order. */
export const GLUE_SUBMISSION_FILES: readonly SubmissionEntry[] = [
  { key: 'cola', task: 'cola', split: 'test', file: 'CoLA.tsv' },
  { key: 'sst-2', task: 'sst-2', split: 'test', file: 'SST-2.tsv' },
  { key: 'mrpc', task: 'mrpc', split: 'test', file: 'MRPC.tsv' },
  { key: 'sts-b', task: 'sts-b', split: 'test', file: 'STS-B.tsv' },
  { key: 'qqp', task: 'qqp', split: 'test', file: 'QQP.tsv' },
  { key: 'mnli-m', task: 'mnli', split: 'test_matched', file: 'MNLI-m.tsv' },
  { key: 'mnli-mm', task: 'mnli', split: 'test_mismatched', file: 'MNLI-mm.tsv' },
  { key: 'qnli', task: 'qnli', split: 'test', file: 'QNLI.tsv' },
  { key: 'rte', task: 'rte', split: 'test', file: 'RTE.tsv' },
  { key: 'wnli', task: 'wnli', split: 'test', file: 'WNLI.tsv' },
  { key: 'ax', task: 'ax', split: 'test', file: 'AX.tsv' },
];

export const SUBMISSION_ZIP = 'submission.zip';

/** One task's test predictions: the ids of the test file and a class id, label string or score each. */
export interface TaskPredictions {
  ids: readonly (string | number)[];
  predictions: readonly (number | string)[];
}

/** The file and task a predictions key stands for: a GLUE key, or one of `tasks` with a submissionFile. */
function entryFor(key: string, tasks: readonly TaskDefinition[]): { file: string; task: TaskDefinition } {
  const glue = GLUE_SUBMISSION_FILES.find((e) => e.key === key.toLowerCase());
  // The server's format is GLUE's own, whatever a user's task of the same name does.
  if (glue) return { file: glue.file, task: GLUE_TASKS.find((t) => t.name === glue.task)! };
  const task = tasks.find((t) => t.name === key.toLowerCase());
  if (task?.submissionFile && key.toLowerCase() !== 'mnli') return { file: task.submissionFile, task };
  const keys = GLUE_SUBMISSION_FILES.map((e) => e.key).join(', ');
  throw new CamtlError(
    'BAD_INPUT',
    `submission: no test-server file for "${key}"`,
    `use one of ${keys}${key.toLowerCase() === 'mnli' ? ' (MNLI has two test sets)' : ''}, or pass your task (with a submissionFile) in \`tasks\``,
  );
}

function formatOne(task: TaskDefinition, p: number | string): string {
  if (typeof p === 'number') return task.formatPrediction(p);
  if (task.kind === 'classification') return task.formatPrediction(task.target(p));
  const v = parseNumber(p);
  if (v === undefined)
    throw new CamtlError('BAD_INPUT', `submission for "${task.name}": prediction "${p}" is not a number`);
  return task.formatPrediction(v);
}

/** The TSV text of one file: header `index<TAB>prediction`, one row per id. */
export function submissionTsv(task: TaskDefinition, preds: TaskPredictions): string {
  const { ids, predictions } = preds;
  if (ids.length !== predictions.length) {
    throw new CamtlError(
      'BAD_INPUT',
      `submission for "${task.name}": ${ids.length} ids but ${predictions.length} predictions`,
    );
  }
  const seen = new Set<string>();
  const rows = ['index\tprediction'];
  ids.forEach((id, i) => {
    const key = String(id);
    if (key === '' || seen.has(key)) {
      throw new CamtlError(
        'BAD_INPUT',
        `submission for "${task.name}": ${key === '' ? 'empty' : 'duplicate'} id "${key}" at position ${i}`,
      );
    }
    seen.add(key);
    rows.push(`${key}\t${formatOne(task, predictions[i])}`);
  });
  return rows.join('\n') + '\n';
}

/**
 * File name → TSV text for every task in `predictions`. Keys are GLUE's, or
 * the names of `tasks` (your own tasks with a submissionFile).
 */
export function glueSubmissionFiles(
  predictions: Readonly<Record<string, TaskPredictions>>,
  tasks: readonly TaskDefinition[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, preds] of Object.entries(predictions)) {
    const { file, task } = entryFor(key, tasks);
    if (file in out) throw new CamtlError('BAD_INPUT', `submission: two entries write ${file}`);
    out[file] = submissionTsv(task, preds);
  }
  return out;
}

/** A zip of the files at its root; fixed timestamps make equal inputs give equal bytes. */
export function zipSubmission(files: Readonly<Record<string, string>>): Uint8Array {
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const entries = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]));
  return zipSync(entries, { level: 6, mtime });
}

export interface SubmissionResult {
  /** Paths of the written TSV files. */
  files: string[];
  /** Path of the zip, unless `zip: false`. */
  zip?: string;
  /** GLUE files the server expects that this submission lacks. */
  missing: string[];
}

/**
 * Writes one TSV per task into `outDir` plus `submission.zip` holding them.
 * Keys of `predictions`: cola, sst-2, mrpc, sts-b, qqp, mnli-m, mnli-mm, qnli,
 * rte, wnli, ax, or the name of one of `options.tasks` that has a submissionFile.
 */
export async function writeGlueSubmission(
  predictions: Readonly<Record<string, TaskPredictions>>,
  outDir: string,
  fs: FileSystem,
  options: { zip?: boolean; tasks?: readonly TaskDefinition[] } = {},
): Promise<SubmissionResult> {
  const files = glueSubmissionFiles(predictions, options.tasks);
  const expected = GLUE_SUBMISSION_FILES.map((e) => e.file);
  return writeSubmissionFiles(files, expected, outDir, fs, options.zip !== false);
}

/** Writes a server's files (name → text) and their zip; `missing` = the expected files not among them. */
export async function writeSubmissionFiles(
  files: Readonly<Record<string, string>>,
  expected: readonly string[],
  outDir: string,
  fs: FileSystem,
  zip: boolean,
): Promise<SubmissionResult> {
  await fs.mkdirp(outDir);
  const written: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = fs.join(outDir, name);
    await fs.writeFileAtomic(path, text);
    written.push(path);
  }
  const missing = [...new Set(expected)].filter((f) => !(f in files));
  if (!zip) return { files: written, missing };
  const zipFile = fs.join(outDir, SUBMISSION_ZIP);
  await fs.writeFileAtomic(zipFile, zipSubmission(files));
  return { files: written, zip: zipFile, missing };
}
