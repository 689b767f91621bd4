// Page helpers of the end-to-end test (e2e.test.ts): launching Debian's
// Chromium, watching a page for problems, and driving the demo's forms.
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Chromium flags of every launch (the test adds --disable-gpu or --enable-unsafe-webgpu). */
const BASE_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Watched {
  page: Page;
  problems: string[];
  /** Console errors expected while the network is cut off (reset by the test). */
  allowNetworkErrors: boolean;
}

export interface DemoState {
  state: string;
  report?: {
    backend: string;
    device: string;
    detail: string;
    summary: string;
    skipped: Array<{ choice: string; reason: string }>;
  };
  losses: number[];
  lastPrediction?: {
    perTask: Array<{ task: string; kind: string; label: string; score: number; probabilities: number[] }>;
    unknownTokens: string[];
  };
}

/** What the page exposes as window.camtlDemo. */
export const demo = (page: Page) => page.evaluate(() => (window as unknown as { camtlDemo: DemoState }).camtlDemo);

export async function launch(executablePath: string, extra: string[]): Promise<Browser> {
  // headless:false + --headless=new: the new headless mode, which has WebGPU.
  const browser = await chromium.launch({
    executablePath,
    headless: false,
    ignoreDefaultArgs: ['--headless'],
    args: ['--headless=new', ...BASE_ARGS, ...extra],
    timeout: 60_000,
  });
  return browser;
}

export function watch(page: Page, problems: string[], label: string): Watched {
  const w: Watched = { page, problems, allowNetworkErrors: false };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (w.allowNetworkErrors && /Failed to load resource|ERR_FAILED|Failed to fetch/.test(m.text())) return;
    problems.push(`${label} console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label} page error: ${e.message}`));
  page.on('crash', () => problems.push(`${label}: the page crashed`));
  page.on(
    'requestfailed',
    (r) =>
      w.allowNetworkErrors ||
      problems.push(`${label} request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText})`),
  );
  page.on('response', (r) => r.status() >= 400 && problems.push(`${label} HTTP ${r.status()}: ${r.url()}`));
  return w;
}

export async function waitForState(page: Page, states: string[], timeout: number): Promise<string> {
  await page.waitForFunction((s) => s.includes(document.body.dataset.state ?? ''), states, { timeout });
  return (await page.getAttribute('body', 'data-state'))!;
}

export async function selectTask(page: Page, name: string): Promise<void> {
  const index = await page.evaluate((n) => {
    const options = [...document.querySelectorAll<HTMLOptionElement>('#task option')];
    return options.findIndex((o) => o.textContent!.toLowerCase().startsWith(n));
  }, name);
  expect(index, `task "${name}" in the task picker`).toBeGreaterThanOrEqual(0);
  await page.selectOption('#task', String(index));
}

export async function predict(page: Page, a: string, b = ''): Promise<NonNullable<DemoState['lastPrediction']>> {
  await page.fill('#text-a', a);
  await page.fill('#text-b', b);
  await page.evaluate(() => document.getElementById('prediction')!.replaceChildren());
  await page.click('#predict');
  await page.waitForSelector('#prediction-label', { timeout: 60_000 });
  return (await demo(page)).lastPrediction!;
}

export interface FineTuned {
  losses: number[];
  /** The "tasks in the batch" cell of every step: which tasks the sampler picked. */
  mixes: string[];
}

/**
 * Fine-tunes from fresh weights (seed 0) with the sampler the page has selected
 * and returns each step's loss and task mix.
 */
export async function fineTune(
  page: Page,
  o: { steps: number; batch: number; lr: number },
  timeout: number,
): Promise<FineTuned> {
  await page.selectOption('#start-from', 'fresh');
  await page.fill('#steps', String(o.steps));
  await page.fill('#batch', String(o.batch));
  await page.fill('#lr', String(o.lr));
  await page.fill('#seed', '0');
  await page.click('#train');
  expect(await waitForState(page, ['trained', 'ready'], timeout)).toBe('trained');
  expect(await page.textContent('#train-status')).toMatch(new RegExp(`^Done after ${o.steps} steps`));
  const losses = (await demo(page)).losses;
  const mixes = await page.locator('#loss-table tbody tr td:nth-child(4)').allTextContents();
  expect(losses).toHaveLength(o.steps);
  expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
  return { losses, mixes };
}
