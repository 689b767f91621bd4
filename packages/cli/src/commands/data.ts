import { CamtlError, type TaskDefinition } from '@camtl/core';
import { formatInspection, inspectSplit, taskMetrics } from '@camtl/tasks-glue';
import type { CommandSpec } from '../args';
import { stringFlag } from '../args';
import { readJsonFile } from '../files';
import { nodeFileSystem } from '@camtl/backend-node';
import { findTask, knownTasks } from '../train/data';

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

export const dataCommand: CommandSpec = {
  name: 'data',
  summary: "check that a task's data is read right: counts, skipped rows (with line numbers), label histogram",
  usage: 'camtl data --glue DIR --task TASK --split train|dev|test|dev_matched|dev_mismatched [--json]',
  flags: {
    glue: { type: 'string', value: 'DIR', description: 'the data folder (GLUE layout)' },
    data: { type: 'string', value: 'DIR', description: 'same as --glue' },
    task: {
      type: 'string',
      value: 'NAME',
      description:
        'a GLUE task (cola, sst-2, mrpc, sts-b, qqp, mnli, qnli, rte, wnli, ax), a synthetic-* one or a --task-def one',
    },
    'task-def': { type: 'string', value: 'FILE.json', description: 'a custom task definition (defineTask JSON)' },
    split: {
      type: 'string',
      value: 'NAME',
      default: 'train',
      description: 'train, dev, test, dev_matched, dev_mismatched, …',
    },
    json: {
      type: 'boolean',
      description: 'print {count, skipped: [{line, reason}], examples: [{text_a, text_b?, label?}]}',
    },
  },
  examples: [
    'camtl data --glue ./glue_data --task qqp --split train',
    'camtl data --glue ./glue_data --task mnli --split dev_mismatched --json',
  ],
  async run(values, io) {
    const fs = nodeFileSystem();
    const dir = stringFlag(values, 'glue') ?? stringFlag(values, 'data');
    const name = stringFlag(values, 'task');
    if (!dir || !name)
      throw new CamtlError('BAD_INPUT', 'camtl data needs --glue DIR and --task TASK', 'see camtl data --help');
    const defFile = stringFlag(values, 'task-def');
    const specs = defFile ? [(await readJsonFile(fs, defFile)) as never] : [];
    const task = findTask(knownTasks(specs), name);
    const split = resolveSplit(task, stringFlag(values, 'split') ?? 'train');
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
  summary: "score predictions made elsewhere with a GLUE task's metrics (one JSON object; null = undefined)",
  usage: 'camtl metrics --task TASK --input IN.json',
  flags: {
    task: { type: 'string', value: 'NAME', description: 'cola, sst-2, mrpc, sts-b, qqp, mnli, qnli, rte, wnli or ax' },
    input: {
      type: 'string',
      value: 'IN.json',
      description: '{predictions, labels}: numbers (or label strings for classification)',
    },
  },
  examples: ['camtl metrics --task mrpc --input preds.json'],
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
