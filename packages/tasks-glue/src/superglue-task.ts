import { CamtlError, type Example, type MetricValues, type ReadResult } from '@camtl/core';
import { readJsonlSplit, type JsonlSplitArgs, type RecordReader } from './jsonl-records';
import type { OfficialTask } from './official-task';
import { classIdsFromJson, parseMetricsInput } from './superglue-metrics';

/** How one SuperGLUE task is read and scored; `superglueTask` turns it into an OfficialTask. */
export interface SuperGlueSpec {
  name: string;
  kind: 'classification' | 'multiple-choice';
  /** The label strings in class-id order (multiple choice: the choice indices "0", "1", …). */
  classes: readonly string[];
  /** Split → file relative to the SuperGLUE folder. */
  splits: Readonly<Record<string, string>>;
  submissionFile: string;
  readRecord: RecordReader;
  /** Metrics of class ids; `groups` only for grouped tasks (MultiRC, AX-g). */
  metrics(predictions: number[], labels: number[], groups?: string[]): MetricValues;
  /** Whether the metrics need each row's group (from `Example.group`, or the JSON input's `groups`). */
  grouped?: boolean;
  score(metrics: MetricValues): number | null;
  /** Rework a whole split after reading (AX-g pairs consecutive rows). */
  finish?(result: ReadResult): ReadResult;
}

/** The standard layout of a SuperGLUE task folder: `dev` is `val.jsonl`. */
export function standardSplits(dir: string): Record<string, string> {
  return { train: `${dir}/train.jsonl`, dev: `${dir}/val.jsonl`, test: `${dir}/test.jsonl` };
}

function groupsOf(spec: SuperGlueSpec, examples: readonly Example[] | undefined, n: number): string[] {
  if (!examples || examples.length !== n) {
    throw new CamtlError(
      'BAD_INPUT',
      `task "${spec.name}": its metrics group rows, so they need the split's examples (${n} rows)`,
      'pass the examples the predictions were made for, in the same order',
    );
  }
  return examples.map((e, i) => {
    if (e.group === undefined) throw new CamtlError('BAD_INPUT', `task "${spec.name}": example ${i} has no group`);
    return e.group;
  });
}

function classId(spec: SuperGlueSpec, value: string, what: string): number {
  const id = spec.classes.indexOf(value);
  if (id < 0) {
    throw new CamtlError(
      'BAD_INPUT',
      `task "${spec.name}": ${what} "${value}" is not one of ${spec.classes.join(', ')}`,
    );
  }
  return id;
}

function formatPrediction(spec: SuperGlueSpec, p: number): string {
  if (!Number.isInteger(p) || p < 0 || p >= spec.classes.length) {
    throw new CamtlError(
      'BAD_INPUT',
      `task "${spec.name}": prediction ${p} is not a class id 0…${spec.classes.length - 1}`,
    );
  }
  return spec.classes[p];
}

function fromJson(spec: SuperGlueSpec, input: unknown, source: string): MetricValues {
  const parsed = parseMetricsInput(input, source, spec.grouped ?? false);
  const p = classIdsFromJson(parsed.predictions, spec.classes, 'predictions', source);
  const l = classIdsFromJson(parsed.labels, spec.classes, 'labels', source);
  return spec.metrics(p, l, parsed.groups);
}

/** A SuperGLUE task definition (dataset folder 'superglue') from its spec. */
export function superglueTask(spec: SuperGlueSpec): OfficialTask {
  const multipleChoice = spec.kind === 'multiple-choice';
  return {
    specificationVersion: 'v1',
    name: spec.name,
    kind: spec.kind,
    dataset: 'superglue',
    // Multiple choice: one output per choice row, the choices come from the data.
    ...(multipleChoice ? {} : { labels: [...spec.classes] }),
    numLabels: multipleChoice ? 1 : spec.classes.length,
    splits: { ...spec.splits },
    devSplits: 'dev' in spec.splits ? ['dev'] : [],
    submissionFile: spec.submissionFile,
    async read(dataDir, split, fs, options) {
      const args: JsonlSplitArgs = { task: spec.name, splits: spec.splits, dataDir, split, fs, options };
      const result = await readJsonlSplit(args, spec.readRecord);
      return spec.finish ? spec.finish(result) : result;
    },
    target: (label) => classId(spec, label, 'label'),
    formatPrediction: (p) => formatPrediction(spec, p),
    metrics: (predictions, targets, examples) =>
      spec.metrics(predictions, targets, spec.grouped ? groupsOf(spec, examples, predictions.length) : undefined),
    score: spec.score,
    metricsFromJson: (input, source) => fromJson(spec, input, source),
  };
}
