import { CamtlError, type FileSystem } from '@camtl/core';
import { BOOLEAN_CLASSES, CB_CLASSES, ENTAILMENT_CLASSES } from './superglue-readers';
import { writeSubmissionFiles, type SubmissionResult, type TaskPredictions } from './submission';

/**
 * The SuperGLUE test server (super.gluebenchmark.com) takes one zip with one
 * JSONL file per task at its root. Each line is `{"idx": <int>, "label": …}`
 * with the idx of the task's test.jsonl, as jiant's `super_glue_format_preds`
 * (the benchmark's reference writer) builds them:
 * - BoolQ, WiC: "true" / "false"; WSC: "True" / "False" (jiant writes Python's
 *   `str(bool)` there, and the server takes what jiant writes);
 * - CB, RTE, AX-b, AX-g: the label strings ("entailment", …);
 * - COPA: the chosen alternative as an int, 0 or 1 (the test file's choice1/choice2);
 * - ReCoRD: the answer text, one line per query (idx = the query's idx);
 * - MultiRC: one line per paragraph, `{"idx": p, "passage": {"questions":
 *   [{"idx": q, "answers": [{"idx": a, "label": 0|1}]}]}}`, built from
 *   per-answer-option predictions whose ids are "p-q-a", in first-seen order.
 * Lines are serialised as Python's `json.dumps` does (", " and ": "
 * separators, non-ASCII escaped), so files match jiant's byte for byte,
 * plus a final newline. RTE.jsonl may come from GLUE's RTE test.tsv: its
 * indices 0…2999 are SuperGLUE's RTE test.jsonl idx values, row for row
 * (the texts differ only in quotes the SuperGLUE copy drops).
 */

export interface SuperGlueSubmissionEntry {
  /** Key of the predictions record: a camtl task name. */
  key: string;
  file: string;
}

/** The files of a full SuperGLUE submission, in leaderboard order. */
export const SUPERGLUE_SUBMISSION_FILES: readonly SuperGlueSubmissionEntry[] = [
  { key: 'boolq', file: 'BoolQ.jsonl' },
  { key: 'cb', file: 'CB.jsonl' },
  { key: 'copa', file: 'COPA.jsonl' },
  { key: 'multirc', file: 'MultiRC.jsonl' },
  { key: 'record', file: 'ReCoRD.jsonl' },
  { key: 'rte', file: 'RTE.jsonl' },
  { key: 'wic', file: 'WiC.jsonl' },
  { key: 'wsc', file: 'WSC.jsonl' },
  { key: 'axb', file: 'AX-b.jsonl' },
  { key: 'axg', file: 'AX-g.jsonl' },
];

type Label = string | number;

function fail(key: string, message: string): never {
  throw new CamtlError('BAD_INPUT', `superglue submission for "${key}": ${message}`);
}

/** A class id or label string → the label string; boolean tasks take "True"/"False" too. */
function classLabel(key: string, classes: readonly string[], p: number | string): string {
  if (typeof p === 'number') {
    if (Number.isInteger(p) && p >= 0 && p < classes.length) return classes[p];
    return fail(key, `prediction ${p} is not a class id 0…${classes.length - 1}`);
  }
  const s = classes === BOOLEAN_CLASSES ? p.toLowerCase() : p;
  if (classes.includes(s)) return s;
  return fail(key, `prediction "${p}" is not one of ${classes.join(', ')}`);
}

const booleanId = (key: string, p: number | string) =>
  BOOLEAN_CLASSES.indexOf(classLabel(key, BOOLEAN_CLASSES, p === '0' || p === '1' ? +p : p) as 'true');

/** Each key's label as the server reads it, from a class id / choice id / label string / answer text. */
const LABELS: Readonly<Record<string, (key: string, p: number | string) => Label>> = {
  boolq: (k, p) => classLabel(k, BOOLEAN_CLASSES, p),
  wic: (k, p) => classLabel(k, BOOLEAN_CLASSES, p),
  wsc: (k, p) => (classLabel(k, BOOLEAN_CLASSES, p) === 'true' ? 'True' : 'False'),
  cb: (k, p) => classLabel(k, CB_CLASSES, p),
  rte: (k, p) => classLabel(k, ENTAILMENT_CLASSES, p),
  axb: (k, p) => classLabel(k, ENTAILMENT_CLASSES, p),
  axg: (k, p) => classLabel(k, ENTAILMENT_CLASSES, p),
  copa: (k, p) => +classLabel(k, ['0', '1'], p),
  multirc: booleanId,
  record: (k, p) => (typeof p === 'string' ? p : fail(k, `prediction ${p} is not an answer text`)),
};

/** A test file's idx: the ids are the files' integer idx values (AX-b writes them as strings). */
function idxOf(key: string, id: string | number, i: number): number {
  const s = String(id);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(+s))
    return fail(key, `id "${s}" at position ${i} is not an integer idx`);
  return +s;
}

/** Python's json.dumps with its defaults: ", " and ": " separators, every non-ASCII code unit escaped. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'string')
    return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

function checkLengths(key: string, preds: TaskPredictions): void {
  if (preds.ids.length !== preds.predictions.length)
    fail(key, `${preds.ids.length} ids but ${preds.predictions.length} predictions`);
}

/** One `{"idx", "label"}` record per test example, duplicates refused. */
function flatRecords(key: string, preds: TaskPredictions, label: (p: number | string) => Label): object[] {
  const seen = new Set<number>();
  return preds.ids.map((id, i) => {
    const idx = idxOf(key, id, i);
    if (seen.has(idx)) fail(key, `duplicate id "${id}" at position ${i}`);
    seen.add(idx);
    return { idx, label: label(preds.predictions[i]) };
  });
}

/** MultiRC: per-option predictions with ids "p-q-a" → one record per paragraph, in first-seen order. */
function multircRecords(preds: TaskPredictions): object[] {
  const paragraphs = new Map<number, Map<number, { idx: number; label: Label }[]>>();
  const seen = new Set<string>();
  preds.ids.forEach((id, i) => {
    const parts = String(id).split('-');
    if (parts.length !== 3) fail('multirc', `id "${id}" at position ${i} is not "paragraph-question-answer"`);
    const [p, q, a] = parts.map((x) => idxOf('multirc', x, i));
    if (seen.has(`${p}-${q}-${a}`)) fail('multirc', `duplicate id "${id}" at position ${i}`);
    seen.add(`${p}-${q}-${a}`);
    const questions = paragraphs.get(p) ?? paragraphs.set(p, new Map()).get(p)!;
    const answers = questions.get(q) ?? questions.set(q, []).get(q)!;
    answers.push({ idx: a, label: booleanId('multirc', preds.predictions[i]) });
  });
  return [...paragraphs].map(([idx, questions]) => ({
    idx,
    passage: { questions: [...questions].map(([q, answers]) => ({ idx: q, answers })) },
  }));
}

/** The JSONL text of one task's file. */
export function superglueJsonl(key: string, preds: TaskPredictions): string {
  const label = LABELS[key];
  if (!label) fail(key, `no SuperGLUE file; use one of ${Object.keys(LABELS).join(', ')}`);
  checkLengths(key, preds);
  const records = key === 'multirc' ? multircRecords(preds) : flatRecords(key, preds, (p) => label(key, p));
  return records.map((r) => pythonJson(r) + '\n').join('');
}

/** File name → JSONL text for every task in `predictions` (keys: boolq, cb, copa, multirc, record, rte, wic, wsc, axb, axg). */
export function superglueSubmissionFiles(
  predictions: Readonly<Record<string, TaskPredictions>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, preds] of Object.entries(predictions)) {
    const entry = SUPERGLUE_SUBMISSION_FILES.find((e) => e.key === key.toLowerCase());
    if (!entry) fail(key, `no SuperGLUE file; use one of ${SUPERGLUE_SUBMISSION_FILES.map((e) => e.key).join(', ')}`);
    out[entry.file] = superglueJsonl(entry.key, preds);
  }
  return out;
}

/**
 * Writes one JSONL per task into `outDir` plus `submission.zip` holding them,
 * and names the server's files this submission lacks.
 */
export async function writeSuperGlueSubmission(
  predictions: Readonly<Record<string, TaskPredictions>>,
  outDir: string,
  fs: FileSystem,
  options: { zip?: boolean } = {},
): Promise<SubmissionResult> {
  const files = superglueSubmissionFiles(predictions);
  const expected = SUPERGLUE_SUBMISSION_FILES.map((e) => e.file);
  return writeSubmissionFiles(files, expected, outDir, fs, options.zip !== false);
}
