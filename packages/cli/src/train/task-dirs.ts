import type { FileSystem, TaskDefinition } from '@camtl/core';
import { GLUE_TASKS } from '@camtl/tasks-glue';

/**
 * The folder a task reads its files from. `--data DIR` is either one
 * dataset's own folder (the GLUE layout with CoLA/, SST-2/…; SuperGLUE's with
 * BoolQ/, CB/…; WNUT2017's; …) or a data root holding one folder per dataset
 * (glue/, superglue/, wnut17/, scitail/, snli/, squad/, as ../shared/data is):
 * a task whose dataset folder is in DIR reads from there, any other from DIR.
 * So one run can train on GLUE, SuperGLUE, WNUT2017 and SQuAD together.
 */
export async function taskDataDir(root: string, task: TaskDefinition, fs: FileSystem): Promise<string> {
  const dataset = (task as { dataset?: string }).dataset ?? (GLUE_TASKS.includes(task as never) ? 'glue' : undefined);
  if (dataset === undefined) return root;
  const sub = fs.join(root, dataset);
  return (await fs.exists(sub)) ? sub : root;
}
