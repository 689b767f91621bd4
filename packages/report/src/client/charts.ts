import type uPlot from 'uplot';
import type { Column, ReportData } from '../report-data';
import { OVERALL_COLOR, taskColor, taskDash, withAlpha } from './palette';
import { bestStepPlugin, dashedLegend, rawCompanionsPlugin, taskFill } from './plugins';
import { ema, stack, windowMean } from './series';

/** What the page's controls set. */
export interface Controls {
  /** EMA factor 0..0.99 for losses. */
  smoothing: number;
  /** Also draw the raw (unsmoothed) loss. */
  showRaw: boolean;
  /** Steps (points) averaged for the task mix. */
  mixWindow: number;
}

export interface ChartSpec {
  opts: Omit<uPlot.Options, 'width' | 'height'> & { height?: number };
  data: uPlot.AlignedData;
}

type Data = (number | null)[][];

const fmt = (digits: number) => (_u: uPlot, v: number | null) =>
  v === null || v === undefined ? '–' : v.toFixed(digits);
const pct = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
const pctAxis = (_u: uPlot, splits: number[]) => splits.map((v) => `${Math.round(v * 100)}%`);

function taskSeries(i: number, label: string, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return { label, stroke: taskColor(i), dash: taskDash(i), width: 1.5, spanGaps: true, value: fmt(4), ...extra };
}

function overallSeries(label: string, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return { label, stroke: OVERALL_COLOR, width: 2.5, spanGaps: true, value: fmt(4), ...extra };
}

function base(data: ReportData, title: string, yLabel: string, series: uPlot.Series[]): ChartSpec['opts'] {
  return {
    title,
    series: [{ label: 'step', value: (_u, v) => (v === null ? '–' : String(v)) }, ...series],
    scales: { x: { time: false } },
    axes: [{ label: 'step' }, { label: yLabel, size: 60 }],
    cursor: { sync: { key: 'camtl-steps' } },
    legend: dashedLegend,
    plugins: [bestStepPlugin(data.bestStep)],
  };
}

export function lossChart(data: ReportData, c: Controls): ChartSpec {
  const { step, loss } = data.steps;
  const series = [overallSeries(c.smoothing ? `loss (EMA ${c.smoothing.toFixed(2)})` : 'loss')];
  const values: Data = [ema(loss, c.smoothing)];
  if (c.showRaw && c.smoothing) {
    series.unshift({ label: 'loss (raw)', stroke: withAlpha(OVERALL_COLOR, 0.25), width: 1, value: fmt(4) });
    values.unshift(loss);
  }
  return { opts: base(data, 'Training loss', 'loss', series), data: [step, ...values] as uPlot.AlignedData };
}

export function taskLossChart(data: ReportData, c: Controls): ChartSpec {
  const { step, perTaskLoss } = data.steps;
  const series: uPlot.Series[] = [];
  const values: Data = [];
  const raw = new Map<number, number>();
  data.tasks.forEach((task, i) => {
    if (c.showRaw && c.smoothing) {
      series.push(taskSeries(i, `${task} (raw)`, { stroke: withAlpha(taskColor(i), 0.2), width: 1, dash: [] }));
      values.push(perTaskLoss[i]);
      raw.set(series.length + 1, series.length);
    }
    series.push(taskSeries(i, task));
    values.push(ema(perTaskLoss[i], c.smoothing));
  });
  const opts = base(data, 'Training loss per task', 'loss', series);
  opts.plugins = [...(opts.plugins ?? []), rawCompanionsPlugin(raw)];
  return { opts, data: [step, ...values] as uPlot.AlignedData };
}

export function evalChart(data: ReportData, splitIndex: number): ChartSpec {
  const e = data.evals[splitIndex];
  const points = { show: true, size: 5 };
  const series = data.tasks.map((t, i) => taskSeries(i, t, { points }));
  series.push(overallSeries('average (mean)', { points }));
  const values = [...e.scores, e.average];
  // The selection score beside the mean (dashed), unless it is the mean itself.
  if (e.selectBy && e.selectBy !== 'mean') {
    series.push(overallSeries(`score (${e.selectBy})`, { points, dash: [8, 4] }));
    values.push(e.score);
  }
  const selected = e.selectBy
    ? `; best checkpoint by ${e.selectBy === 'mean' ? 'the mean' : `score (${e.selectBy})`}`
    : '';
  const title = `Evaluation scores (${e.split}) and their average${selected}`;
  return { opts: base(data, title, 'score', series), data: [e.step, ...values] as uPlot.AlignedData };
}

/** One task's metrics on the model-selection split (a small multiple). */
export function taskMetricsChart(data: ReportData, taskIndex: number): ChartSpec {
  const e = data.evals[0];
  const m = e.metrics[taskIndex];
  const series = m.names.map((name, k) =>
    taskSeries(taskIndex, name, { dash: [[], [6, 3], [2, 2]][k % 3], points: { show: true, size: 4 } }),
  );
  const opts = base(data, `${data.tasks[taskIndex]} (${e.split})`, 'metric', series);
  opts.height = 200;
  opts.axes = [{ label: 'step' }, { size: 50 }];
  return { opts, data: [e.step, ...m.values] as uPlot.AlignedData };
}

export function mixChart(data: ReportData, c: Controls): ChartSpec {
  const { step, taskMix } = data.steps;
  const smoothed = taskMix.map((s) => windowMean(s, c.mixWindow));
  const stacked = stack(smoothed);
  const own = (_u: uPlot, _v: number | null, si: number, idx: number | null) =>
    idx === null ? '–' : pct(_u, smoothed[si - 1][idx]);
  const series = data.tasks.map((t, i) =>
    taskSeries(i, t, { value: own, width: 1, dash: [], fill: i ? undefined : taskFill(i) }),
  );
  // Each task's area lies between its running total and the previous one.
  const bands = data.tasks.slice(1).map((_, k) => ({
    series: [k + 2, k + 1] as [number, number],
    fill: taskFill(k + 1),
  }));
  const opts = base(data, `Sampler task mix (stacked, mean over ${c.mixWindow} points)`, 'share', series);
  opts.bands = bands;
  opts.legend = { markers: { fill: (_u, si) => (si ? withAlpha(taskColor(si - 1), 0.55) : 'transparent') } };
  opts.scales = { x: { time: false }, y: { range: [0, 1] } };
  opts.axes = [{ label: 'step' }, { label: 'share of batch', size: 60, values: pctAxis }];
  return { opts, data: [step, ...stacked] as uPlot.AlignedData };
}

export function dataUsedChart(data: ReportData): ChartSpec {
  const { step, dataUsed, perTaskDataUsed } = data.steps;
  const series = [
    overallSeries('all tasks', { value: pct }),
    ...data.tasks.map((t, i) => taskSeries(i, t, { value: pct })),
  ];
  const opts = base(data, 'Training data used (unique examples drawn so far)', 'used', series);
  opts.scales = { x: { time: false }, y: { range: [0, 1] } };
  opts.axes = [{ label: 'step' }, { label: 'fraction used', size: 60, values: pctAxis }];
  return { opts, data: [step, dataUsed, ...perTaskDataUsed] as uPlot.AlignedData };
}

export function optimizerChart(data: ReportData): ChartSpec {
  const { step, lr, gradNorm } = data.steps;
  const hasNorm = gradNorm.some((v) => v !== null);
  const series: uPlot.Series[] = [overallSeries('learning rate', { scale: 'lr', value: (_u, v) => fmtSci(v) })];
  const values: Column[] = [lr];
  if (hasNorm) {
    series.push({ label: 'gradient norm', stroke: taskColor(3), width: 1, scale: 'norm', value: fmt(3) });
    values.push(gradNorm);
  }
  const opts = base(data, 'Learning rate' + (hasNorm ? ' and gradient norm' : ''), '', series);
  opts.scales = { x: { time: false } };
  opts.axes = [
    { label: 'step' },
    { scale: 'lr', label: 'learning rate', size: 70, values: (_u, s) => s.map(fmtSci) },
    ...(hasNorm ? [{ scale: 'norm', side: 1 as const, label: 'gradient norm', size: 60, grid: { show: false } }] : []),
  ];
  return { opts, data: [step, ...values] as uPlot.AlignedData };
}

function fmtSci(v: number | null): string {
  return v === null || v === undefined ? '–' : v === 0 ? '0' : v.toExponential(1);
}
