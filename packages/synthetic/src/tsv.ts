/**
 * GLUE-style TSV for the synthetic tasks: a header row, then one example per
 * line, tab-separated, no quoting (the generated texts never contain tabs or
 * newlines). Columns: index, sentence (or sentence1, sentence2), label.
 */
import { CamtlError, type Example, type ReadOptions, type ReadResult } from '@camtl/core';
import type { SyntheticExample } from './suite';

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

/** Returns why a row is bad, or undefined when it is fine. */
export type RowCheck = (example: Example) => string | undefined;

function rowExample(fields: string[], header: string[], line: number): Example {
  const get = (name: string) => fields[header.indexOf(name)];
  const pair = header.includes('sentence2');
  return {
    textA: get(pair ? 'sentence1' : 'sentence'),
    ...(pair ? { textB: get('sentence2') } : {}),
    label: get('label'),
    id: get('index'),
    line,
  };
}

function checkHeader(header: string[], pair: boolean, file: string): void {
  const want = tsvColumns(pair);
  if (want.some((c) => !header.includes(c))) {
    throw new CamtlError(
      'BAD_FILE',
      `${file}:1: expected the header "${want.join('\\t')}", got "${header.join('\\t')}"`,
      'regenerate the suite with writeSuite()',
    );
  }
}

/** Parses a split file; bad rows throw (naming file and line) unless options.skipBadRows. */
export function parseTsv(text: string, file: string, pair: boolean, check: RowCheck, options: ReadOptions = {}): ReadResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const header = (lines[0] ?? '').split('\t');
  checkHeader(header, pair, file);
  const result: ReadResult = { file, examples: [], skipped: [] };
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const fields = lines[i].split('\t');
    const example = rowExample(fields, header, i + 1);
    const reason =
      fields.length !== header.length
        ? `${fields.length} fields, expected ${header.length}`
        : example.textA === '' || example.textB === ''
          ? 'empty text'
          : check(example);
    if (reason === undefined) result.examples.push(example);
    else if (options.skipBadRows) result.skipped.push({ line: i + 1, reason });
    else throw new CamtlError('BAD_FILE', `${file}:${i + 1}: ${reason}`, 'pass skipBadRows to skip malformed rows');
  }
  return result;
}
