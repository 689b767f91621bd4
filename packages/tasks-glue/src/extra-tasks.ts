import { MRQA_TASKS } from './mrqa';
import type { OfficialTask } from './official-task';
import { record } from './record';
import { scitail } from './scitail';
import { snli } from './snli';
import { squad } from './squad';
import { wnut17 } from './wnut17';

/** The span, token and domain-adaptation tasks beyond GLUE defined in this package (SuperGLUE's others live beside). */
export const EXTRA_TASKS: readonly OfficialTask[] = [record, squad, ...MRQA_TASKS, wnut17, scitail, snli];
