import { describe, expect, it } from 'vitest';
import { defaultWindow, ema, stack, windowMean } from './client/series';
import { escapeHtml, jsonForScript } from './escape';
import { formatDuration, formatMetrics, formatNumber, formatPercent } from './format';

describe('series transforms', () => {
  it('ema is bias-corrected, skips nulls and is the identity at 0', () => {
    expect(ema([1, 2, 3], 0)).toEqual([1, 2, 3]);
    const s = ema([2, null, 2, 4], 0.5);
    expect(s[0]).toBeCloseTo(2); // no pull towards 0 at the start
    expect(s[1]).toBeNull();
    expect(s[2]).toBeCloseTo(2);
    expect(s[3]).toBeCloseTo((0.125 * 2 + 0.25 * 2 + 0.5 * 4) / 0.875, 6); // weights a²(1-a), a(1-a), 1-a over 1 - a³
    expect(ema([], 0.9)).toEqual([]);
  });

  it('windowMean averages the trailing window, ignoring nulls', () => {
    expect(windowMean([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
    expect(windowMean([1, null, 3, null, null], 2)).toEqual([1, 1, 3, 3, null]);
    expect(windowMean([5, 7], 1)).toEqual([5, 7]);
  });

  it('stack sums series cumulatively', () => {
    expect(
      stack([
        [0.2, 0.5],
        [0.3, null],
        [0.5, 0.5],
      ]),
    ).toEqual([
      [0.2, 0.5],
      [0.5, 0.5],
      [1, 1],
    ]);
    expect(defaultWindow(1)).toBe(1);
    expect(defaultWindow(1000)).toBe(20);
  });
});

describe('escaping and formatting', () => {
  it('escapes HTML and script-breaking JSON', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const value = { name: '</script><!-- \u2028 & >' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('formats numbers for tables', () => {
    expect(formatNumber(0.912345)).toBe('0.9123');
    expect(formatNumber(null)).toBe('-');
    expect(formatPercent(0.4312)).toBe('43.1%');
    expect(formatMetrics({ acc: 0.5, f1: null })).toBe('acc 0.5000, f1 -');
    expect(formatDuration(3_723_000)).toBe('1h 02m 03s');
    expect(formatDuration(4200)).toBe('4.2s');
  });
});
