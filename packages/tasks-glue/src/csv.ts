import { CamtlError } from '@camtl/core';
import { cellsRow, oneLine, tsvLayout, type Columns, type RawRow, type TsvOptions } from './formats';

/**
 * CSV as RFC 4180 writes it: comma-separated fields, a field in double quotes
 * may hold commas, line breaks and `""` (one quote). A record is numbered by
 * the line it starts on, so errors name file:line as the TSV reader's do. A
 * quote inside an unquoted field is kept as written (Python's csv does the
 * same); text after a closing quote, or a quote never closed, is a bad row.
 */

interface CsvRecord {
  line: number;
  cells: string[];
  error?: string;
}

/** Reads one quoted field from `text[i]` (the opening quote); returns the value and the index after the closing quote. */
function quoted(text: string, i: number): { value: string; end: number } | undefined {
  let value = '';
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return undefined;
    value += text.slice(j, q);
    if (text[q + 1] !== '"') return { value, end: q + 1 };
    value += '"';
    j = q + 2;
  }
}

const linesIn = (text: string, from: number, to: number) => {
  let n = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) n++;
  return n;
};

/** Splits `text` into records; iterative (no recursion), linear in the text's length. */
export function csvRecords(text: string): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < body.length) {
    const record: CsvRecord = { line, cells: [] };
    const start = i;
    for (;;) {
      if (body[i] === '"') {
        const q = quoted(body, i);
        if (!q) {
          record.error = `expected a closing quote for the field opened here`;
          i = body.length;
          break;
        }
        record.cells.push(q.value);
        i = q.end;
        if (
          i < body.length &&
          body[i] !== ',' &&
          body[i] !== '\n' &&
          !(body[i] === '\r' && (body[i + 1] === '\n' || i + 1 === body.length))
        ) {
          record.error ??= `expected a comma or the end of the line after a closing quote, got ${JSON.stringify(body[i])}`;
          const nl = body.indexOf('\n', i);
          i = nl < 0 ? body.length : nl;
        }
      } else {
        let end = i;
        while (end < body.length && body[end] !== ',' && body[end] !== '\n') end++;
        const atLineEnd = end === body.length || body[end] === '\n';
        const cell = body.slice(i, end);
        record.cells.push(atLineEnd && cell.endsWith('\r') ? cell.slice(0, -1) : cell); // CRLF files
        i = end;
      }
      if (body[i] === ',') {
        i++;
        continue;
      }
      if (body[i] === '\r') i++;
      if (body[i] === '\n') i++;
      break;
    }
    line += linesIn(body, start, i);
    out.push(record);
  }
  // Trailing blank lines are not records (as splitLines drops them for TSV).
  while (
    out.length > 0 &&
    !out[out.length - 1].error &&
    out[out.length - 1].cells.join('') === '' &&
    out[out.length - 1].cells.length <= 1
  )
    out.pop();
  return out;
}

/** Parses a CSV file's rows (RFC 4180 quoting), with TSV's column options. Structural problems of the whole file throw. */
export function parseCsv(text: string, file: string, columns: Columns, options: TsvOptions): RawRow[] {
  const records = csvRecords(text);
  let names = options.columnNames;
  if (options.header && records.length > 0) {
    const header = records.shift()!;
    if (header.error) throw new CamtlError('BAD_FILE', oneLine(`${file}:${header.line}: header: ${header.error}`));
    names = header.cells;
  }
  const layout = tsvLayout(columns, names, file, options.header);
  return records.map((r) => {
    if (r.error) return { line: r.line, error: r.error };
    const empty = r.cells.length === 1 && r.cells[0] === '';
    return cellsRow(r.line, empty ? [] : r.cells, layout, 'comma');
  });
}
