/**
 * GLUE-style TSV for the synthetic tasks: a header row, then one example per
 * line, tab-separated, no quoting (the generated texts never contain tabs,
 * quotes or newlines). Reading is @camtl/tasks-glue's (definitions.ts).
 */
import type { SyntheticExample } from './suite';

/** Header columns: index, sentence (or sentence1, sentence2), label. */
export function tsvColumns(pair: boolean): string[] {
  return pair ? ['index', 'sentence1', 'sentence2', 'label'] : ['index', 'sentence', 'label'];
}

/** The file text for one split, with a final newline. */
export function formatTsv(examples: readonly SyntheticExample[], pair: boolean): string {
  const rows = examples.map((ex, i) =>
    (pair ? [String(i), ex.textA, ex.textB ?? '', ex.label] : [String(i), ex.textA, ex.label]).join('\t'),
  );
  return [tsvColumns(pair).join('\t'), ...rows].join('\n') + '\n';
}
