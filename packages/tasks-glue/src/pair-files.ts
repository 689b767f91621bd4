import { parseJsonl, parseTsv, type Columns, type RawRow } from './formats';
import type { Rows } from './official-base';

/**
 * Sentence pairs from TSV/JSONL rows (SciTail, SNLI): a row whose label is
 * in `drop` is not an example and is counted under that quirk name.
 */
export interface PairRules {
  labels: readonly string[];
  drop?: Readonly<Record<string, string>>;
}

export function collectPairs(raw: RawRow[], rows: Rows, rules: PairRules): void {
  for (const row of raw) {
    if ('error' in row) {
      rows.bad(row.line, row.error);
      continue;
    }
    const { textA, textB, label, id } = row.fields;
    if (label !== undefined && rules.drop && label in rules.drop) {
      rows.quirk(rules.drop[label]);
      continue;
    }
    if (label !== undefined && !rules.labels.includes(label)) {
      rows.bad(row.line, `expected a label in {${rules.labels.join(', ')}} in ${row.where.label}, got "${label}"`);
      continue;
    }
    if (!textA!.trim() || (textB !== undefined && !textB.trim())) rows.quirk('empty texts');
    rows.examples.push({
      textA: textA!,
      ...(textB !== undefined ? { textB } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(id !== undefined ? { id } : {}),
      line: row.line,
    });
  }
}

export function tsvPairs(text: string, rows: Rows, columns: Columns, names: readonly string[], rules: PairRules): void {
  collectPairs(parseTsv(text, rows.path, columns, { header: false, columnNames: names }), rows, rules);
}

export function jsonlPairs(text: string, rows: Rows, columns: Columns, rules: PairRules): void {
  collectPairs(parseJsonl(text, columns), rows, rules);
}
