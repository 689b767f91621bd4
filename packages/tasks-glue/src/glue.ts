import { CamtlError, type MetricValues, type TaskDefinition } from '@camtl/core';
import { defineTask, parseNumber, type DefinedTask } from './define';
import type { Columns } from './formats';

/**
 * The GLUE tasks, read exactly as HF's `glue_processors` (transformers 2.11,
 * which CA-MTL uses) read the files of the standard GLUE download: the same
 * column positions, the same header rules, the same label order. Columns are
 * given by position, as HF does, with header names only in messages.
 */

const MNLI_LABELS = ['contradiction', 'entailment', 'neutral'];
const ENTAILMENT_LABELS = ['entailment', 'not_entailment'];
const BINARY_LABELS = ['0', '1'];

/** `index sentence1 sentence2 label` (label last) and its test form without the label. */
const PAIR_WITH_INDEX: Columns = { id: 0, textA: 1, textB: 2, label: -1 };
const PAIR_TEST: Columns = { id: 0, textA: 1, textB: 2 };

/** STS-B's scores are 0…5; the server wants numbers, three decimals are plenty. */
function formatStsb(prediction: number): string {
  if (!Number.isFinite(prediction)) {
    throw new CamtlError('BAD_INPUT', `task "sts-b": prediction ${prediction} is not a finite number`);
  }
  return Math.min(5, Math.max(0, prediction)).toFixed(3);
}

function pairTask(name: string, dir: string, labels: string[], submissionFile: string): DefinedTask {
  return defineTask({
    name,
    kind: 'classification',
    labels,
    format: 'tsv',
    allowEmptyText: true, // HF's GLUE processors keep empty texts
    files: {
      train: `${dir}/train.tsv`,
      dev: `${dir}/dev.tsv`,
      test: { path: `${dir}/test.tsv`, columns: PAIR_TEST },
    },
    columns: PAIR_WITH_INDEX,
    metrics: ['accuracy'],
    score: 'accuracy',
    submissionFile,
  });
}

// CoLA's train/dev files have no header: source, label, the author's notation
// ("*" for unacceptable), sentence. Its test file has a header `index sentence`.
export const cola = defineTask({
  name: 'cola',
  kind: 'classification',
  labels: BINARY_LABELS,
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: {
    train: 'CoLA/train.tsv',
    dev: 'CoLA/dev.tsv',
    test: { path: 'CoLA/test.tsv', header: true, columns: { id: 0, textA: 1 } },
  },
  header: false,
  columnNames: ['source', 'label', 'notation', 'sentence'],
  columns: { label: 1, textA: 3 },
  metrics: ['mcc'],
  score: 'mcc',
  submissionFile: 'CoLA.tsv',
});

export const sst2 = defineTask({
  name: 'sst-2',
  kind: 'classification',
  labels: BINARY_LABELS,
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: {
    train: 'SST-2/train.tsv',
    dev: 'SST-2/dev.tsv',
    test: { path: 'SST-2/test.tsv', columns: { id: 0, textA: 1 } },
  },
  columns: { textA: 0, label: 1 },
  metrics: ['accuracy'],
  score: 'accuracy',
  submissionFile: 'SST-2.tsv',
});

// `Quality #1 ID #2 ID #1 String #2 String`; the test file has `index` in place of Quality.
export const mrpc = defineTask({
  name: 'mrpc',
  kind: 'classification',
  labels: BINARY_LABELS,
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: {
    train: 'MRPC/train.tsv',
    dev: 'MRPC/dev.tsv',
    test: { path: 'MRPC/test.tsv', columns: { id: 0, textA: 3, textB: 4 } },
  },
  columns: { label: 0, textA: 3, textB: 4 },
  metrics: ['accuracy', 'f1', 'acc_and_f1'],
  score: 'acc_and_f1',
  submissionFile: 'MRPC.tsv',
});

// index genre filename year old_index source1 source2 sentence1 sentence2 score.
export const stsb = defineTask({
  name: 'sts-b',
  kind: 'regression',
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: {
    train: 'STS-B/train.tsv',
    dev: 'STS-B/dev.tsv',
    test: { path: 'STS-B/test.tsv', columns: { id: 0, textA: 7, textB: 8 } },
  },
  columns: { id: 0, textA: 7, textB: 8, label: -1 },
  metrics: ['pearson', 'spearman', 'pearson_and_spearman'],
  score: 'pearson_and_spearman',
  submissionFile: 'STS-B.tsv',
  formatPrediction: formatStsb,
});

// id qid1 qid2 question1 question2 is_duplicate; test: id question1 question2.
export const qqp = defineTask({
  name: 'qqp',
  kind: 'classification',
  labels: BINARY_LABELS,
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: {
    train: 'QQP/train.tsv',
    dev: 'QQP/dev.tsv',
    test: { path: 'QQP/test.tsv', columns: { id: 0, textA: 1, textB: 2 } },
  },
  columns: { id: 0, textA: 3, textB: 4, label: 5 },
  metrics: ['accuracy', 'f1', 'acc_and_f1'],
  score: 'acc_and_f1',
  submissionFile: 'QQP.tsv',
  badRowHint: "QQP's files hold rows cut short by line breaks inside questions, which HF's QqpProcessor skips",
});

// index promptID pairID genre, four parse columns, sentence1 sentence2, then the
// annotator labels (1 in train, 5 in dev) and gold_label last; test stops at sentence2.
const MNLI_TEST: Columns = { id: 0, textA: 8, textB: 9 };
export const mnli = defineTask({
  name: 'mnli',
  kind: 'classification',
  labels: MNLI_LABELS,
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: {
    train: 'MNLI/train.tsv',
    dev_matched: 'MNLI/dev_matched.tsv',
    dev_mismatched: 'MNLI/dev_mismatched.tsv',
    test_matched: { path: 'MNLI/test_matched.tsv', columns: MNLI_TEST },
    test_mismatched: { path: 'MNLI/test_mismatched.tsv', columns: MNLI_TEST },
  },
  columns: { id: 0, textA: 8, textB: 9, label: -1 },
  devSplits: ['dev_matched', 'dev_mismatched'],
  metrics: ['accuracy'],
  score: 'accuracy',
  submissionFile: 'MNLI-m.tsv',
});

export const qnli = pairTask('qnli', 'QNLI', ENTAILMENT_LABELS, 'QNLI.tsv');
export const rte = pairTask('rte', 'RTE', ENTAILMENT_LABELS, 'RTE.tsv');
export const wnli = pairTask('wnli', 'WNLI', BINARY_LABELS, 'WNLI.tsv');

// The diagnostic set: test only (`index sentence1 sentence2`), predicted with
// an MNLI head, so it carries MNLI's labels.
export const ax = defineTask({
  name: 'ax',
  kind: 'classification',
  labels: MNLI_LABELS,
  format: 'tsv',
  allowEmptyText: true, // HF's GLUE processors keep empty texts
  files: { test: 'diagnostic/diagnostic.tsv' },
  columns: PAIR_TEST,
  metrics: ['accuracy'],
  score: 'accuracy',
  submissionFile: 'AX.tsv',
});

/** Every GLUE task, in the order of the GLUE leaderboard. */
export const GLUE_TASKS: readonly DefinedTask[] = [cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte, wnli, ax];
export const GLUE_TASK_NAMES: readonly string[] = GLUE_TASKS.map((t) => t.name);

/** Other names of GLUE tasks: the test server's `mnli-m` / `mnli-mm`, and HF datasets' `sst2` / `stsb`. */
export const GLUE_ALIASES: Readonly<Record<string, string>> = {
  'mnli-m': 'mnli',
  'mnli-mm': 'mnli',
  sst2: 'sst-2',
  stsb: 'sts-b',
};

/** A GLUE task by name, in any case, aliases accepted. */
export function resolveTask(name: string): DefinedTask {
  const key = name.toLowerCase();
  const canonical = Object.hasOwn(GLUE_ALIASES, key) ? GLUE_ALIASES[key] : key;
  const task = GLUE_TASKS.find((t) => t.name === canonical);
  if (!task) {
    throw new CamtlError(
      'NOT_FOUND',
      `unknown GLUE task "${name}"`,
      `GLUE tasks: ${GLUE_TASK_NAMES.join(', ')} (also ${Object.keys(GLUE_ALIASES).join(', ')}); describe your own with defineTask`,
    );
  }
  return task;
}

function toNumber(task: TaskDefinition, v: number | string, what: string): number {
  if (typeof v === 'number') return v;
  if (task.kind === 'classification') return task.target(v);
  const n = parseNumber(v);
  if (n === undefined) throw new CamtlError('BAD_INPUT', `task "${task.name}": ${what} "${v}" is not a number`);
  return n;
}

/**
 * The task's GLUE metrics (HF `glue_compute_metrics` key sets) of predictions
 * against labels, as numbers (class ids / floats) or, for classification, the
 * label strings of the files. Backs `camtl metrics --task`.
 */
export function taskMetrics(
  taskName: string,
  predictions: readonly (number | string)[],
  labels: readonly (number | string)[],
): MetricValues {
  const task = resolveTask(taskName);
  const p = predictions.map((v) => toNumber(task, v, 'prediction'));
  const l = labels.map((v) => toNumber(task, v, 'label'));
  return task.metrics(p, l);
}
