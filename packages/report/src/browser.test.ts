// Opens rendered reports from file:// URLs in headless Chromium (Debian's
// /usr/bin/chromium, or CAMTL_CHROMIUM) and checks that the plots draw, with no
// console errors and no network requests. Skipped when Chromium is not installed.
// CAMTL_REPORT_KEEP=1 keeps the temp dir (reports and screenshots) and prints it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from './render';
import { syntheticLog } from './test-helpers';
import type { LogRecord } from './types';

const CHROMIUM = process.env.CAMTL_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const TWELVE = [
  'cola',
  'sst-2',
  'mrpc',
  'sts-b',
  'qqp',
  'mnli',
  'qnli',
  'rte',
  'wnli',
  'snli',
  'scitail',
  '</script>x',
];

if (!HAVE_CHROMIUM) {
  console.warn(
    `report browser tests SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium, or set CAMTL_CHROMIUM)`,
  );
}

interface Loaded {
  page: Page;
  problems: string[];
}

describe.skipIf(!HAVE_CHROMIUM)(`report in headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'camtl-report-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    if (process.env.CAMTL_REPORT_KEEP) console.log(`report test files kept in ${dir}`);
    else if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, records: LogRecord[], javaScriptEnabled = true): Promise<Loaded> {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, renderReport(records, { title: `camtl report: ${name}` }));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on(
      'console',
      (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`console: ${m.text()}`),
    );
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => r.url().startsWith('file:') || problems.push(`request: ${r.url()}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, problems };
  }

  /** Per chart container: its canvas size and how many of its pixels are painted. */
  async function canvases(page: Page) {
    return page.$$eval('[data-chart]', (els) =>
      els.map((el) => {
        const canvas = el.querySelector('canvas');
        if (!canvas) return { key: (el as HTMLElement).dataset.chart, width: 0, height: 0, painted: 0 };
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return { key: (el as HTMLElement).dataset.chart, width: canvas.width, height: canvas.height, painted };
      }),
    );
  }

  it('draws every plot of a 4-task run without errors or requests', async () => {
    const log = syntheticLog({ steps: 300, evalEvery: 25, selectBy: 'paper' });
    const { page, problems } = await open('four-tasks', log);
    const charts = await canvases(page);
    // The eval chart draws the mean and, dashed, the score that selects (the 12-task run below is an older log).
    const evalLegend = await page.locator('[data-chart="eval:0"] .u-legend th').allTextContents();
    expect(evalLegend.join('|')).toMatch(/average \(mean\).*\|score \(paper\)/);
    expect(charts.map((c) => c.key)).toEqual([
      'loss',
      'task-loss',
      'eval:0',
      'metrics:0',
      'metrics:1',
      'metrics:2',
      'metrics:3',
      'mix',
      'data',
      'optimizer',
    ]);
    for (const c of charts) {
      expect(c.width, c.key).toBeGreaterThan(100);
      expect(c.height, c.key).toBeGreaterThan(100);
      expect(c.painted, c.key).toBeGreaterThan(1000);
    }
    // Raw per-task losses are left out of the legend and follow their smoothed series.
    const rows = page.locator('[data-chart="task-loss"] .u-legend tr.u-series');
    expect(await rows.count()).toBe(1 + 2 * 4);
    expect(await rows.evaluateAll((trs) => trs.filter((tr) => tr.checkVisibility()).length)).toBe(1 + 4);
    await rows.nth(2).locator('th').click();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.classList.contains('u-off')))).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    await page.fill('#ctl-window', '30');
    await page.locator('#ctl-smoothing').fill('0.3');
    await page.locator('#ctl-raw').uncheck();
    expect(await page.textContent('#ctl-smoothing-value')).toBe('0.30');
    expect(await page.locator('.uplot').count()).toBe(charts.length);
    await page.screenshot({ path: join(dir, 'four-tasks.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('draws a 12-task run, and narrow windows resize the plots', async () => {
    const { page, problems } = await open('twelve-tasks', syntheticLog({ tasks: TWELVE, steps: 200, evalEvery: 40 }));
    const charts = await canvases(page);
    expect(charts).toHaveLength(6 + TWELVE.length);
    expect(charts.every((c) => c.painted > 1000)).toBe(true);
    expect(await page.locator('#final tbody tr').count()).toBe(TWELVE.length + 1);
    await page.screenshot({ path: join(dir, 'twelve-tasks.png'), fullPage: true });
    await page.setViewportSize({ width: 600, height: 900 });
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-chart="loss"] canvas');
      return canvas !== null && canvas.getBoundingClientRect().width < 600;
    });
    expect(problems).toEqual([]);
  });

  it('opens empty and one-step logs without errors', async () => {
    const run = syntheticLog({ steps: 1, evalEvery: 1 });
    for (const [name, records] of [
      ['empty', []],
      ['one-step', run.slice(0, 2)],
      ['one-eval', run],
    ] as const) {
      const { page, problems } = await open(name, [...records]);
      expect(problems, name).toEqual([]);
      const charts = await canvases(page);
      expect(
        charts.every((c) => c.width > 0),
        name,
      ).toBe(true);
      if (name === 'one-eval') await page.screenshot({ path: join(dir, 'one-eval.png'), fullPage: true });
    }
  });

  it('shows the tables with JavaScript off', async () => {
    const { page, problems } = await open('no-js', syntheticLog({ steps: 40, evalEvery: 20 }), false);
    expect(await page.locator('#final tbody tr').count()).toBe(5);
    expect(await page.locator('noscript').count()).toBe(1);
    expect(await page.locator('canvas').count()).toBe(0);
    expect(await page.isVisible('text=Evaluation history')).toBe(true);
    expect(problems).toEqual([]);
  });
});
