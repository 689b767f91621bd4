import { describe, expect, it } from 'vitest';
import { ALL_TASKS, resolveTasks } from './all-tasks';

describe('every benchmark task by name', () => {
  it('finds tasks of every benchmark and kind, and spells out suites', () => {
    expect(new Set(ALL_TASKS.map((t) => t.name)).size).toBe(ALL_TASKS.length); // no name twice
    expect(resolveTasks('SQuAD').map((t) => [t.name, t.kind])).toEqual([['squad', 'span-extraction']]);
    expect(resolveTasks('wnut17')[0]).toMatchObject({ kind: 'token-classification', numLabels: 13 });
    expect(resolveTasks('copa')[0]).toMatchObject({ kind: 'multiple-choice', numLabels: 1 });
    expect(resolveTasks('mnli-m')[0].name).toBe('mnli');
    expect(resolveTasks('superglue').map((t) => t.name)).toEqual([
      'boolq',
      'cb',
      'copa',
      'multirc',
      'record',
      'rte',
      'wic',
      'wsc',
    ]);
    const kinds = new Set(resolveTasks('paper-24').map((t) => t.kind));
    expect([...kinds].sort()).toEqual([
      'classification',
      'multiple-choice',
      'regression',
      'span-extraction',
      'token-classification',
    ]);
    expect(() => resolveTasks('squad2')).toThrow('unknown task "squad2"');
    try {
      resolveTasks('squad2');
    } catch (e) {
      expect((e as { hint?: string }).hint).toMatch(/tasks: cola, .*squad.*; suites: glue, superglue, paper-24/);
    }
  });
});
