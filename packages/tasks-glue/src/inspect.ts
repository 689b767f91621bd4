import { type Example, type FileSystem, type SkippedRow, type TaskDefinition, type TaskKind } from '@camtl/core';
import { parseNumber } from './define';
import { resolveTask } from './glue';

/**
 * What `camtl data` shows about one split: how many examples it has, which
 * rows were skipped and why, the label counts and the first few examples.
 * The result is plain JSON with snake_case example keys, as `--json` prints it.
 */

/**
 * One example as `camtl data --json` lists it, by task kind (snake_case keys,
 * absent keys omitted):
 * - classification / regression: `{text_a, text_b?, label?, id?, group?}`;
 * - multiple choice: `{text_a, choices, label?, id?}`;
 * - token classification: `{words, tags?, id?}`;
 * - span extraction: `{id, question, context, answers: [{text, answer_start}]}`.
 */
export interface InspectedExample {
  text_a?: string;
  text_b?: string;
  /** The label as written in the file (multiple choice: the right choice's index). */
  label?: string;
  id?: string;
  group?: string;
  choices?: string[];
  words?: string[];
  tags?: string[];
  question?: string;
  context?: string;
  answers?: { text: string; answer_start: number }[];
}

export interface Inspection {
  count: number;
  skipped: SkippedRow[];
  examples: InspectedExample[];
  /** Label as written → number of examples; empty for unlabelled (test) splits. */
  histogram: Record<string, number>;
  /** Oddities of the files read as they are (quirk → count), when the task's reader counts any. */
  quirks?: Record<string, number>;
}

export interface InspectOptions {
  skipBadRows?: boolean;
  /** How many examples to include (default 5). */
  examples?: number;
}

/** Label counts: classification labels in class-id order, numeric labels ascending. */
function histogramOf(task: TaskDefinition, labels: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const order = (l: string) => {
    const i = task.labels?.indexOf(l) ?? -1;
    return i >= 0 ? i : (parseNumber(l) ?? Infinity);
  };
  const keys = [...counts.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  return Object.fromEntries(keys.map((k) => [k, counts.get(k)!]));
}

/** Copies the defined fields of `from` under their snake_case names. */
function pick(from: Example, keys: readonly (keyof Example)[]): InspectedExample {
  const names: Partial<Record<keyof Example, keyof InspectedExample>> = { textA: 'text_a', textB: 'text_b' };
  const out: Record<string, unknown> = {};
  for (const k of keys) if (from[k] !== undefined) out[names[k] ?? k] = from[k];
  return out as InspectedExample;
}

/** An example in the documented `--json` shape of its task's kind. */
export function inspectedExample(kind: TaskKind, e: Example): InspectedExample {
  switch (kind) {
    case 'multiple-choice':
      return { ...pick(e, ['textA']), choices: e.choices ?? [], ...pick(e, ['label', 'id']) };
    case 'token-classification':
      return { words: e.words ?? [], ...pick(e, ['tags', 'id']) };
    case 'span-extraction':
      return {
        id: e.id ?? '',
        question: e.textA,
        context: e.textB ?? '',
        answers: (e.answers ?? []).map((a) => ({ text: a.text, answer_start: a.start })),
      };
    default:
      return pick(e, ['textA', 'textB', 'label', 'id', 'group']);
  }
}

export async function inspectSplit(
  task: TaskDefinition | string,
  dataDir: string,
  split: string,
  fs: FileSystem,
  options: InspectOptions = {},
): Promise<Inspection> {
  const def = typeof task === 'string' ? resolveTask(task) : task;
  const { examples, skipped, quirks } = await def.read(dataDir, split, fs, { skipBadRows: options.skipBadRows });
  const shown = examples.slice(0, options.examples ?? 5).map((e) => inspectedExample(def.kind, e));
  const labels = examples.flatMap((e) => (e.label === undefined ? [] : [e.label]));
  const result: Inspection = { count: examples.length, skipped, examples: shown, histogram: histogramOf(def, labels) };
  if (quirks && Object.keys(quirks).length > 0) result.quirks = { ...quirks };
  return result;
}

const MAX_LISTED = 12;

function clip(text: string, max = 100): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatSkipped(skipped: SkippedRow[]): string[] {
  if (skipped.length === 0) return ['skipped: none'];
  const lines = [`skipped: ${skipped.length} malformed row${skipped.length === 1 ? '' : 's'}`];
  for (const s of skipped.slice(0, MAX_LISTED)) lines.push(`  line ${s.line}: ${s.reason}`);
  if (skipped.length > MAX_LISTED) lines.push(`  … and ${skipped.length - MAX_LISTED} more`);
  return lines;
}

/** Many distinct numeric labels (a regression task) read better as a range than a list. */
function numericSummary(histogram: Record<string, number>): string | undefined {
  const entries = Object.entries(histogram).map(([k, n]) => [parseNumber(k), n] as const);
  if (entries.length <= MAX_LISTED || entries.some(([v]) => v === undefined)) return undefined;
  const values = entries.map(([v]) => v!);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  const mean = entries.reduce((a, [v, n]) => a + v! * n, 0) / total;
  const range = `${Math.min(...values)} … ${Math.max(...values)}`;
  return `labels: ${entries.length} distinct values, range ${range}, mean ${mean.toFixed(3)}`;
}

function formatHistogram(histogram: Record<string, number>): string[] {
  const entries = Object.entries(histogram);
  if (entries.length === 0) return ['labels: none (unlabelled split)'];
  const summary = numericSummary(histogram);
  if (summary) return [summary];
  const total = entries.reduce((a, [, n]) => a + n, 0);
  const width = Math.max(...entries.map(([k]) => k.length));
  const lines = ['labels:'];
  for (const [label, n] of entries.slice(0, MAX_LISTED)) {
    lines.push(`  ${label.padEnd(width)}  ${String(n).padStart(7)}  ${((100 * n) / total).toFixed(1)}%`);
  }
  if (entries.length > MAX_LISTED) lines.push(`  … and ${entries.length - MAX_LISTED} more labels`);
  return lines;
}

/** The lines under an example's first: its second text, choices, tags or answers, as the kind has them. */
function detailLines(e: InspectedExample): string[] {
  const more: string[] = [];
  const second = e.text_b ?? e.context;
  if (second !== undefined) more.push(JSON.stringify(clip(second)));
  e.choices?.forEach((c, k) => more.push(`(${k}) ${JSON.stringify(clip(c))}`));
  if (e.tags) more.push(`tags: ${clip(e.tags.join(' '))}`);
  if (e.answers)
    more.push(`answers: ${clip(e.answers.map((a) => `${JSON.stringify(a.text)}@${a.answer_start}`).join(', '))}`);
  if (e.group !== undefined) more.push(`group: ${e.group}`);
  return more.map((l) => `     ${l}`);
}

function formatExamples(examples: InspectedExample[]): string[] {
  if (examples.length === 0) return [];
  const lines = [`first ${examples.length} example${examples.length === 1 ? '' : 's'}:`];
  examples.forEach((e, i) => {
    const label = e.label === undefined ? '' : `  [${e.label}]`;
    const first = e.text_a ?? e.question ?? (e.words ?? []).join(' ');
    lines.push(`  ${i + 1}. ${JSON.stringify(clip(first))}${label}`, ...detailLines(e));
  });
  return lines;
}

function formatQuirks(quirks: Record<string, number> | undefined): string[] {
  const entries = Object.entries(quirks ?? {});
  if (entries.length === 0) return [];
  return ['quirks (read as they are):', ...entries.map(([name, n]) => `  ${String(n).padStart(7)}  ${name}`)];
}

/** The human-readable form of an inspection; `title` (e.g. "mrpc/dev") heads it. */
export function formatInspection(result: Inspection, options: { title?: string } = {}): string {
  const head = `${options.title ? `${options.title}: ` : ''}${result.count} example${result.count === 1 ? '' : 's'}`;
  return (
    [
      head,
      ...formatSkipped(result.skipped),
      ...formatHistogram(result.histogram),
      ...formatQuirks(result.quirks),
      ...formatExamples(result.examples),
    ].join('\n') + '\n'
  );
}
