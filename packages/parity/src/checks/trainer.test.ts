// The trainer check's own pieces, without a training run: the data it
// generates, and how a differing selection is reported.
import { describe, expect, it } from 'vitest';
import { checkSelections } from './trainer';
import { TASK_DEFINITIONS, TRAINER_RUN, trainerRows } from './trainer-setup';

describe('trainer-samplers', () => {
  it('generates the same distinct rows every time, with a regression target that varies', () => {
    const rows = trainerRows();
    expect(rows).toEqual(trainerRows());
    expect(rows.map((r) => r.length)).toEqual(TASK_DEFINITIONS.map(() => TRAINER_RUN.rowsPerTask));
    for (const [t, task] of rows.entries()) {
      expect(new Set(task.map((r) => r.ids.join(','))).size).toBe(task.length);
      expect(task.every((r) => r.task === t && r.ids.length <= 10)).toBe(true);
    }
    const regression = rows[TASK_DEFINITIONS.findIndex((d) => d.kind === 'regression')];
    expect(new Set(regression.map((r) => r.target)).size).toBeGreaterThan(1);
  });

  it('names the step and the first row that differs from cpu', () => {
    const a = { task: 0, index: 3 };
    const b = { task: 2, index: 7 };
    expect(() => checkSelections('mt-uncertainty', 'webgpu', [[a, b]], [[a, b]])).not.toThrow();
    expect(() =>
      checkSelections(
        'mt-uncertainty',
        'webgpu',
        [
          [a, b],
          [a, b],
        ],
        [
          [a, b],
          [a, a],
        ],
      ),
    ).toThrow(
      "mt-uncertainty step 2: the rows differ from cpu's at batch position 1: cpu chose task 2 row 7, webgpu task 0 row 3",
    );
    expect(() => checkSelections('proportional', 'wasm', [[a]], [])).toThrow(
      /step 1: .*cpu chose task 0 row 3, wasm nothing/,
    );
  });
});
