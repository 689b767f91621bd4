// The replay sampler: exact batches by (task name, index), the index → row
// mapping (EncodedExample.index, else position), one-line errors naming the
// schedule line, exact resume and usage.
import { isCamtlError, type EncodedExample, type SamplerContext } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { createSampler } from './registry';
import { replay, type ScheduleStep } from './replay';
import { context, run } from './test-helpers';

const ctx = context([5, 4], 2); // tasks task0 (5 rows), task1 (4 rows)
const schedule: ScheduleStep[] = [
  {
    rows: [
      { task: 'task1', index: 3 },
      { task: 'task0', index: 0 },
    ],
  },
  {
    rows: [
      { task: 'task0', index: 4 },
      { task: 'task0', index: 2 },
      { task: 'task1', index: 3 },
    ],
  },
  { rows: [{ task: 'task1', index: 0 }] },
  {
    rows: [
      { task: 'task0', index: 1 },
      { task: 'task1', index: 1 },
    ],
  },
];

function caught(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(isCamtlError(e), String(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected a CamtlError');
}

const row = (task: number, index?: number): EncodedExample => ({ ids: [1], typeIds: [0], task, target: 0, index });

describe('replay', () => {
  it('returns the schedule’s rows in order (positions when rows carry no index); epoch = schedule length', async () => {
    const s = createSampler('replay', { schedule })(ctx);
    expect(s.kind).toBe('replay');
    expect(s.epochLength()).toBe(4);
    expect(await run(s, 4)).toEqual([
      [
        { task: 1, index: 3 },
        { task: 0, index: 0 },
      ],
      [
        { task: 0, index: 4 },
        { task: 0, index: 2 },
        { task: 1, index: 3 },
      ],
      [{ task: 1, index: 0 }],
      [
        { task: 0, index: 1 },
        { task: 1, index: 1 },
      ],
    ]);
    expect(s.usage().perTask).toEqual([4 / 5, 3 / 4]);
    await expect(s.next({ step: 4, epoch: 2 })).rejects.toThrow(/has 4 steps; step 5/);
  });

  it('ends with the schedule: totalSteps is its length, whatever the epochs', () => {
    expect(replay({ schedule })(ctx).totalSteps?.()).toBe(schedule.length);
    expect(replay({ schedule: schedule.slice(0, 2) })(ctx).totalSteps?.()).toBe(2);
  });

  it('maps each index to the row whose EncodedExample.index it is (rows skipped or reordered)', async () => {
    // Task 0's file had a bad row at index 2 (skipped): positions 0..3 hold indices 0, 1, 3, 4.
    const train = [
      [row(0, 0), row(0, 1), row(0, 3), row(0, 4)],
      [row(1), row(1), row(1), row(1)],
    ];
    const c: SamplerContext = { ...context([4, 4], 2), train };
    const s = replay({
      schedule: [
        {
          rows: [
            { task: 'task0', index: 4 },
            { task: 'task0', index: 3 },
            { task: 'task1', index: 2 },
          ],
        },
      ],
    })(c);
    expect(await s.next({ step: 0, epoch: 1 })).toEqual([
      { task: 0, index: 3 },
      { task: 0, index: 2 },
      { task: 1, index: 2 },
    ]);
    const e = caught(() =>
      replay({ schedule: [{ rows: [{ task: 'task0', index: 2 }] }], source: 'run/schedule.jsonl' })(c),
    );
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe('run/schedule.jsonl:1: task "task0" has no training row with index 2');
  });

  it('names the schedule line of an unknown task or index, at construction', () => {
    const bad = [...schedule, { rows: [{ task: 'rte', index: 0 }] }];
    expect(caught(() => replay({ schedule: bad })(ctx)).message).toBe('schedule:5: unknown task "rte"');
    const far = [schedule[0], { rows: [{ task: 'task1', index: 4 }] }];
    expect(caught(() => replay({ schedule: far, source: 'x.jsonl' })(ctx)).message).toContain(
      'x.jsonl:2: task "task1"',
    );
    expect(caught(() => replay({ schedule: [] })).code).toBe('BAD_CONFIG');
  });

  it('resumes exactly through JSON; a state for another schedule is refused', async () => {
    const a = replay({ schedule })(ctx);
    await run(a, 2);
    const saved = JSON.parse(JSON.stringify(await a.getState()));
    const b = replay({ schedule })({ ...ctx, seed: 9 });
    await b.setState(saved);
    expect(b.usage()).toEqual(a.usage());
    expect(await run(b, 2, 2)).toEqual(await run(a, 2, 2));
    const shorter = replay({ schedule: schedule.slice(0, 3) })(ctx);
    await expect(shorter.setState(saved)).rejects.toThrow(/replay of 4 steps/);
  });
});
