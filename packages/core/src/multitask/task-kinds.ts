import { CamtlError } from '../errors';
import { defaultKinds } from './kind-heads';
import { TASK_KINDS, type TaskKind } from './tasks';

/**
 * The `task_kinds` entry of a multi-task config.json: one kind per task,
 * checked against the label counts. Configs written before kinds existed have
 * none: one label is regression, more are classification.
 */
export function parseTaskKinds(raw: unknown, numLabels: readonly number[], source: string): TaskKind[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw) || raw.length !== numLabels.length) {
    throw new CamtlError('BAD_CONFIG', `${source}: "task_kinds" must list one kind per task (${numLabels.length})`);
  }
  raw.forEach((kind, t) => checkTaskKind(kind, numLabels[t], `${source}: task_kinds[${t}]`));
  return raw as TaskKind[];
}

/** A kind and its label count agree: regression and multiple choice have one output, span extraction two. */
export function checkTaskKind(kind: unknown, numLabels: number, source: string): TaskKind {
  if (!TASK_KINDS.includes(kind as TaskKind)) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: unknown task kind ${JSON.stringify(kind)}`,
      `kinds: ${TASK_KINDS.join(', ')}`,
    );
  }
  const want = kind === 'regression' || kind === 'multiple-choice' ? 1 : kind === 'span-extraction' ? 2 : undefined;
  if (want !== undefined && numLabels !== want) {
    throw new CamtlError('BAD_CONFIG', `${source}: a ${kind} task has ${want} label(s), not ${numLabels}`);
  }
  if (kind === 'classification' && numLabels < 2) {
    throw new CamtlError('BAD_CONFIG', `${source}: a classification task needs 2 or more labels, not ${numLabels}`);
  }
  return kind as TaskKind;
}

/** What config.json stores: nothing when every kind is the default one (configs stay as they were). */
export function taskKindsToJson(kinds: readonly TaskKind[] | undefined, numLabels: readonly number[]) {
  if (!kinds) return undefined;
  const defaults = defaultKinds(numLabels);
  return kinds.every((k, t) => k === defaults[t]) ? undefined : [...kinds];
}
