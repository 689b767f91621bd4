import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('is deterministic in its seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('resumes exactly from its state', () => {
    const a = new Rng(7);
    for (let i = 0; i < 10; i++) a.next();
    const saved = a.state();
    const expected = Array.from({ length: 8 }, () => a.next());
    const b = new Rng(saved);
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(expected);
  });

  it('draws uniform values with the right moments', () => {
    const r = new Rng(1);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sum += u;
      sumSq += u * u;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('draws standard normals', () => {
    const r = new Rng(2);
    const n = 20000;
    const xs = Array.from({ length: n }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('int() covers its range uniformly and shuffle() permutes', () => {
    const r = new Rng(3);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 10000; i++) counts[r.int(5)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
    const items = [1, 2, 3, 4, 5, 6];
    expect([...r.shuffle([...items])].sort()).toEqual(items);
    expect(() => r.int(0)).toThrow(RangeError);
  });
});
