import { syntheticTaskDefinitions } from '@camtl/synthetic';
import { GLUE_TASKS, defineTask, mnli, rte, wnli } from '@camtl/tasks-glue';
import { describe, expect, it } from 'vitest';
import { parseSelectBy, runSelection, selectionConvention } from './select-by';

const glue = GLUE_TASKS.filter((t) => t.name !== 'ax');
/** A --task-def that reuses a GLUE name: the user's own files, not GLUE's task. */
const ownRte = defineTask({
  name: 'rte',
  kind: 'classification',
  labels: ['a', 'b'],
  format: 'tsv',
  files: { train: 'own/train.tsv' },
  columns: { textA: 0, label: 1 },
});

describe('--select-by', () => {
  it('defaults to paper when every task is a GLUE task, else mean (the synthetic suite, a --task-def, ax)', () => {
    expect(selectionConvention(glue)).toBe('paper');
    expect(selectionConvention([rte, mnli])).toBe('paper');
    expect(selectionConvention(syntheticTaskDefinitions())).toBe('mean');
    expect(selectionConvention([rte, ownRte])).toBe('mean');
    expect(selectionConvention(GLUE_TASKS)).toBe('mean'); // ax (the diagnostic set) is not in the paper's table
    expect(selectionConvention(glue, 'mean')).toBe('mean');
    expect(selectionConvention([wnli])).toBe('mean'); // the paper's score leaves WNLI out: nothing to select by
    expect(selectionConvention([wnli, rte])).toBe('paper');
    expect(runSelection(glue).name).toBe('paper');
  });

  it('paper with a task it cannot score, or an unknown convention: one-line errors', () => {
    const synthetic = syntheticTaskDefinitions();
    expect(() => runSelection([rte, ...synthetic], 'paper')).toThrowError(
      new RegExp(`--select-by paper: task "${synthetic[0].name}" is not a GLUE task`),
    );
    expect(() => selectionConvention([ownRte], 'paper')).toThrowError(/task "rte" is not a GLUE task/);
    expect(() => selectionConvention([wnli], 'paper')).toThrowError(
      /none of the tasks \(wnli\) is in the paper's score/,
    );
    expect(() => parseSelectBy('best')).toThrowError(/--select-by: expected paper or mean, got "best"/);
    expect(parseSelectBy(undefined)).toBeUndefined();
    expect(parseSelectBy('mean')).toBe('mean');
  });
});
