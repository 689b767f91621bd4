import { type FileSystem, type SkippedRow, type TaskDefinition } from '@camtl/core';
import { parseNumber } from './define';
import { resolveTask } from './glue';

/**
 * What `camtl data` shows about one split: how many examples it has, which
 * rows were skipped and why, the label counts and the first few examples.
 * The result is plain JSON with snake_case example keys, as `--json` prints it.
 */

export interface InspectedExample {
  text_a: string;
  text_b?: string;
  /** The label as written in the file. */
  label?: string;
}

export interface Inspection {
  count: number;
  skipped: SkippedRow[];
  examples: InspectedExample[];
  /** Label as written → number of examples; empty for unlabelled (test) splits. */
  histogram: Record<string, number>;
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

export async function inspectSplit(
  task: TaskDefinition | string,
  dataDir: string,
  split: string,
  fs: FileSystem,
  options: InspectOptions = {},
): Promise<Inspection> {
  const def = typeof task === 'string' ? resolveTask(task) : task;
  const { examples, skipped } = await def.read(dataDir, split, fs, { skipBadRows: options.skipBadRows });
  const shown = examples.slice(0, options.examples ?? 5).map((e) => {
    const out: InspectedExample = { text_a: e.textA };
    if (e.textB !== undefined) out.text_b = e.textB;
    if (e.label !== undefined) out.label = e.label;
    return out;
  });
  const labels = examples.flatMap((e) => (e.label === undefined ? [] : [e.label]));
  return { count: examples.length, skipped, examples: shown, histogram: histogramOf(def, labels) };
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

function formatExamples(examples: InspectedExample[]): string[] {
  if (examples.length === 0) return [];
  const lines = [`first ${examples.length} example${examples.length === 1 ? '' : 's'}:`];
  examples.forEach((e, i) => {
    const label = e.label === undefined ? '' : `  [${e.label}]`;
    lines.push(`  ${i + 1}. ${JSON.stringify(clip(e.text_a))}${label}`);
    if (e.text_b !== undefined) lines.push(`     ${JSON.stringify(clip(e.text_b))}`);
  });
  return lines;
}

/** The human-readable form of an inspection; `title` (e.g. "mrpc/dev") heads it. */
export function formatInspection(result: Inspection, options: { title?: string } = {}): string {
  const head = `${options.title ? `${options.title}: ` : ''}${result.count} example${result.count === 1 ? '' : 's'}`;
  return (
    [
      head,
      ...formatSkipped(result.skipped),
      ...formatHistogram(result.histogram),
      ...formatExamples(result.examples),
    ].join('\n') + '\n'
  );
}
