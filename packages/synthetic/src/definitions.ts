/**
 * TaskDefinitions for the synthetic suite, written against the core
 * interface (the GLUE helper package's defineTask was not available yet):
 * reading the TSV splits, label ↔ target maps, metrics and GLUE-like scores.
 */
import { CamtlError, isCamtlError, registerTask, type FileSystem, type TaskDefinition } from '@camtl/core';
import { computeMetrics, meanOf } from './metrics';
import { SPLITS, TASK_SPECS, type SyntheticTaskSpec } from './specs';
import { parseTsv, type RowCheck } from './tsv';

/** Regression scores live in [0, 5], as STS-B's. */
export const SCORE_RANGE: readonly [number, number] = [0, 5];

function targetOf(spec: SyntheticTaskSpec): (label: string) => number {
  if (spec.kind === 'classification') {
    const labels = spec.labels ?? [];
    return (label) => {
      const id = labels.indexOf(label);
      if (id < 0) {
        throw new CamtlError('BAD_INPUT', `${spec.name}: unknown label "${label}" (expected ${labels.join(', ')})`);
      }
      return id;
    };
  }
  return (label) => {
    const v = label.trim() === '' ? NaN : Number(label);
    if (!(v >= SCORE_RANGE[0] && v <= SCORE_RANGE[1])) {
      throw new CamtlError('BAD_INPUT', `${spec.name}: score "${label}" is not a number in [0, 5]`);
    }
    return v;
  };
}

function formatterOf(spec: SyntheticTaskSpec): (prediction: number) => string {
  if (spec.kind === 'regression') {
    // Like GLUE's STS-B server: any real prediction is accepted, written clipped to the scale.
    return (p) => Math.min(SCORE_RANGE[1], Math.max(SCORE_RANGE[0], p)).toFixed(3);
  }
  const labels = spec.labels ?? [];
  return (p) => {
    if (!Number.isInteger(p) || p < 0 || p >= labels.length) {
      throw new CamtlError('BAD_INPUT', `${spec.name}: prediction ${p} is not a class id in [0, ${labels.length})`);
    }
    return labels[p];
  };
}

function rowCheck(target: (label: string) => number): RowCheck {
  return (example) => {
    if (example.label === undefined) return 'no label';
    try {
      target(example.label);
      return undefined;
    } catch (e) {
      if (isCamtlError(e)) return e.message;
      throw e;
    }
  };
}

function reader(spec: SyntheticTaskSpec, splits: Record<string, string>, check: RowCheck): TaskDefinition['read'] {
  return async (dataDir: string, split: string, fs: FileSystem, options = {}) => {
    const relative = splits[split];
    if (relative === undefined) {
      throw new CamtlError('BAD_CONFIG', `${spec.name}: unknown split "${split}" (has ${Object.keys(splits).join(', ')})`);
    }
    const file = fs.join(dataDir, relative);
    if (!(await fs.exists(file))) {
      throw new CamtlError(
        'NOT_FOUND',
        `${spec.name}: no file ${file}`,
        'generate the synthetic suite into that folder first (writeSuite from @camtl/synthetic)',
      );
    }
    return parseTsv(await fs.readText(file), file, spec.pair, check, options);
  };
}

/** The TaskDefinition of one synthetic task. */
export function syntheticTaskDefinition(spec: SyntheticTaskSpec): TaskDefinition {
  const splits = Object.fromEntries(SPLITS.map((s) => [s, `${spec.folder}/${s}.tsv`]));
  const target = targetOf(spec);
  return {
    specificationVersion: 'v1',
    name: spec.name,
    kind: spec.kind,
    ...(spec.labels ? { labels: spec.labels } : {}),
    numLabels: spec.kind === 'regression' ? 1 : (spec.labels?.length ?? 0),
    splits,
    devSplits: ['dev'],
    read: reader(spec, splits, rowCheck(target)),
    target,
    formatPrediction: formatterOf(spec),
    metrics: (predictions, targets) => computeMetrics(spec.metrics, predictions, targets),
    score: (metrics) => meanOf(metrics, spec.scoreOf),
    submissionFile: `${spec.folder}.tsv`,
  };
}

let definitions: TaskDefinition[] | undefined;

/** The suite's definitions, in suite order (created once, so registering is idempotent). */
export function syntheticTaskDefinitions(): TaskDefinition[] {
  definitions ??= TASK_SPECS.map(syntheticTaskDefinition);
  return definitions;
}

/** Registers every synthetic-* task in the core registry; safe to call any number of times. */
export function registerSyntheticTasks(): void {
  for (const task of syntheticTaskDefinitions()) registerTask(task);
}
