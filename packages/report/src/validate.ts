import { TASK_KINDS, type LogRecord, type LogRecordType } from './types';

/** A field check: true when the value is acceptable. */
type Check = ((value: unknown) => boolean) & { expected: string };

function check(expected: string, test: (value: unknown) => boolean): Check {
  return Object.assign(test, { expected });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const num = check('a finite number', (v) => typeof v === 'number' && Number.isFinite(v));
const numOrNull = check('a number or null', (v) => v === null || num(v));
const str = check('a string', (v) => typeof v === 'string');
const bool = check('true or false', (v) => typeof v === 'boolean');
const obj = check('an object', isObject);
const optional = (c: Check) => check(`${c.expected} (or absent)`, (v) => v === undefined || c(v));
const mapOf = (c: Check) => check(`an object of task → ${c.expected}`, (v) => isObject(v) && Object.values(v).every(c));
const metricsMap = mapOf(mapOf(numOrNull));
const oneOf = (...values: string[]) =>
  check(`one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, (v) => values.includes(v as string));

const taskInfo = (v: unknown) =>
  isObject(v) &&
  str(v.name) &&
  oneOf(...TASK_KINDS)(v.kind) &&
  num(v.numLabels) &&
  num(v.trainSize) &&
  optional(num)(v.devSize);
const tasks = check(
  'a list of {name, kind: "classification"|"regression", numLabels, trainSize}',
  (v) => Array.isArray(v) && v.every(taskInfo),
);
const model = check('an object with a string "name"', (v) => isObject(v) && str(v.name));
const final = check(
  'an object with "metrics", "scores" and "perTaskDataUsed" objects',
  (v) => isObject(v) && metricsMap(v.metrics) && mapOf(numOrNull)(v.scores) && mapOf(numOrNull)(v.perTaskDataUsed),
);

const SCHEMA: Record<LogRecordType, Record<string, Check>> = {
  run: { version: num, time: num, config: obj, tasks, model, backend: str, seed: num, resumedFrom: optional(num) },
  step: {
    step: num,
    epoch: num,
    time: num,
    lr: num,
    loss: numOrNull,
    perTaskLoss: mapOf(numOrNull),
    examplesPerTask: mapOf(num),
    taskMix: mapOf(num),
    dataUsed: num,
    perTaskDataUsed: mapOf(num),
    examplesPerSecond: numOrNull,
    gradNorm: optional(numOrNull),
  },
  eval: {
    step: num,
    epoch: num,
    time: num,
    split: str,
    metrics: metricsMap,
    scores: mapOf(numOrNull),
    average: numOrNull,
    score: optional(numOrNull),
    selectBy: optional(str),
    best: bool,
  },
  checkpoint: { step: num, path: str, best: bool, time: optional(num) },
  end: {
    step: num,
    time: num,
    reason: oneOf('done', 'early-stopping', 'nan', 'interrupted'),
    final,
    message: optional(str),
  },
};

export const RECORD_TYPES = Object.keys(SCHEMA) as LogRecordType[];

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * Checks a parsed JSON value against the record schemas. Returns the record, `null`
 * for a record of an unknown type (skipped for forward compatibility), or throws
 * an Error with a one-line reason.
 */
export function validateRecord(value: unknown): LogRecord | null {
  if (!isObject(value)) throw new Error(`expected a JSON object, got ${preview(value)}`);
  if (typeof value.type !== 'string') throw new Error(`missing "type" (one of ${RECORD_TYPES.join(', ')})`);
  if (!Object.hasOwn(SCHEMA, value.type)) return null;
  const schema: Record<string, Check> = SCHEMA[value.type as LogRecordType];
  for (const [field, c] of Object.entries(schema)) {
    if (!c(value[field])) {
      throw new Error(`${value.type} record: "${field}" must be ${c.expected}, got ${preview(value[field])}`);
    }
  }
  return value as unknown as LogRecord;
}
