import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { isCamtlError, memoryFileSystem, type TaskDefinition } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { ALL_TASKS } from './all-tasks';
import { defineTask } from './define';
import { byteMutation, jsonlMutation, lineMutation, structureMutation } from './fuzz-mutations';

/**
 * The task loaders on mutated real slices (GLUE TSV, SuperGLUE/ReCoRD/SNLI
 * JSONL, WNUT2017 CoNLL, SQuAD and MRQA JSON, CSV): every input loads, its
 * bad rows counted with their lines, or fails with a one-line CamtlError
 * naming the file. Any other exception, or a case slower than a second, fails.
 */

const PACKAGES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOTS = [
  join(PACKAGES, 'tasks-glue', 'fixtures', 'glue'),
  ...['superglue', 'record', 'squad', 'wnut17', 'mrqa', 'scitail', 'snli'].map((d) =>
    join(PACKAGES, 'testkit', 'fixtures', d),
  ),
];
const SEED = Number(process.env.FUZZ_SEED ?? 13);
/** FUZZ_SCALE=10 runs ten times the cases (a longer campaign than CI's). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const DIR = 'data';

interface Source {
  task: TaskDefinition;
  split: string;
  path: string;
  text: string;
}

function sources(): Source[] {
  const out: Source[] = [];
  for (const task of ALL_TASKS)
    for (const [split, path] of Object.entries(task.splits)) {
      const root = ROOTS.find((r) => existsSync(join(r, path)));
      if (root) out.push({ task, split, path, text: readFileSync(join(root, path), 'utf8') });
    }
  return out;
}

/** SST-2 and MRPC's slices as CSV (RFC 4180: fields quoted when they must be, and sometimes when not). */
function csvSources(): Source[] {
  const quote = (cell: string, i: number) =>
    /[",\r\n]/.test(cell) || i % 3 === 0 ? `"${cell.replace(/"/g, '""')}"` : cell;
  const toCsv = (tsv: string) =>
    tsv
      .split('\n')
      .map((l, r) =>
        l === ''
          ? l
          : l
              .split('\t')
              .map((c, i) => quote(c, r + i))
              .join(','),
      )
      .join('\r\n');
  const glue = ROOTS[0];
  const sst = defineTask({
    name: 'sst-csv',
    kind: 'classification',
    labels: ['0', '1'],
    format: 'csv',
    files: { train: 'sst.csv' },
    columns: { textA: 'sentence', label: 'label' },
  });
  const mrpc = defineTask({
    name: 'mrpc-csv',
    kind: 'classification',
    labels: ['0', '1'],
    format: 'csv',
    files: { train: 'mrpc.csv' },
    columns: { label: 0, textA: 3, textB: 4 },
  });
  return [
    { task: sst, split: 'train', path: 'sst.csv', text: toCsv(readFileSync(join(glue, 'SST-2/train.tsv'), 'utf8')) },
    { task: mrpc, split: 'train', path: 'mrpc.csv', text: toCsv(readFileSync(join(glue, 'MRPC/train.tsv'), 'utf8')) },
  ];
}

const isJson = (s: Source) => s.path.endsWith('.json') && !s.path.endsWith('.jsonl');
const isJsonl = (s: Source) => s.path.endsWith('.jsonl');

/** Reads `text` as `source`'s file; checks the outcome. */
async function check(source: Source, data: Uint8Array | string, skipBadRows: boolean): Promise<void> {
  const fs = memoryFileSystem({ [`${DIR}/${source.path}`]: data });
  const file = `${DIR}/${source.path}`;
  const started = Date.now();
  try {
    const r = await source.task.read(DIR, source.split, fs, { skipBadRows });
    for (const ex of r.examples) expect(typeof ex.textA).toBe('string');
    for (const s of r.skipped) {
      expect(Number.isInteger(s.line) && s.line >= 0, `${file}: skipped line ${s.line}`).toBe(true);
      expect(typeof s.reason).toBe('string');
      expect(s.reason, s.reason).not.toContain('\n');
    }
    if (!skipBadRows) expect(r.skipped).toEqual([]);
  } catch (e) {
    if (!isCamtlError(e)) throw new Error(`${file} (${source.task.name}): not a CamtlError: ${String(e)}`);
    expect(e.message, e.message).toContain(file);
    expect(e.message).not.toContain('\n');
  }
  expect(Date.now() - started, `${file}: too slow`).toBeLessThan(1000);
}

const counts: Record<string, number> = {};
async function fuzz(
  name: string,
  all: Source[],
  mutate: (s: Source) => fc.Arbitrary<Uint8Array | string>,
  runs: number,
) {
  // By index: a counterexample then prints the file's path, not the task object.
  const property = fc.asyncProperty(
    fc
      .nat(all.length - 1)
      .chain((i) => fc.tuple(fc.constant(all[i].path), mutate(all[i]), fc.boolean(), fc.constant(i))),
    async ([, data, skip, i]) => check(all[i], data, skip),
  );
  runs = Math.round(runs * SCALE);
  await fc.assert(property, { numRuns: runs, seed: SEED });
  counts[name] = runs;
  console.log(`fuzz tasks-glue ${name}: ${runs} cases (seed ${SEED})`);
}

describe('task loaders on mutated real slices', () => {
  const all = [...sources(), ...csvSources()];
  const enc = new TextEncoder();
  it('found the slices of every format', () => {
    const formats = new Set(all.map((s) => s.path.split('.').pop()));
    expect([...formats].sort()).toEqual(expect.arrayContaining(['annotated', 'conll', 'csv', 'json', 'jsonl', 'tsv']));
  });

  it('byte mutations', () => fuzz('bytes', all, (s) => byteMutation(enc.encode(s.text)), 1500));
  it('line mutations', () => fuzz('lines', all, (s) => lineMutation(s.text), 1500));
  it('JSONL structure mutations', () => fuzz('jsonl', all.filter(isJsonl), (s) => jsonlMutation(s.text), 1000));
  it('JSON (SQuAD) structure mutations', () =>
    fuzz(
      'json',
      all.filter(isJson),
      (s) => structureMutation(JSON.parse(s.text)).map((v) => JSON.stringify(v) ?? ''),
      500,
    ));
  it('prints the total', () => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`fuzz tasks-glue loaders: ${total} cases`);
    expect(total).toBeGreaterThanOrEqual(4000 * Math.min(1, SCALE));
  });
});
