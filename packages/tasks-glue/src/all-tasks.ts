import { CamtlError, type TaskDefinition } from '@camtl/core';
import { EXTRA_TASKS } from './extra-tasks';
import { GLUE_ALIASES, GLUE_TASKS } from './glue';
import { SUPERGLUE_TASKS } from './superglue';
import { TASK_SUITES } from './suites';

/** Every task this package defines: GLUE's, SuperGLUE's, then ReCoRD, SQuAD/MRQA, WNUT2017, SciTail and SNLI. */
export const ALL_TASKS: readonly TaskDefinition[] = [...GLUE_TASKS, ...SUPERGLUE_TASKS, ...EXTRA_TASKS];

/**
 * A task of any benchmark by name, in any case (GLUE's aliases too), or the
 * tasks of a suite name (`glue`, `superglue`, `paper-24`, `scitail`, `snli`).
 */
export function resolveTasks(name: string): TaskDefinition[] {
  const key = name.toLowerCase();
  const names = Object.hasOwn(TASK_SUITES, key) ? TASK_SUITES[key] : [key];
  return names.map((n) => {
    const canonical = Object.hasOwn(GLUE_ALIASES, n) ? GLUE_ALIASES[n] : n;
    const task = ALL_TASKS.find((t) => t.name === canonical);
    if (task) return task;
    throw new CamtlError(
      'NOT_FOUND',
      `unknown task "${name}"`,
      `tasks: ${ALL_TASKS.map((t) => t.name).join(', ')}; suites: ${Object.keys(TASK_SUITES).join(', ')}`,
    );
  });
}
