import { defaultWindow } from './client/series';
import { collect, type RunView } from './collect';
import { BEST_VALUES_TITLE, bestValuesTableHtml } from './best-values';
import { buildReportData, type ReportDataOptions } from './columns';
import { escapeHtml as esc, jsonForScript } from './escape';
import { CLIENT_JS, UPLOT_CSS, UPLOT_JS, UPLOT_LICENSE, UPLOT_VERSION } from './generated/assets';
import { parseLogDetailed, type ParseLogOptions } from './parse';
import type { ReportData } from './report-data';
import { PAGE_CSS } from './style';
import { finalTable } from './summary';
import {
  checkpointsTable,
  configTable,
  evalHistoryTable,
  finalTableHtml,
  metaList,
  statusBadge,
  tasksTable,
} from './tables';
import type { LogRecord } from './types';

export interface RenderOptions extends ReportDataOptions {
  /** Page title and heading; default "camtl report: <tasks>". */
  title?: string;
}

// Scripts run inline only; nothing may be fetched (the page must work offline).
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

function chart(key: string): string {
  return `<div class="chart" data-chart="${esc(key)}"></div>`;
}

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
}

function defaultSmoothing(points: number): number {
  return points < 20 ? 0 : points < 200 ? 0.6 : 0.9;
}

function lossSection(data: ReportData): string {
  const n = data.steps.step.length;
  if (!n) return section('loss', 'Training loss', '<p class="empty">No training steps logged.</p>');
  const s = defaultSmoothing(n);
  const controls =
    `<div class="controls"><label>smoothing (EMA) <input type="range" id="ctl-smoothing" min="0" max="0.99" step="0.01" value="${s}"> ` +
    `<output id="ctl-smoothing-value">${s.toFixed(2)}</output></label>` +
    `<label><input type="checkbox" id="ctl-raw" checked> show raw values</label></div>`;
  const bucket = data.bucket > 1 ? `<p class="note">Each point is the mean of ${data.bucket} logged steps.</p>` : '';
  return section(
    'loss',
    'Training loss',
    controls + bucket + `<div class="charts">${chart('loss')}${chart('task-loss')}</div>`,
  );
}

function evalSection(data: ReportData): string {
  if (!data.evals.length) return section('eval', 'Evaluation', '<p class="empty">No evaluations logged.</p>');
  const overall = data.evals.map((_, i) => chart(`eval:${i}`)).join('');
  const perTask = data.tasks.map((_, i) => chart(`metrics:${i}`)).join('');
  const small = `<h3>Metrics per task (${esc(data.evals[0].split)})</h3><div class="charts small">${perTask}</div>`;
  return section('eval', 'Evaluation', `<div class="charts">${overall}</div>${small}`);
}

function mixSection(data: ReportData): string {
  const n = data.steps.step.length;
  if (!n) return '';
  const controls = `<div class="controls"><label>mean over <input type="number" id="ctl-window" min="1" max="${n}" value="${defaultWindow(n)}"> points</label></div>`;
  const charts = `<div class="charts">${chart('mix')}${chart('data')}</div>`;
  return section('sampler', 'Sampler: task mix and data used', controls + charts);
}

function optimizerSection(data: ReportData): string {
  if (!data.steps.step.length) return '';
  return section('optimizer', 'Optimizer', `<div class="charts">${chart('optimizer')}</div>`);
}

function headerHtml(view: RunView, title: string, notices: string[]): string {
  const notes = notices.map((n) => `<p class="notice">${esc(n)}</p>`).join('');
  const tables = `<div class="cols"><div><h3>Configuration</h3>${configTable(view)}</div><div><h3>Tasks</h3>${tasksTable(view)}</div></div>`;
  return `<header><h1>${esc(title)} ${statusBadge(view)}</h1>${notes}${metaList(view)}${tables}</header>`;
}

function detailsSection(view: RunView): string {
  const history = `<details open><summary>Evaluation history${view.mainSplit ? ` (${esc(view.mainSplit)})` : ''}</summary>${evalHistoryTable(view)}</details>`;
  const checkpoints = `<details><summary>Checkpoints (${view.checkpoints.length})</summary>${checkpointsTable(view)}</details>`;
  return section('details', 'Details', history + checkpoints);
}

function footer(): string {
  return (
    `<footer>Made by @camtl/report. Plots drawn with uPlot ${esc(UPLOT_VERSION)}, inlined under its licence:` +
    `<details><summary>uPlot licence</summary><pre>${esc(UPLOT_LICENSE)}</pre></details></footer>`
  );
}

function scripts(data: ReportData): string {
  const licence = `/*! uPlot ${UPLOT_VERSION}, MIT licence:\n${UPLOT_LICENSE}\n*/`;
  return (
    `<script type="application/json" id="camtl-data">${jsonForScript(data)}</script>\n` +
    `<script>${licence}\n${UPLOT_JS}</script>\n<script>${CLIENT_JS}</script>`
  );
}

function page(view: RunView, options: RenderOptions, notices: string[]): string {
  const data = buildReportData(view, options);
  const title = options.title ?? `camtl report: ${view.tasks.map((t) => t.name).join(', ') || 'no tasks'}`;
  const body = [
    headerHtml(view, title, notices),
    section('final', 'Final results', finalTableHtml(finalTable(view))),
    section('best-values', BEST_VALUES_TITLE, bestValuesTableHtml(view)),
    lossSection(data),
    evalSection(data),
    mixSection(data),
    optimizerSection(data),
    detailsSection(view),
    footer(),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@camtl/report">
<title>${esc(title)}</title>
<style>${UPLOT_CSS}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
<noscript><p class="notice">The plots need JavaScript; the tables work without it.</p></noscript>
${body.join('\n')}
</main>
${scripts(data)}
</body>
</html>
`;
}

/**
 * A self-contained HTML report of a training log: one file, no network access (it
 * inlines uPlot and its own script, and its Content-Security-Policy forbids fetching),
 * which works from a file:// URL. The tables read without JavaScript.
 */
export function renderReport(records: LogRecord[], options: RenderOptions = {}): string {
  return page(collect(records), options, []);
}

/**
 * {@link renderReport} of a JSONL log's text. A cut-off last line is left out (and
 * noted on the page); other bad lines throw, or with `onInvalid: 'skip'` are left out
 * and counted on the page.
 */
export function renderReportFromJsonl(text: string, options: RenderOptions & ParseLogOptions = {}): string {
  const parsed = parseLogDetailed(text, options);
  const notices: string[] = [];
  if (parsed.truncated) notices.push('The log’s last line was cut off (the run was killed?) and is left out.');
  if (parsed.skipped.length) {
    const lines = parsed.skipped
      .map((s) => s.line)
      .slice(0, 10)
      .join(', ');
    notices.push(
      `${parsed.skipped.length} bad log line(s) left out (line ${lines}${parsed.skipped.length > 10 ? ', …' : ''}).`,
    );
  }
  if (parsed.unknownTypes) notices.push(`${parsed.unknownTypes} record(s) of unknown types were ignored.`);
  return page(collect(parsed.records), options, notices);
}
