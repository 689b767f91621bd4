import { describe, expect, it } from 'vitest';
import { UPLOT_JS } from './generated/assets';
import { renderReport, renderReportFromJsonl } from './render';
import type { ReportData } from './report-data';
import { finalTable, summaryTable } from './summary';
import { syntheticLog, toJsonl } from './test-helpers';
import type { LogRecord, StepRecord } from './types';

const EVIL = '</script><script>alert(1)</script><!--';

function embeddedData(html: string): ReportData {
  const m = /<script type="application\/json" id="camtl-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded data');
  return JSON.parse(m[1]) as ReportData;
}

/** The HTML with the uPlot build's banner comment (its only URL) taken out. */
function withoutLicenceBanner(html: string): string {
  return html.replace(/\/\*![^]*?\*\//g, '');
}

describe('renderReport', () => {
  const records = syntheticLog({ tasks: ['cola', 'mrpc', 'sts-b', 'rte'], steps: 120, evalEvery: 20 });
  const html = renderReport(records, { title: 'Demo run' });

  it('embeds the plot data as JSON', () => {
    const data = embeddedData(html);
    expect(data.tasks).toEqual(['cola', 'mrpc', 'sts-b', 'rte']);
    expect(data.steps.step).toHaveLength(120);
    expect(data.steps.taskMix).toHaveLength(4);
    expect(data.evals.map((e) => e.split)).toEqual(['dev']);
    expect(data.evals[0].step).toEqual([20, 40, 60, 80, 100, 120]);
    expect(data.evals[0].metrics[2].names).toEqual(['pearson', 'spearmanr']);
    expect(data.bestStep).toBe(120);
    expect(data.checkpoints.length).toBeGreaterThan(0);
  });

  it('inlines uPlot and its own script, and fetches nothing', () => {
    expect(html).toContain(UPLOT_JS);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(withoutLicenceBanner(html)).not.toMatch(/https?:\/\//i);
    expect(html).toContain("default-src 'none'");
    // One data block, uPlot, the page script.
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('has the header, the final table and the chart containers', () => {
    expect(html).toContain('<title>Demo run</title>');
    expect(html).toContain('finished');
    expect(html).toMatch(/<dt>backend<\/dt><dd>wasm<\/dd>/);
    expect(html).toMatch(/<dt>duration<\/dt><dd>1m 44s<\/dd>/);
    expect(html).toContain('mt-uncertainty');
    expect(html).toMatch(/best \(step 120\)/);
    const t = finalTable(records);
    expect(t.rows.map((r) => r.task)).toEqual(['cola', 'mrpc', 'sts-b', 'rte']);
    expect(html).toContain(`pearson ${t.rows[2].end?.pearson?.toFixed(4)}`);
    for (const key of ['loss', 'task-loss', 'eval:0', 'metrics:3', 'mix', 'data', 'optimizer']) {
      expect(html).toContain(`data-chart="${key}"`);
    }
  });

  it('escapes task names everywhere', () => {
    const evil = syntheticLog({ tasks: ['sst-2', EVIL, '<b>"q"&</b>'], steps: 30, evalEvery: 10 });
    const page = renderReport(evil, { title: `Run ${EVIL}` });
    expect(page.match(/<\/script>/g)).toHaveLength(3);
    expect(page.match(/<script\b/g)).toHaveLength(3);
    expect(page).not.toContain('<!--');
    expect(page).not.toContain('<b>"q"');
    expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)');
    expect(page).toContain('&lt;b&gt;&quot;q&quot;&amp;&lt;/b&gt;');
    expect(embeddedData(page).tasks).toEqual(['sst-2', EVIL, '<b>"q"&</b>']);
  });

  it('notes a cut-off last line when rendering JSONL', () => {
    const text = toJsonl(records);
    const page = renderReportFromJsonl(text.slice(0, -25));
    expect(page).toContain('last line was cut off');
    expect(page).toMatch(/incomplete: no end record/);
    expect(() => renderReportFromJsonl('nope\n{}\n')).toThrow(/^log line 1: not JSON/);
    expect(renderReportFromJsonl('nope\n' + text, { onInvalid: 'skip' })).toContain(
      '1 bad log line(s) left out (line 1)',
    );
  });

  it('does not crash on empty, run-only, one-step and eval-only logs', () => {
    const [run, step] = records as [LogRecord, StepRecord];
    const evalOnly = records.filter((r) => r.type === 'eval');
    for (const log of [[], [run], [run, step], [step], evalOnly, [{ ...step, perTaskLoss: {}, taskMix: {} }]]) {
      const page = renderReport(log);
      expect(page).toContain('</html>');
      expect(() => embeddedData(page)).not.toThrow();
      expect(() => summaryTable(log)).not.toThrow();
    }
    expect(renderReport([])).toContain('No training steps logged.');
    expect(renderReport([run, step])).toContain('data-chart="loss"');
    expect(summaryTable([])).toBe('no tasks logged\n');
  });

  it('averages long logs into buckets and keeps the last of repeated steps', () => {
    const long = syntheticLog({ tasks: ['a', 'b'], steps: 2000, evalEvery: 500 });
    const data = embeddedData(renderReport(long, { maxPoints: 500 }));
    expect(data.bucket).toBe(4);
    expect(data.steps.step).toHaveLength(500);
    expect(data.steps.step.at(-1)).toBe(2000);
    const step5 = records.find((r): r is StepRecord => r.type === 'step' && r.step === 5)!;
    const resumed = [...records, { ...records[0], resumedFrom: 4 }, { ...step5, loss: 123 }];
    const again = embeddedData(renderReport(resumed));
    expect(again.steps.step).toHaveLength(120);
    expect(again.steps.loss[4]).toBe(123);
    expect(renderReport(resumed)).toMatch(/<dt>resumed<\/dt><dd>1×<\/dd>/);
  });
});

describe('summaryTable', () => {
  it('prints per-task metrics, averages and data used', () => {
    const records = syntheticLog({ tasks: ['cola', 'sts-b'], steps: 60, evalEvery: 20 });
    const text = summaryTable(records);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^task\s+train\s+best @60 \(dev\)\s+end @60 \(dev\)\s+data used$/);
    expect(lines[1]).toMatch(/^cola\s+2000\s+acc 0\.\d{4}, f1 0\.\d{4}\s+acc 0\.\d{4}, f1 0\.\d{4}\s+\d+\.\d%$/);
    expect(lines[2]).toMatch(/^sts-b\s+3500\s+pearson 0\.\d{4}, spearmanr 0\.\d{4}/);
    expect(lines[3]).toMatch(/^average\s+0\.\d{4}\s+0\.\d{4}\s+\d+\.\d%$/);
  });

  it('uses the last evaluation when the run has no end record, and the one marked best', () => {
    const records = syntheticLog({ tasks: ['a'], steps: 60, evalEvery: 20, end: false });
    const evals = records.filter((r) => r.type === 'eval');
    const t = finalTable(records.map((r) => (r === evals[2] ? { ...r, best: false } : r)));
    expect(t.endStep).toBe(60);
    expect(t.bestStep).toBe(40);
    expect(t.rows[0].dataUsed).toBeGreaterThan(0);
  });
});
