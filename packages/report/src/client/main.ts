/**
 * The report page's script: reads the embedded data, draws the plots with uPlot
 * (inlined before this script as the global `uPlot`) into the `[data-chart]`
 * containers the page has, and redraws them when a control changes or the window
 * is resized. Bundled into one IIFE by scripts/generate-assets.mjs.
 */
import type uPlot from 'uplot';
import type { ReportData } from '../report-data';
import {
  dataUsedChart,
  evalChart,
  lossChart,
  mixChart,
  optimizerChart,
  taskLossChart,
  taskMetricsChart,
  type ChartSpec,
  type Controls,
} from './charts';

const UPlot = (globalThis as unknown as { uPlot: typeof uPlot }).uPlot;
const charts: { el: HTMLElement; plot: uPlot }[] = [];

function specFor(key: string, data: ReportData, controls: Controls): ChartSpec | null {
  const [name, arg] = key.split(':');
  const index = Number(arg);
  switch (name) {
    case 'loss':
      return lossChart(data, controls);
    case 'task-loss':
      return taskLossChart(data, controls);
    case 'eval':
      return evalChart(data, index);
    case 'metrics':
      return taskMetricsChart(data, index);
    case 'mix':
      return mixChart(data, controls);
    case 'data':
      return dataUsedChart(data);
    case 'optimizer':
      return optimizerChart(data);
    default:
      return null;
  }
}

function input(id: string): HTMLInputElement | null {
  return document.getElementById(id) as HTMLInputElement | null;
}

function readControls(): Controls {
  const smoothing = Number(input('ctl-smoothing')?.value ?? 0.9);
  const mixWindow = Number(input('ctl-window')?.value ?? 1);
  const shown = document.getElementById('ctl-smoothing-value');
  if (shown) shown.textContent = smoothing.toFixed(2);
  return {
    smoothing: Number.isFinite(smoothing) ? smoothing : 0.9,
    showRaw: input('ctl-raw')?.checked ?? true,
    mixWindow: Number.isFinite(mixWindow) && mixWindow >= 1 ? Math.floor(mixWindow) : 1,
  };
}

function drawAll(data: ReportData): void {
  const controls = readControls();
  for (const c of charts.splice(0)) c.plot.destroy();
  document.querySelectorAll<HTMLElement>('[data-chart]').forEach((el) => {
    const spec = specFor(el.dataset.chart ?? '', data, controls);
    if (!spec) return;
    const width = Math.max(200, el.clientWidth);
    const opts = { ...spec.opts, width, height: spec.opts.height ?? 280 } as uPlot.Options;
    el.replaceChildren();
    charts.push({ el, plot: new UPlot(opts, spec.data, el) });
  });
}

function resizeAll(): void {
  for (const { el, plot } of charts) {
    const width = Math.max(200, el.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: plot.height });
  }
}

function main(): void {
  const source = document.getElementById('camtl-data');
  if (!source || typeof UPlot !== 'function') return;
  const data = JSON.parse(source.textContent ?? '{}') as ReportData;
  document.documentElement.classList.add('js');
  drawAll(data);
  for (const id of ['ctl-smoothing', 'ctl-raw', 'ctl-window']) {
    input(id)?.addEventListener('input', () => drawAll(data));
  }
  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(resizeAll);
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
