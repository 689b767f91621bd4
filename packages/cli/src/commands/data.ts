import { CamtlError, type FileSystem, type TaskDefinition } from '@camtl/core';
import { formatInspection, inspectSplit, taskMetrics, type OfficialTask } from '@camtl/tasks-glue';
import type { CommandSpec } from '../args';
import { asUsageError, stringFlag } from '../args';
import { readJsonFile } from '../files';
import { nodeFileSystem } from '@camtl/backend-node';
import { findTask, knownTasks, readTaskDef } from '../train/data';

/** "dev"/"test" also name MNLI's matched splits, so the same command works for every GLUE task. */
function resolveSplit(task: TaskDefinition, split: string): string {
  if (split in task.splits) return split;
  if (`${split}_matched` in task.splits) return `${split}_matched`;
  throw new CamtlError(
    'BAD_INPUT',
    `task "${task.name}" has no split "${split}"`,
    `its splits: ${Object.keys(task.splits).join(', ')}`,
  );
}

/** Tasks with their own `camtl metrics` input (SuperGLUE and the other benchmarks beyond GLUE). */
function isOfficialTask(task: TaskDefinition): task is OfficialTask {
  return typeof (task as Partial<OfficialTask>).metricsFromJson === 'function';
}

/**
 * A file system on which the split's file (`expected`) is `file`: the task's
 * own reader then reads it, quirks, line numbers and all, under its real name.
 */
function splitFileAt(fs: FileSystem, expected: string, file: string): FileSystem {
  return new Proxy(fs, {
    get(target, key) {
      if (key !== 'join') return Reflect.get(target, key);
      return (...parts: string[]) => {
        const path = target.join(...parts);
        return path === expected ? file : path;
      };
    },
  });
}

export const dataCommand: CommandSpec = {
  name: 'data',
  summary:
    "check that a task's data is read right: counts, skipped rows (with line numbers), label histogram, file quirks",
  usage:
    'camtl data --glue DIR --task TASK --split train|dev|test|dev_matched|dev_mismatched [--json]\n' +
    '       camtl data --task TASK --split SPLIT --file FILE [--json]',
  flags: {
    glue: {
      type: 'string',
      value: 'DIR',
      description:
        "the dataset's folder: GLUE's (CoLA/, SST-2/, …), SuperGLUE's (BoolQ/, CB/, …, AX-b/, AX-g/), WNUT2017's, " +
        "SciTail's, SNLI's or SQuAD's",
    },
    file: {
      type: 'string',
      value: 'FILE',
      description: "read this file as the split's file, wherever it is (a sample, a renamed copy)",
    },
    data: { type: 'string', value: 'DIR', description: 'same as --glue' },
    task: {
      type: 'string',
      value: 'NAME',
      description:
        'a GLUE task (cola, sst-2, mrpc, sts-b, qqp, mnli, qnli, rte, wnli, ax), a SuperGLUE one (boolq, cb, copa, ' +
        'multirc, record, wic, wsc, axb, axg), wnut17, scitail, snli, squad, a synthetic-* one or a --task-def one',
    },
    'task-def': { type: 'string', value: 'FILE.json', description: 'a custom task definition (defineTask JSON)' },
    split: {
      type: 'string',
      value: 'NAME',
      default: 'train',
      description: "train, dev, test, dev_matched, dev_mismatched, …; SuperGLUE's dev is val.jsonl, AX-b/AX-g are test",
    },
    json: {
      type: 'boolean',
      description:
        'print {count, skipped: [{line, reason}], examples, quirks?: {name: count}}; an example is ' +
        '{text_a, text_b?, label?, id?, group?} (classification, regression), {text_a, choices, label?, id?} ' +
        '(multiple choice), {words, tags?, id?} (token) or {id, question, context, answers: [{text, answer_start}]} (span)',
    },
  },
  examples: [
    'camtl data --glue ./glue_data --task qqp --split train',
    'camtl data --glue ./glue_data --task mnli --split dev_mismatched --json',
    'camtl data --glue ./superglue --task multirc --split dev',
    'camtl data --glue ./wnut17 --task wnut17 --split train --json',
    'camtl data --task record --split train --file ./ReCoRD/sample/train.jsonl',
  ],
  async run(values, io) {
    const file = stringFlag(values, 'file');
    const dir = stringFlag(values, 'glue') ?? stringFlag(values, 'data') ?? (file ? '.' : undefined);
    const name = stringFlag(values, 'task');
    if (!dir || !name)
      throw new CamtlError(
        'BAD_INPUT',
        'camtl data needs --glue DIR (or --file FILE) and --task TASK',
        'see camtl data --help',
      );
    const defFile = stringFlag(values, 'task-def');
    const disk = nodeFileSystem();
    // A bad --task-def file is a usage error naming it, as in camtl train.
    const specs = defFile
      ? [await readTaskDef(defFile, disk).catch((e: unknown) => Promise.reject(asUsageError(e)))]
      : [];
    const task = findTask(knownTasks(specs), name);
    const split = resolveSplit(task, stringFlag(values, 'split') ?? 'train');
    const fs = file ? splitFileAt(disk, disk.join(dir, task.splits[split]), file) : disk;
    const result = await inspectSplit(task, dir, split, fs, {
      skipBadRows: true,
      examples: values.json ? Infinity : 5,
    });
    if (values.json) {
      const { histogram: _histogram, ...contract } = result;
      io.stdout(JSON.stringify(contract) + '\n');
    } else io.stdout(formatInspection(result, { title: `${task.name} ${split} (${dir})` }) + '\n');
    return 0;
  },
};

export const metricsCommand: CommandSpec = {
  name: 'metrics',
  summary:
    "score predictions made elsewhere with a task's official metrics (one JSON object of fractions; null = undefined)",
  usage: 'camtl metrics --task TASK --input IN.json',
  flags: {
    task: {
      type: 'string',
      value: 'NAME',
      description:
        'GLUE: cola, sst-2, mrpc, sts-b, qqp, mnli, qnli, rte, wnli, ax; SuperGLUE: boolq, cb, copa, multirc, record, ' +
        'wic, wsc, axb, axg; wnut17, scitail, snli, squad (and the MRQA sets)',
    },
    input: {
      type: 'string',
      value: 'IN.json',
      description:
        '{predictions, labels}: class ids or labels as the files write them (strings, JSON booleans), numbers for ' +
        'regression; multirc and axg also take "groups" (the question / the pair of each row); squad and record take ' +
        '{predictions: {id: text}, references: {id: [golds]}}, wnut17 {predictions: [[tags]], labels: [[tags]]}',
    },
  },
  examples: [
    'camtl metrics --task mrpc --input preds.json',
    'camtl metrics --task multirc --input multirc-dev.json',
    'camtl metrics --task squad --input squad-dev.json',
  ],
  async run(values, io) {
    const fs = nodeFileSystem();
    const name = stringFlag(values, 'task');
    const input = stringFlag(values, 'input');
    if (!name || !input)
      throw new CamtlError(
        'BAD_INPUT',
        'camtl metrics needs --task TASK and --input IN.json',
        'see camtl metrics --help',
      );
    const raw = (await readJsonFile(fs, input)) as { predictions?: unknown; labels?: unknown };
    // Tasks beyond GLUE score their own input shape; GLUE's keep taskMetrics (and its aliases, errors).
    const task = knownTasks([]).get(name.toLowerCase());
    if (task && isOfficialTask(task)) {
      io.stdout(JSON.stringify(task.metricsFromJson(raw, input)) + '\n');
      return 0;
    }
    const { predictions, labels } = raw ?? {};
    if (!Array.isArray(predictions) || !Array.isArray(labels)) {
      throw new CamtlError('BAD_INPUT', `${input}: expected {"predictions": [...], "labels": [...]}`);
    }
    if (predictions.length !== labels.length) {
      throw new CamtlError('BAD_INPUT', `${input}: ${predictions.length} predictions for ${labels.length} labels`);
    }
    io.stdout(JSON.stringify(taskMetrics(name, predictions, labels)) + '\n');
    return 0;
  },
};
