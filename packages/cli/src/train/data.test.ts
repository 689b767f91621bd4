// How the CLI finds tasks by name: --task-def ones, the synthetic suite's and
// GLUE's, passed on as definitions (no registry in between).
import { mnli, sst2, type TaskSpec } from '@camtl/tasks-glue';
import { findSyntheticTask } from '@camtl/synthetic';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadTokenizer } from '@camtl/core';
import { nodeFileSystem } from '@camtl/backend-node';
import { CORE_FIXTURES, GLUE, run } from '../test-helpers';
import { findTask, knownTasks, readSplits, resolveTasks } from './data';

const reviews: TaskSpec = {
  name: 'Reviews',
  kind: 'classification',
  labels: ['neg', 'pos'],
  format: 'tsv',
  files: { train: 'reviews/train.tsv', dev: 'reviews/dev.tsv' },
  columns: { textA: 'review', label: 'stars' },
};

describe('task resolution', () => {
  it('knows GLUE, the synthetic suite and the --task-def tasks, in any case and by GLUE alias', () => {
    const known = knownTasks([reviews]);
    expect(findTask(known, 'SST-2')).toBe(sst2);
    expect(findTask(known, 'mnli-mm')).toBe(mnli);
    expect(findTask(known, 'synthetic-polarity')).toBe(findSyntheticTask('synthetic-polarity'));
    expect(findTask(known, 'reviews')).toMatchObject({ name: 'reviews', numLabels: 2 });
  });

  it('a --task-def task may take a built-in name; two of the same name are refused', () => {
    const mine = findTask(knownTasks([{ ...reviews, name: 'sst-2' }]), 'sst-2');
    expect(mine).not.toBe(sst2);
    expect(mine.splits).toEqual({ train: 'reviews/train.tsv', dev: 'reviews/dev.tsv' });
    expect(() => knownTasks([reviews, { ...reviews, name: 'reviews' }])).toThrowError(
      expect.objectContaining({ code: 'BAD_CONFIG', message: 'two task definitions are named "reviews"' }),
    );
  });

  it('an unknown name is NOT_FOUND with every known task in the hint', () => {
    expect(() => findTask(knownTasks([reviews]), 'nope')).toThrowError(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: 'unknown task "nope"',
        hint: expect.stringMatching(
          /^known tasks: reviews, synthetic-sentiment, .*, cola, sst-2, .*, ax, boolq, cb, .*, axg, record, squad, .*, wnut17, scitail, snli; /,
        ),
      }),
    );
  });

  it('defaults: the suite for synthetic data, else the --task-def tasks, else the reference nine', () => {
    const names = (kind: 'synthetic' | 'folder', specs: TaskSpec[]) =>
      resolveTasks(kind, undefined, specs).map((t) => t.name);
    expect(names('synthetic', [])).toEqual([
      'synthetic-sentiment',
      'synthetic-paraphrase',
      'synthetic-similarity',
      'synthetic-polarity',
    ]);
    expect(names('folder', [reviews])).toEqual(['reviews']);
    expect(names('folder', [])).toEqual(['cola', 'mnli', 'rte', 'wnli', 'qqp', 'sts-b', 'sst-2', 'qnli', 'mrpc']);
    expect(resolveTasks('folder', ['MRPC', 'reviews'], [reviews]).map((t) => t.name)).toEqual(['mrpc', 'reviews']);
  });
});

describe('row index', () => {
  it("is the row's position among the rows the run reads: camtl data --json's examples (bad rows skipped, --limit first)", async () => {
    const fs = nodeFileSystem();
    const tokenizer = await loadTokenizer(join(CORE_FIXTURES, 'tokenizer'), fs);
    const source = { kind: 'folder' as const, dir: GLUE, tasks: resolveTasks('folder', ['qqp'], []), taskDefs: [] };
    const o = { maxSeqLength: 32, skipBadRows: true };
    const [rows] = (await readSplits(source, tokenizer, o, fs)).train;
    const listed = JSON.parse(
      (await run('data', '--glue', GLUE, '--task', 'qqp', '--split', 'train', '--json')).stdout,
    );
    expect(listed.skipped.length).toBeGreaterThan(0); // the fixture has bad rows
    expect(rows.map((r) => r.index)).toEqual(listed.examples.map((_: unknown, i: number) => i));
    listed.examples.forEach((ex: { text_a: string; text_b?: string }, i: number) =>
      expect(rows[i].ids).toEqual(tokenizer.encode(ex.text_a, ex.text_b, { maxSeqLength: 32 }).ids),
    );
    const [limited] = (await readSplits(source, tokenizer, { ...o, limit: 3 }, fs)).train;
    expect(limited.map((r) => r.index)).toEqual([0, 1, 2]);
  });
});
