import { describe, expect, it } from 'vitest';
import { BEST_VALUES_TITLE, bestValues } from './best-values';
import { collect } from './collect';
import { buildReportData } from './columns';
import { parseLog } from './parse';
import { renderReport } from './render';
import { finalTable, summaryTable } from './summary';
import { syntheticLog, toJsonl } from './test-helpers';
import type { EvalRecord, LogRecord } from './types';

const evalsOf = (records: LogRecord[]) => records.filter((r): r is EvalRecord => r.type === 'eval');

describe('the selection score beside the mean', () => {
  const paper = syntheticLog({ steps: 60, evalEvery: 10, selectBy: 'paper' });

  it('the log helper picks other steps by score than the average would (so these tests can tell them apart)', () => {
    const evals = evalsOf(paper);
    const byAverage = evals.reduce((a, b) => (b.average! > a.average! ? b : a));
    const bySelected = evals.filter((e) => e.best).at(-1)!;
    expect(bySelected.step).not.toBe(byAverage.step);
  });

  it('final table and summary: the mean and the selected score at the best checkpoint and at the end', () => {
    const records = parseLog(toJsonl(paper));
    const t = finalTable(records);
    const best = evalsOf(records)
      .filter((e) => e.best)
      .at(-1)!;
    const last = evalsOf(records).at(-1)!;
    expect(t).toMatchObject({ selectBy: 'paper', bestStep: best.step, bestAverage: best.average });
    expect(t.bestSelected).toBe(best.score);
    expect(t.endSelected).toBe(last.score);
    const text = summaryTable(records);
    expect(text).toMatch(new RegExp(`average\\s+${best.average!.toFixed(4)}\\s+${last.average!.toFixed(4)}`));
    expect(text).toMatch(new RegExp(`score \\(paper\\)\\s+${best.score!.toFixed(4)}\\s+${last.score!.toFixed(4)}`));
  });

  it('the page: both in the final table and the history, the chart data, and the reference-style table', () => {
    const html = renderReport(paper);
    expect(html).toContain('average (mean)');
    expect(html).toContain('score (paper): selects the best checkpoint');
    expect(html).toContain('<th class="num">score (paper)</th>');
    expect(html).toContain(BEST_VALUES_TITLE);
    const data = buildReportData(collect(paper));
    expect(data.evals[0].selectBy).toBe('paper');
    expect(data.evals[0].score).toEqual(evalsOf(paper).map((e) => e.score));
    expect(data.evals[0].average).toEqual(evalsOf(paper).map((e) => e.average));
  });

  it('best value of each metric over all evaluations: the maximum (mse: the minimum), and its first step', () => {
    const evals = evalsOf(paper);
    const rows = bestValues(collect(paper));
    const cola = rows.find((r) => r.set === 'cola' && r.metric === 'acc')!;
    const values = evals.map((e) => e.metrics.cola.acc!);
    expect(cola.value).toBe(Math.max(...values));
    expect(cola.step).toBe(evals[values.indexOf(Math.max(...values))].step);
    expect(rows).toHaveLength(4 * 2);
    const mse = [3, 1, 2].map((v, i) => ({ ...evals[i], metrics: { 'sts-b': { mse: v, pearson: null } } }));
    expect(bestValues(collect(mse))).toEqual([
      { set: 'sts-b', metric: 'mse', value: 1, step: evals[1].step },
      { set: 'sts-b', metric: 'pearson', value: null, step: null },
    ]);
  });
});

describe('logs written before the selection score', () => {
  const old = syntheticLog({ steps: 60, evalEvery: 10 });

  it('parse, and read as selected by the average: no score row or column', () => {
    const text = toJsonl(old);
    expect(text).not.toContain('"score":');
    expect(text).not.toContain('selectBy');
    const records = parseLog(text);
    const t = finalTable(records);
    expect(t.selectBy).toBeNull();
    expect(t.bestSelected).toBe(t.bestAverage);
    expect(summaryTable(records)).not.toMatch(/score \(/);
    const html = renderReport(records);
    expect(html.split('<script')[0]).not.toContain('score (');
    expect(html).toContain('average (mean)');
    const data = buildReportData(collect(records));
    expect(data.evals[0].selectBy).toBeNull();
    expect(data.evals[0].score).toEqual(data.evals[0].average);
  });

  it('a malformed score or selectBy is a one-line error naming the field', () => {
    const e = evalsOf(old)[0];
    expect(() => parseLog(JSON.stringify({ ...e, score: 'x' }))).toThrow(
      /eval record: "score" must be a number or null/,
    );
    expect(() => parseLog(JSON.stringify({ ...e, selectBy: 3 }))).toThrow(/eval record: "selectBy" must be a string/);
  });
});
