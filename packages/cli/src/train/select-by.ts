import { CamtlError, type SelectBy, type TaskDefinition } from '@camtl/core';
import { GLUE_TASKS, glueScoreTask, glueSelection, type GlueConvention } from '@camtl/tasks-glue';
import type { FlagSpec } from '../args';
import { conventionFlag } from '../commands/glue-score';

/** `--select-by` of train and eval. */
export const SELECT_BY_FLAG: FlagSpec = {
  type: 'string',
  value: 'paper|mean',
  description:
    "the score that picks the best checkpoint and early-stops: paper (BERT's GLUE table, WNLI out) or mean (every task score); default paper when every task is a GLUE task, else mean. Both are always shown",
};

/** --select-by from a flag or a config file's value (undefined: decided by the tasks). */
export function parseSelectBy(value: unknown): GlueConvention | undefined {
  return value === undefined ? undefined : conventionFlag(String(value), 'select-by');
}

/** GLUE's own definitions (not a --task-def reusing a GLUE name), which the paper's score can read. */
const isGlue = (t: TaskDefinition) => GLUE_TASKS.includes(t as never) && glueScoreTask(t.name) !== undefined;

/** The convention a run uses: the one asked for, else paper when every task is a GLUE task, else mean. */
export function selectionConvention(tasks: readonly TaskDefinition[], asked?: GlueConvention): GlueConvention {
  if (asked === 'paper') {
    const other = tasks.find((t) => !isGlue(t));
    if (other)
      throw new CamtlError(
        'BAD_CONFIG',
        `--select-by paper: task "${other.name}" is not a GLUE task the paper's score includes`,
        'use --select-by mean for runs with other tasks',
      );
  }
  return asked ?? (tasks.length > 0 && tasks.every(isGlue) ? 'paper' : 'mean');
}

/** The Trainer's selectBy for the run's tasks. */
export function runSelection(tasks: readonly TaskDefinition[], asked?: GlueConvention): SelectBy {
  return glueSelection(
    selectionConvention(tasks, asked),
    tasks.map((t) => t.name),
  );
}
