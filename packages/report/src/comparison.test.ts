// The ablation comparison: a plain-text table and a static HTML page with SVG charts.
import { describe, expect, it } from 'vitest';
import { comparisonTable, formatStat, renderComparison } from './comparison';
import type { ComparisonData, ComparisonRow } from './comparison-types';

const row = (arm: string, fraction: number, a: number, b: number): ComparisonRow => ({
  arm,
  fraction,
  seeds: [0, 1],
  tasks: { rte: { mean: a, sd: 0.01, n: 2 }, 'sts-b': { mean: b, sd: null, n: 1 } },
  scores: { mean: { mean: (a + b) / 2, sd: 0.02, n: 2 } },
  dataUsed: { mean: 0.5, sd: 0, n: 2 },
  wallSeconds: { total: 130, mean: 65 },
});

const data = (fractions: number[]): ComparisonData => ({
  command: 'camtl ablate --arms "mtl-bert;ca-mtl" <script>',
  arms: ['mtl-bert', 'ca-mtl <b>'],
  tasks: ['rte', 'sts-b'],
  fractions,
  scoreNames: ['mean'],
  rows: fractions.flatMap((f) => [row('mtl-bert', f, 0.6 * f, -0.2), row('ca-mtl <b>', f, 0.7 * f, 0.5)]),
  notes: ['2 cores, load 3.1'],
});

describe('comparison of ablation arms', () => {
  it('formats mean ± sample sd, a lone value without ±, and a missing one as -', () => {
    expect(formatStat({ mean: 0.91234, sd: 0.0104, n: 5 })).toBe('0.912 ± 0.010');
    expect(formatStat({ mean: 0.5, sd: null, n: 1 })).toBe('0.500');
    expect(formatStat({ mean: null, sd: null, n: 0 })).toBe('-');
  });

  it('prints one aligned table per fraction: tasks, scores, data used, time', () => {
    const text = comparisonTable(data([1]));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^arm\s+rte\s+sts-b\s+mean\s+data used\s+time per run × runs$/);
    expect(lines[1]).toMatch(/^mtl-bert\s+0\.600 ± 0\.010\s+-0\.200\s+0\.200 ± 0\.020\s+50\.0%\s+1m 05s × 2$/);
    expect(lines[2].startsWith('ca-mtl <b>')).toBe(true);
    expect(lines[1].indexOf('0.600')).toBe(lines[0].indexOf('rte'));
    const two = comparisonTable(data([0.1, 1]));
    expect(two).toContain('training data: 10% of each task');
    expect(two).toContain('training data: 100% of each task');
  });

  it('renders a static page: escaped text, one bar per arm and column, no script or network', () => {
    const html = renderComparison(data([1]));
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<b>');
    // 2 arms × (2 tasks + 1 score) bars, with whiskers for those with an sd.
    expect(html.match(/<rect /g)).toHaveLength(6);
    expect(html).toContain('<title>mtl-bert · sts-b: -0.2000</title>');
    expect(html).toContain('ca-mtl &lt;b&gt; · rte: 0.7000 ± 0.0100');
    expect(html).not.toContain('Data efficiency');
    expect(html).toContain('2 cores, load 3.1');
  });

  it('adds data-efficiency lines (headline score and each task) when there are several fractions', () => {
    const html = renderComparison(data([0.01, 0.1, 1]));
    expect(html).toContain('Data efficiency');
    // 3 charts (mean, rte, sts-b) × 2 arms lines, with a point per fraction.
    expect(html.match(/<path d="M[^"]*L[^"]*L[^"]*" stroke="#/g)).toHaveLength(6);
    expect(html.match(/<circle /g)).toHaveLength(18);
    expect(html).toContain('>1%</text>');
  });

  it('says so when no run has finished', () => {
    expect(renderComparison({ ...data([1]), rows: [] })).toContain('No finished runs yet.');
  });
});
