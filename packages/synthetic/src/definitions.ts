/**
 * TaskDefinitions for the synthetic suite, built with @camtl/tasks-glue's
 * defineTask, so the files are read, validated and scored exactly like GLUE's
 * (same TSV parser, bad-row messages and metric implementations).
 */
import { defineTask, type DefinedTask, type TaskSpec } from '@camtl/tasks-glue';
import { SPLITS, TASK_SPECS, type SyntheticTaskSpec } from './specs';
import { tsvColumns } from './tsv';

/** Regression scores live in [0, 5], as STS-B's. */
export const SCORE_RANGE: readonly [number, number] = [0, 5];

/** Like GLUE's STS-B server: any real prediction is accepted, written clipped to the scale. */
const formatScore = (p: number): string => Math.min(SCORE_RANGE[1], Math.max(SCORE_RANGE[0], p)).toFixed(3);

/** The defineTask description of one synthetic task. */
export function syntheticTaskSpec(spec: SyntheticTaskSpec): TaskSpec {
  const [id, textA, textB] = tsvColumns(spec.pair);
  return {
    name: spec.name,
    kind: spec.kind,
    ...(spec.labels ? { labels: spec.labels } : {}),
    format: 'tsv',
    files: Object.fromEntries(SPLITS.map((s) => [s, `${spec.folder}/${s}.tsv`])),
    columns: spec.pair ? { textA, textB, label: 'label', id } : { textA, label: 'label', id },
    header: true,
    metrics: spec.metrics,
    // The GLUE convention: the mean of the score metrics (SST-2: accuracy; MRPC: acc and F1).
    score: (m) => {
      const values = spec.scoreOf.map((n) => m[n]);
      return values.some((v) => v === null || v === undefined)
        ? null
        : (values as number[]).reduce((a, b) => a + b) / values.length;
    },
    devSplits: ['dev'],
    submissionFile: `${spec.folder}.tsv`,
    ...(spec.kind === 'regression' ? { formatPrediction: formatScore } : {}),
  };
}

/** The TaskDefinition of one synthetic task. */
export function syntheticTaskDefinition(spec: SyntheticTaskSpec): DefinedTask {
  return defineTask(syntheticTaskSpec(spec));
}

let definitions: DefinedTask[] | undefined;

/** The suite's definitions, in suite order; built on first use, then shared (they are immutable). */
export function syntheticTaskDefinitions(): readonly DefinedTask[] {
  definitions ??= TASK_SPECS.map(syntheticTaskDefinition);
  return definitions;
}

/** The definition of the synthetic task `name` (any case), or undefined when it is not one. */
export function findSyntheticTask(name: string): DefinedTask | undefined {
  const key = name.toLowerCase();
  return syntheticTaskDefinitions().find((t) => t.name === key);
}
