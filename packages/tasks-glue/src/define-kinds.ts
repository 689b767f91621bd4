import { CamtlError, type Example, type MetricValues, type SpanAnswer } from '@camtl/core';
import { parseConll } from './conll';
import type { DefinedTask, FileSpec, TaskSpec } from './define';
import type { Columns } from './formats';
import { readMrqa } from './mrqa';
import {
  classificationTask,
  jsonLines,
  spanTask,
  tokenTask,
  type BaseSpec,
  type Json,
  type KindTask,
  type Rows,
} from './official-base';
import { jsonObject } from './official-json';
import { parseSquad } from './squad';

/**
 * `defineTask` for token classification (CoNLL, or JSONL `{words, tags}`),
 * span extraction (SQuAD v1.1 JSON, MRQA, or JSONL `{question, context,
 * answers}`) and multiple choice (JSONL `{textA, choices, label}`), so a
 * user's NER, QA or choice data needs only a JSON definition. Metrics follow
 * the kind: seqeval entity F1, SQuAD exact match/F1, accuracy.
 */

const FORMATS: Record<string, readonly string[]> = {
  'token-classification': ['conll', 'jsonl'],
  'span-extraction': ['squad', 'mrqa', 'jsonl'],
  'multiple-choice': ['jsonl'],
};
const JSONL_KEYS: Record<string, readonly string[]> = {
  'token-classification': ['words'],
  'span-extraction': ['question', 'context'],
  'multiple-choice': ['textA', 'choices'],
};
export const KIND_METRICS: Record<string, readonly string[]> = {
  'token-classification': ['precision', 'recall', 'f1'],
  'span-extraction': ['exact_match', 'f1'],
  'multiple-choice': ['accuracy'],
};

function configError(spec: TaskSpec, message: string): CamtlError {
  return new CamtlError('BAD_CONFIG', `task "${spec.name}": ${message}`);
}

function checkKindSpec(spec: TaskSpec): void {
  const formats = FORMATS[spec.kind];
  if (!formats.includes(spec.format)) {
    throw configError(
      spec,
      `a ${spec.kind} task reads format ${formats.map((f) => `"${f}"`).join(' or ')}, got "${spec.format}"`,
    );
  }
  if (spec.kind === 'token-classification' && (!spec.labels || spec.labels.length < 2)) {
    throw configError(spec, 'a token-classification task needs its tag set as labels (e.g. O, B-x, I-x)');
  }
  if (spec.format === 'jsonl') {
    for (const key of JSONL_KEYS[spec.kind]) {
      if (typeof (spec.columns ?? {})[key as keyof Columns] !== 'string') {
        throw configError(spec, `JSONL columns need "${key}" (a key name) for a ${spec.kind} task`);
      }
    }
  }
  if (typeof spec.score === 'string' && !KIND_METRICS[spec.kind].includes(spec.score)) {
    throw configError(spec, `score "${spec.score}" is not one of ${KIND_METRICS[spec.kind].join(', ')}`);
  }
  if (Object.keys(spec.files).length === 0) throw configError(spec, 'no files given');
  for (const s of spec.devSplits ?? []) if (!(s in spec.files)) throw configError(spec, `dev split "${s}" has no file`);
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const idOf = (obj: Json, key: string | number | undefined) =>
  key !== undefined && obj[key] !== undefined ? { id: String(obj[key]) } : {};

function tokenRow(spec: TaskSpec, obj: Json, line: number, rows: Rows): void {
  const c = spec.columns ?? {};
  const words = obj[c.words!];
  const tags = c.tags !== undefined ? obj[c.tags] : undefined;
  if (!isStrings(words)) return rows.bad(line, `expected a list of words in key "${c.words}"`);
  if (tags !== undefined && (!isStrings(tags) || tags.length !== words.length)) {
    return rows.bad(line, `expected ${words.length} tags in key "${c.tags}", one per word`);
  }
  const bad = (tags as string[] | undefined)?.find((t) => !spec.labels!.includes(t));
  if (bad !== undefined) return rows.bad(line, `expected a tag in {${spec.labels!.join(', ')}}, got "${bad}"`);
  rows.examples.push({ textA: words.join(' '), words, ...(tags ? { tags } : {}), ...idOf(obj, c.id), line });
}

function spanAnswers(raw: unknown): SpanAnswer[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: SpanAnswer[] = [];
  for (const a of raw) {
    if (typeof a === 'string') out.push({ text: a, start: -1 });
    else if (typeof a?.text === 'string')
      out.push({ text: a.text, start: typeof a.answer_start === 'number' ? a.answer_start : -1 });
    else return undefined;
  }
  return out;
}

function spanRow(spec: TaskSpec, obj: Json, line: number, rows: Rows): void {
  const c = spec.columns ?? {};
  const question = obj[c.question!];
  const context = obj[c.context!];
  if (typeof question !== 'string' || typeof context !== 'string') {
    return rows.bad(line, `expected strings in keys "${c.question}" and "${c.context}"`);
  }
  const answers = c.answers !== undefined && obj[c.answers] !== undefined ? spanAnswers(obj[c.answers]) : [];
  if (!answers)
    return rows.bad(line, `expected key "${c.answers}" to list answers: strings or {"text", "answer_start"}`);
  const ex: Example = { textA: question, textB: context, ...idOf(obj, c.id), line };
  rows.examples.push(answers.length ? { ...ex, answers } : ex);
}

function choiceRow(spec: TaskSpec, obj: Json, line: number, rows: Rows): void {
  const c = spec.columns ?? {};
  const textA = obj[c.textA!];
  const choices = obj[c.choices!];
  const label = c.label !== undefined ? obj[c.label] : undefined;
  if (typeof textA !== 'string') return rows.bad(line, `expected a string in key "${c.textA}"`);
  if (!isStrings(choices) || choices.length < 2)
    return rows.bad(line, `expected at least 2 strings in key "${c.choices}"`);
  const id = Number(label);
  if (label !== undefined && (!Number.isInteger(id) || id < 0 || id >= choices.length || String(label).trim() === '')) {
    return rows.bad(
      line,
      `expected a choice index 0…${choices.length - 1} in key "${c.label}", got ${JSON.stringify(label)}`,
    );
  }
  const ex: Example = { textA, choices, ...idOf(obj, c.id), line };
  rows.examples.push(label !== undefined ? { ...ex, label: String(id) } : ex);
}

function parserOf(spec: TaskSpec): BaseSpec['parse'] {
  if (spec.format === 'conll') return (text, rows) => parseConll(text, rows, spec.labels!);
  if (spec.format === 'squad') return (text, rows) => parseSquad(text, rows);
  if (spec.format === 'mrqa') return (text, rows) => readMrqa(text, rows);
  const row = spec.kind === 'token-classification' ? tokenRow : spec.kind === 'span-extraction' ? spanRow : choiceRow;
  return (text, rows) => jsonLines(text, rows, (obj, line) => row(spec, obj, line, rows));
}

/** Multiple choice: targets and predictions are choice indices, scored by accuracy. */
function choiceTask(base: BaseSpec): KindTask {
  const task = classificationTask({ ...base, labels: ['0', '1'] });
  const target = (label: string) => {
    const v = Number(label);
    if (!Number.isInteger(v) || v < 0 || label.trim() === '') {
      throw new CamtlError('BAD_INPUT', `task "${base.name}": label "${label}" is not a choice index`);
    }
    return v;
  };
  return {
    ...task,
    kind: 'multiple-choice',
    labels: undefined,
    numLabels: 1,
    target,
    formatPrediction: (p) => String(p),
    metricsFromJson: (input, source) => {
      const obj = jsonObject(input, source, ['predictions', 'labels']);
      const ids = (k: string) => (Array.isArray(obj[k]) ? (obj[k] as unknown[]).map((x) => target(String(x))) : []);
      return task.metrics(ids('predictions'), ids('labels'));
    },
  };
}

/** The DefinedTask of a token, span or multiple-choice spec. */
export function defineKindTask(spec: TaskSpec, files: Readonly<Record<string, FileSpec>>): DefinedTask {
  checkKindSpec(spec);
  const base: BaseSpec = {
    name: spec.name.toLowerCase(),
    dataset: spec.dataset,
    files: Object.fromEntries(Object.entries(files).map(([s, f]) => [s, f.path])),
    parse: parserOf(spec),
    devSplits: spec.devSplits,
  };
  const task =
    spec.kind === 'token-classification'
      ? tokenTask({ ...base, labels: spec.labels! })
      : spec.kind === 'span-extraction'
        ? spanTask(base)
        : choiceTask(base);
  const metricNames = [...KIND_METRICS[spec.kind]];
  const score = spec.score;
  return {
    ...task,
    ...(spec.submissionFile ? { submissionFile: spec.submissionFile } : {}),
    metricNames,
    files,
    score:
      typeof score === 'function'
        ? score
        : typeof score === 'string'
          ? (m: MetricValues) => m[score] ?? null
          : task.score,
  };
}
