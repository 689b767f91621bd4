// Without replacement: every pass of a permutation stream, and every
// task-epoch of every sampler, visits each example exactly once.
import { describe, expect, it } from 'vitest';
import { proportional } from './proportional';
import { PermutationStream } from './stream';
import { annealed, roundRobin, temperature, uniform } from './task-mix';
import { context, run } from './test-helpers';
import { decodeBase64, encodeBase64, UsageTracker } from './usage';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('PermutationStream', () => {
  it('visits each index once per pass, reshuffles between passes, never crosses a pass in take()', async () => {
    const s = new PermutationStream(10, 5);
    const a = [...s.take(4), ...s.take(4), ...s.take(4)];
    expect(a.length).toBe(10); // the third take stops at the pass boundary
    expect(sorted(a)).toEqual(range(10));
    const b = [...s.take(10)];
    expect(sorted(b)).toEqual(range(10));
    expect(b).not.toEqual(a);
    const c = range(25).map(() => s.takeOne());
    expect(sorted(c.slice(0, 10))).toEqual(range(10));
    expect(sorted(c.slice(10, 20))).toEqual(range(10));
  });

  it('restores exactly from its compact state', async () => {
    const s = new PermutationStream(1000, 9);
    s.take(700);
    const saved = JSON.parse(JSON.stringify(s.state()));
    const t = new PermutationStream(1000, 123);
    t.setState(saved);
    for (let i = 0; i < 5; i++) expect(t.take(300)).toEqual(s.take(300));
  });
});

describe('usage bitsets', () => {
  it('round-trip through base64 for every length', async () => {
    for (let n = 0; n < 12; n++) {
      const bytes = Uint8Array.from(range(n), (i) => (i * 37 + 11) & 255);
      expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
    }
    expect(encodeBase64(new TextEncoder().encode('camtl!'))).toBe(btoa('camtl!'));
  });

  it('count distinct examples and restore', async () => {
    const u = new UsageTracker([10, 3]);
    [1, 1, 2, 9].forEach((i) => u.mark(0, i));
    u.mark(1, 0);
    expect(u.usage()).toEqual({ overall: 4 / 13, perTask: [0.3, 1 / 3] });
    const v = new UsageTracker([10, 3]);
    v.restore(JSON.parse(JSON.stringify(u.toJSON())));
    expect(v.usage()).toEqual(u.usage());
    expect(v.has(0, 9) && !v.has(0, 8)).toBe(true);
  });
});

describe('samplers draw without replacement within a task-epoch', () => {
  const SIZES = [37, 11, 5];

  it('proportional: one epoch of ⌈N/b⌉ steps covers the union exactly once', async () => {
    const s = proportional()(context(SIZES, 8));
    expect(s.epochLength()).toBe(Math.ceil(53 / 8));
    const draws = (await run(s, s.epochLength())).flat();
    expect(draws.length).toBe(53);
    SIZES.forEach((n, t) => expect(sorted(draws.filter((d) => d.task === t).map((d) => d.index))).toEqual(range(n)));
    expect(s.usage().overall).toBe(1);
  });

  for (const [name, factory] of [
    ['temperature mixed', temperature({ T: 2 })],
    ['annealed mixed', annealed()],
    ['uniform single-task', uniform({ batches: 'single-task' })],
    ['round-robin single-task', roundRobin()],
    ['round-robin mixed', roundRobin({ batches: 'mixed' })],
  ] as const) {
    it(`${name}: each task's first n_t draws are a permutation, the next n_t another`, async () => {
      const draws = (await run(factory(context(SIZES, 4)), 200)).flat();
      SIZES.forEach((n, t) => {
        const idx = draws.filter((d) => d.task === t).map((d) => d.index);
        expect(idx.length).toBeGreaterThanOrEqual(2 * n);
        expect(sorted(idx.slice(0, n))).toEqual(range(n));
        expect(sorted(idx.slice(n, 2 * n))).toEqual(range(n));
      });
    });
  }

  it('single-task batches end at the task-epoch boundary (short last batch, no repeats)', async () => {
    const batches = await run(roundRobin()(context([10, 10], 4)), 6);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 4, 4, 2, 2]);
    for (const b of batches) expect(new Set(b.map((d) => d.index)).size).toBe(b.length);
  });
});
