/**
 * What the page knows about tasks: their definitions (synthetic suite and
 * GLUE), human names for their labels, and whether they take a sentence pair.
 */
import type { TaskDefinition } from '@camtl/core';
import { findSyntheticTask, taskSpec } from '@camtl/synthetic';
import { resolveTask } from '@camtl/tasks-glue';

export interface TaskInfo {
  name: string;
  title: string;
  kind: 'classification' | 'regression';
  /** Label strings as in the data (class-id order). */
  labels: string[];
  /** Words to show for each label. */
  labelNames: string[];
  /** True / false when known; undefined when the task is not one the page knows. */
  pair?: boolean;
  /** The score range of a regression task. */
  range?: [number, number];
  definition?: TaskDefinition;
}

const LABEL_NAMES: Record<string, string[]> = {
  'synthetic-sentiment': ['negative', 'positive'],
  'synthetic-paraphrase': ['different meaning', 'paraphrase'],
  'sst-2': ['negative', 'positive'],
  cola: ['unacceptable', 'acceptable'],
  mrpc: ['not equivalent', 'equivalent'],
  qqp: ['not duplicate', 'duplicate'],
};

const TITLES: Record<string, string> = {
  'synthetic-sentiment': 'Sentiment (synthetic)',
  'synthetic-paraphrase': 'Paraphrase (synthetic, pair)',
  'synthetic-similarity': 'Similarity 0–5 (synthetic, pair)',
  'synthetic-polarity': 'Polarity, 3 classes (synthetic)',
};

const GLUE_PAIRS = new Set(['mrpc', 'sts-b', 'qqp', 'mnli', 'qnli', 'rte', 'wnli', 'snli', 'scitail', 'ax']);
const GLUE_SINGLE = new Set(['cola', 'sst-2']);

/** The definition of a synthetic or GLUE task; undefined for another model's own tasks. */
function definitionOf(name: string): TaskDefinition | undefined {
  const synthetic = findSyntheticTask(name);
  if (synthetic) return synthetic;
  try {
    return resolveTask(name);
  } catch {
    return undefined; // the page then shows what the model's head says
  }
}

/** Everything the page shows about task `name`, whose head has `numLabels` outputs. */
export function taskInfo(name: string, numLabels: number): TaskInfo {
  const definition = definitionOf(name);
  const spec = taskSpec(name);
  // The page shows sentence-level heads; a token, span or choice task is not among its demo tasks.
  const sentence = definition?.kind === 'classification' || definition?.kind === 'regression';
  const kind = sentence ? (definition.kind as TaskInfo['kind']) : numLabels === 1 ? 'regression' : 'classification';
  const labels =
    kind === 'regression' ? [] : [...(definition?.labels ?? Array.from({ length: numLabels }, (_, i) => String(i)))];
  const key = definition?.name ?? name.toLowerCase();
  const names = LABEL_NAMES[key];
  const pair = spec ? spec.pair : GLUE_PAIRS.has(key) ? true : GLUE_SINGLE.has(key) ? false : undefined;
  return {
    name,
    title: TITLES[key] ?? name,
    kind,
    labels,
    labelNames: labels.map((l, i) => names?.[i] ?? l),
    ...(pair === undefined ? {} : { pair }),
    ...(kind === 'regression' && (spec || key === 'sts-b') ? { range: [0, 5] as [number, number] } : {}),
    ...(definition ? { definition } : {}),
  };
}
