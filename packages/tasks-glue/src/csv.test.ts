import { isCamtlError, memoryFileSystem } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { csvRecords } from './csv';
import { defineTask } from './define';
import { checkSpecShape } from './spec-shape';

const CSV =
  'id,label,text\r\n' +
  'a1,pos,"Great, really great"\r\n' +
  'a2,neg,"He said ""no""\nand left"\r\n' +
  'a3,pos,plain "quoted" inside\r\n' +
  'a4,maybe,bad label\r\n' +
  'a5,pos,"closed" then text\r\n' +
  'a6\r\n' +
  'a7,neg,last\r\n';

const reviews = defineTask({
  name: 'csv-reviews',
  kind: 'classification',
  labels: ['neg', 'pos'],
  format: 'csv',
  files: { train: 'r/train.csv' },
  columns: { id: 'id', textA: 'text', label: 'label' },
});

describe('defineTask: CSV (RFC 4180)', () => {
  it('reads quoted commas, doubled quotes and line breaks; rows are numbered by the line they start on', async () => {
    const fs = memoryFileSystem({ 'd/r/train.csv': CSV });
    const r = await reviews.read('d', 'train', fs, { skipBadRows: true });
    expect(r.examples.map((e) => [e.id, e.textA, e.label, e.line])).toEqual([
      ['a1', 'Great, really great', 'pos', 2],
      ['a2', 'He said "no"\nand left', 'neg', 3],
      ['a3', 'plain "quoted" inside', 'pos', 5],
      ['a7', 'last', 'neg', 9],
    ]);
    expect(r.skipped).toEqual([
      { line: 6, reason: expect.stringMatching(/expected a label in \{neg, pos\}/) },
      { line: 7, reason: expect.stringMatching(/after a closing quote/) },
      { line: 8, reason: expect.stringMatching(/expected 3 comma-separated columns/) },
    ]);
  });

  it('a bad row is an error naming file:line; an unclosed quote is one bad row', async () => {
    const fs = memoryFileSystem({
      'd/r/train.csv': CSV,
      'e/r/train.csv': 'id,label,text\nb1,pos,"never closed\nb2,neg,x\n',
    });
    await expect(reviews.read('d', 'train', fs)).rejects.toThrow(/^d\/r\/train\.csv:6: expected a label/);
    await expect(reviews.read('e', 'train', fs)).rejects.toThrow(/^e\/r\/train\.csv:2: expected a closing quote/);
    const r = await reviews.read('e', 'train', fs, { skipBadRows: true });
    expect([r.examples.length, r.skipped.length]).toEqual([0, 1]);
  });

  it('records: BOM, CRLF, empty fields, trailing blank lines', () => {
    expect(csvRecords('\ufeffa,,"",b\r\n\r\n\n')).toEqual([{ line: 1, cells: ['a', '', '', 'b'] }]);
    expect(csvRecords('x\n\ny')).toEqual([
      { line: 1, cells: ['x'] },
      { line: 2, cells: [''] },
      { line: 3, cells: ['y'] },
    ]);
  });
});

describe('task definition shapes', () => {
  const base = { name: 't', kind: 'classification', labels: ['a', 'b'], format: 'tsv', files: { train: 'x.tsv' } };
  it.each([
    [null, /\(root\): expected an object, got null/],
    [[1, 2], /\(root\): expected an object, got an array of 2/],
    [{ ...base, files: undefined }, /"t": files: missing \(expected an object\)/],
    [{ ...base, files: { train: null } }, /files\.train: expected a file path/],
    [{ ...base, files: { train: { columns: {} } } }, /files\.train\.path: missing \(expected a string\)/],
    [{ ...base, columns: null }, /columns: expected an object/],
    [{ ...base, columns: { textA: {} } }, /columns\.textA: expected a column name or an integer index/],
    [{ ...base, columns: { text: 'x' } }, /columns: unknown key\(s\) "text"/],
    [{ ...base, labels: 'ab' }, /labels: expected an array, got "ab"/],
    [{ ...base, name: 3 }, /name: expected a string/],
    [{ ...base, header: 'yes' }, /header: expected a boolean, got "yes"/],
    [{ ...base, colums: {} }, /unknown key\(s\) "colums"/],
    [{ ...base, files: {} }, /files: must name a file per split/],
  ])('%j is a one-line CamtlError', (spec, message) => {
    let e: unknown;
    try {
      checkSpecShape(spec);
    } catch (err) {
      e = err;
    }
    expect(isCamtlError(e)).toBe(true);
    expect((e as Error).message).toMatch(message);
    expect(() => defineTask(spec as never)).toThrow(message);
  });
  it('"csv" is accepted; columns are still required', () => {
    expect(() => defineTask({ ...base, format: 'csv' } as never)).toThrow(/columns need textA/);
  });
});
