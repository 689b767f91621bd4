import { GLUE_TASK_NAMES } from './glue';
import { MRQA_TASKS } from './mrqa';

/**
 * The paper's task suites as data, for `--tasks SUITE`. `paper-24` is the
 * 24-task model (GLUE + SuperGLUE + MRQA + WNUT2017): GLUE's 9 tasks, the 8
 * SuperGLUE tasks (RTE is the same data in both, so it is named once), the 6
 * MRQA training sets and WNUT2017, 23 names for 24 benchmark entries. Of the
 * MRQA sets only SQuAD has data in the project's shared data folder; NewsQA,
 * TriviaQA, SearchQA, HotpotQA and NaturalQuestions read MRQA files the user
 * brings. ReCoRD and BoolQ train are samples there.
 */
const GLUE = GLUE_TASK_NAMES.filter((n) => n !== 'ax');
const SUPERGLUE = ['boolq', 'cb', 'copa', 'multirc', 'record', 'rte', 'wic', 'wsc'];
const MRQA = ['squad', ...MRQA_TASKS.map((t) => t.name)];

export const TASK_SUITES: Readonly<Record<string, readonly string[]>> = {
  glue: GLUE,
  superglue: SUPERGLUE,
  'paper-24': [...new Set([...GLUE, ...SUPERGLUE, ...MRQA, 'wnut17'])],
  scitail: ['scitail'],
  snli: ['snli'],
};
