import { describe, expect, it } from 'vitest';
import { formatMs, formatRatio, formatTable, median, ratio, round } from './stats';

describe('median', () => {
  it('takes the middle of odd and the mean of the two middles of even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('is NaN for no values and leaves the input unsorted', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('ratio and formatting', () => {
  it('divides, or gives null when a side is missing or not positive', () => {
    expect(ratio(300, 200)).toBe(1.5);
    expect(ratio(null, 200)).toBeNull();
    expect(ratio(100, undefined)).toBeNull();
    expect(ratio(100, 0)).toBeNull();
    expect(ratio(Number.NaN, 10)).toBeNull();
  });
  it('formats ratios and times for people', () => {
    expect(formatRatio(1.5)).toBe('1.50×');
    expect(formatRatio(83.21)).toBe('83.2×');
    expect(formatRatio(null)).toBe('—');
    expect(formatMs(5.123)).toBe('5.12 ms');
    expect(formatMs(961.4)).toBe('961 ms');
    expect(formatMs(102_500)).toBe('102.5 s');
    expect(formatMs(709_400)).toBe('11.8 min');
    expect(formatMs(13_026_400)).toBe('3.6 h');
    expect(formatMs(Number.NaN)).toBe('—');
  });
  it('rounds for JSON and maps non-finite to null', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.23456, 3)).toBe(1.235);
    expect(round(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe('formatTable', () => {
  it('pads columns to the widest cell', () => {
    const t = formatTable(['a', 'bbb'], [['xx', 'y']]);
    expect(t.split('\n')).toEqual(['a   bbb', '--  ---', 'xx  y']);
  });
});
