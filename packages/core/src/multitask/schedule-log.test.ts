import { describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { parseSchedule, ScheduleLog, scheduleLine } from './schedule-log';

const line = (index: number) => ({ rows: [{ task: 'rte', index }] });

describe('ScheduleLog', () => {
  it("names rows by the split index (the draw's own when a row has none)", () => {
    const train = [
      [{ ids: [], typeIds: [], task: 0, target: 0, index: 17 }],
      [{ ids: [], typeIds: [], task: 1, target: 0 }],
    ];
    expect(
      scheduleLine(
        [
          { task: 1, index: 0 },
          { task: 0, index: 0 },
        ],
        train,
        ['rte', 'mrpc'],
      ),
    ).toEqual({
      rows: [
        { task: 'mrpc', index: 0 },
        { task: 'rte', index: 17 },
      ],
    });
  });

  it('on resume keeps the checkpoint’s steps, dropping later lines and a torn one', async () => {
    const fs = memoryFileSystem();
    const log = new ScheduleLog(fs, 'schedule.jsonl');
    await log.start();
    for (const i of [0, 1, 2, 3]) await log.append(line(i));
    await fs.appendText('schedule.jsonl', '{"rows":[{"task":"rt');
    await log.truncateTo(2);
    await log.append(line(9));
    expect(parseSchedule(await fs.readText('schedule.jsonl'), 's').map((l) => l.rows[0].index)).toEqual([0, 1, 9]);
  });

  it('a file with fewer lines than the resumed step cannot be exact: it is removed, not continued', async () => {
    const fs = memoryFileSystem({ 'schedule.jsonl': JSON.stringify(line(0)) + '\n' });
    const log = new ScheduleLog(fs, 'schedule.jsonl');
    await log.truncateTo(3);
    await log.append(line(1));
    expect(await fs.exists('schedule.jsonl')).toBe(false);
  });

  it('parseSchedule names a malformed line', () => {
    expect(() => parseSchedule('{"rows":[{"task":"a","index":1}]}\n{"rows":[{"task":"a","index":-1}]}', 'f')).toThrow(
      /f: line 2: row 0 needs a task name and a non-negative integer index/,
    );
    expect(() => parseSchedule('\n\n', 'f')).toThrow(/f: the schedule has no steps/);
    expect(() => parseSchedule('{', 'f')).toThrow(/f: line 1 is not JSON/);
  });
});
