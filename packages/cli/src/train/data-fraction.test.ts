// --data-fraction: a seeded subset of each task's train split, deterministic
// in the run seed, at least one row a task, in the rows' original order.
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from './config';
import { fractionOf, fractionSize, parseDataFraction } from './data-fraction';

const rows = Array.from({ length: 1000 }, (_, i) => ({ index: i }));
const indices = (r: { index: number }[]) => r.map((x) => x.index);

describe('--data-fraction', () => {
  it('keeps round(F·n) rows, at least one, and all of them at F = 1', () => {
    expect(fractionOf(rows, 0.01, 0, 0)).toHaveLength(10);
    expect(fractionOf(rows, 0.1, 0, 0)).toHaveLength(100);
    expect(fractionOf(rows, 0.001, 0, 0)).toHaveLength(1);
    expect(fractionOf(rows.slice(0, 240), 0.001, 0, 0)).toHaveLength(1);
    expect(fractionOf(rows, 1, 0, 0)).toEqual(rows);
    expect([fractionSize(0, 0.5), fractionSize(3, 0.5), fractionSize(7, 0.001)]).toEqual([0, 2, 1]);
  });

  it('is deterministic in the seed, keeps the original order, and differs between seeds and tasks', () => {
    const a = indices(fractionOf(rows, 0.05, 3, 1));
    expect(indices(fractionOf(rows, 0.05, 3, 1))).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(new Set(a).size).toBe(50);
    expect(indices(fractionOf(rows, 0.05, 4, 1))).not.toEqual(a);
    expect(indices(fractionOf(rows, 0.05, 3, 2))).not.toEqual(a);
  });

  it('is spread over the whole split, not its head', () => {
    const a = indices(fractionOf(rows, 0.1, 0, 0));
    expect(a.filter((i) => i >= 500).length).toBeGreaterThan(30);
  });

  it('accepts 0.001 to 1 (default 1); anything else is a one-line BAD_CONFIG', () => {
    expect(parseDataFraction(undefined)).toBe(1);
    expect(parseDataFraction('0.001')).toBe(0.001);
    expect(parseDataFraction(1)).toBe(1);
    for (const bad of ['0', '0.0005', '1.5', '-0.1', 'abc', '', true]) {
      expect(() => parseDataFraction(bad)).toThrowError(
        expect.objectContaining({
          code: 'BAD_CONFIG',
          message: `--data-fraction: expected a number from 0.001 to 1, got ${JSON.stringify(bad)}`,
        }),
      );
    }
  });

  it('is part of the resolved train config, from a flag or a config file', () => {
    expect(resolveTrainConfig({}, {}).dataFraction).toBe(1);
    expect(resolveTrainConfig({}, { 'data-fraction': '0.25' }).dataFraction).toBe(0.25);
    expect(resolveTrainConfig({ dataFraction: 0.5 }, {}).dataFraction).toBe(0.5);
    expect(() => resolveTrainConfig({}, { 'data-fraction': '2' })).toThrowError(/--data-fraction/);
  });
});
