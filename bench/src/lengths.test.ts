import { describe, expect, it } from 'vitest';
import {
  GLUE_LENGTHS,
  MAX_LENGTH,
  MIN_LENGTH,
  clip,
  glueLengths,
  mean,
  sampleLengths,
  seededRandom,
  spread,
} from './lengths';

describe('modelled GLUE lengths', () => {
  it('is deterministic in the seed', () => {
    const m = glueLengths('sst-2');
    expect(sampleLengths(m, 50, 7)).toEqual(sampleLengths(m, 50, 7));
    expect(sampleLengths(m, 50, 7)).not.toEqual(sampleLengths(m, 50, 8));
  });

  it('stays in [4, 128] with a mean near the documented one', () => {
    for (const m of GLUE_LENGTHS) {
      const xs = sampleLengths(m, 4000, 1);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(MIN_LENGTH);
      expect(Math.max(...xs)).toBeLessThanOrEqual(MAX_LENGTH);
      // Clipping at 4 lifts the short tasks a little; 15 % covers it.
      expect(Math.abs(mean(xs) - m.mean) / m.mean).toBeLessThan(0.15);
    }
  });

  it('has the short single-sentence tasks far below 128', () => {
    expect(glueLengths('sst-2').mean).toBe(13);
    expect(glueLengths('cola').mean).toBe(11);
    expect(() => glueLengths('wnli')).toThrow(/no length model/);
  });
});

describe('helpers', () => {
  it('clips and averages', () => {
    expect(clip(1)).toBe(4);
    expect(clip(500)).toBe(128);
    expect(mean([1, 2, 3])).toBe(2);
    expect(mean([])).toBeNaN();
  });
  it('draws uniform numbers in [0, 1)', () => {
    const r = seededRandom(3);
    const xs = Array.from({ length: 1000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
  it('spreads a sample evenly', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7], 4)).toEqual([0, 2, 4, 6]);
    expect(spread([1, 2], 4)).toEqual([1, 2]);
  });
});
