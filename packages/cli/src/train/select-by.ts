import { CamtlError, type SelectBy, type TaskDefinition } from '@camtl/core';
import { GLUE_SCORE_TASKS, GLUE_TASKS, glueScoreTask, glueSelection, type GlueConvention } from '@camtl/tasks-glue';
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

/** Whether the paper's score has an entry for the task (WNLI has none). */
const inPaperScore = (t: TaskDefinition) => GLUE_SCORE_TASKS[glueScoreTask(t.name)!] !== null;

/**
 * The convention a run uses: the one asked for, else paper when every task is
 * a GLUE task and the paper's score includes one of them (a WNLI-only run
 * would have no score to select by), else mean.
 */
export function selectionConvention(tasks: readonly TaskDefinition[], asked?: GlueConvention): GlueConvention {
  const glue = tasks.every(isGlue);
  if (asked === 'paper') {
    const other = tasks.find((t) => !isGlue(t));
    if (other)
      throw new CamtlError(
        'BAD_CONFIG',
        `--select-by paper: task "${other.name}" is not a GLUE task the paper's score includes`,
        'use --select-by mean for runs with other tasks',
      );
    if (!tasks.some(inPaperScore))
      throw new CamtlError(
        'BAD_CONFIG',
        `--select-by paper: none of the tasks (${tasks.map((t) => t.name).join(', ')}) is in the paper's score`,
        'the paper leaves WNLI out; use --select-by mean',
      );
  }
  return asked ?? (glue && tasks.some(inPaperScore) ? 'paper' : 'mean');
}

/** The Trainer's selectBy for the run's tasks. */
export function runSelection(tasks: readonly TaskDefinition[], asked?: GlueConvention): SelectBy {
  return glueSelection(
    selectionConvention(tasks, asked),
    tasks.map((t) => t.name),
  );
}
