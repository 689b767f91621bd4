import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { presentTasks } from './epoch-data';

describe('presentTasks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'camtl-bench-glue-'));
  for (const folder of ['CoLA', 'RTE']) {
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'train.tsv'), '');
  }
  mkdirSync(join(dir, 'QQP')); // a folder without train.tsv, as the shared copy's MNLI
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the tasks with a train file and notes the others when skipping', () => {
    const r = presentTasks(['cola', 'qqp', 'rte', 'mnli'], dir, true);
    expect(r.tasks).toEqual(['cola', 'rte']);
    expect(r.notes).toHaveLength(2);
    expect(r.notes[0]).toMatch(/^qqp: no .*QQP\/train\.tsv, left out$/);
  });

  it('fails on a task asked for by name that is missing, or when none is there', () => {
    expect(() => presentTasks(['cola', 'qqp'], dir, false)).toThrow(/qqp: no train file/);
    expect(() => presentTasks(['qqp'], dir, true)).toThrow(/no GLUE train file/);
  });
});
