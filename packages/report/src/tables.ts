/** The report's HTML tables: readable without JavaScript. */
import { taskColor, taskDash, TASK_COLORS } from './client/palette';
import { mainEvals, selectedScore, selectionName, type RunView } from './collect';
import { numAt } from './columns';
import { escapeHtml as esc } from './escape';
import { formatCount, formatDuration, formatMetrics, formatNumber, formatPercent, formatTime } from './format';
import type { FinalTable } from './summary';
import type { JsonValue } from './types';

type Cell = string | { html: string; num?: boolean };

function cell(c: Cell, tag: 'td' | 'th'): string {
  if (typeof c === 'string') return `<${tag}>${esc(c)}</${tag}>`;
  return `<${tag}${c.num ? ' class="num"' : ''}>${c.html}</${tag}>`;
}

const num = (text: string): Cell => ({ html: esc(text), num: true });

/** A table from header cells and rows; `rowClass` marks rows (e.g. the average). */
export function table(head: Cell[], rows: Cell[][], rowClass: (i: number) => string = () => ''): string {
  const body = rows.map((r, i) => {
    const cls = rowClass(i);
    return `<tr${cls ? ` class="${cls}"` : ''}>${r.map((c) => cell(c, 'td')).join('')}</tr>`;
  });
  return `<div class="scroll"><table><thead><tr>${head.map((c) => cell(c, 'th')).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

/** A task's colour and dash as a small line sample, then its name. */
export function taskLabel(name: string, i: number): Cell {
  const dash = Math.floor(i / TASK_COLORS.length) % 4;
  const cls = taskDash(i).length ? ` dash${dash}` : '';
  return { html: `<span class="swatch${cls}" style="color:${taskColor(i)}"></span>${esc(name)}` };
}

function jsonText(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function configTable(view: RunView): string {
  const config = view.run?.config ?? {};
  const entries = Object.entries(config).filter(([, v]) => v !== undefined);
  if (!entries.length) return '<p class="empty">No configuration logged.</p>';
  return table(
    ['setting', 'value'],
    entries.map(([k, v]) => [k, { html: `<code>${esc(jsonText(v))}</code>` }]),
  );
}

export function tasksTable(view: RunView): string {
  if (!view.tasks.length) return '<p class="empty">No tasks logged.</p>';
  const head = ['task', 'kind', num('labels'), num('train'), num('dev')];
  const rows = view.tasks.map((t, i) => [
    taskLabel(t.name, i),
    t.kind,
    num(String(t.numLabels)),
    num(formatCount(t.trainSize)),
    num(formatCount(t.devSize)),
  ]);
  return table(head, rows);
}

/** Per task: metrics at the best evaluation and at the end, train size, data used; then averages. */
export function finalTableHtml(t: FinalTable): string {
  if (!t.rows.length) return '<p class="empty">No tasks logged.</p>';
  const at = (label: string, step: number | null) => (step === null ? label : `${label} (step ${step})`);
  const head: Cell[] = [
    'task',
    num('train'),
    at('best', t.bestStep),
    num('score'),
    at('end', t.endStep),
    num('score'),
    num('data used'),
  ];
  const rows: Cell[][] = t.rows.map((r, i) => [
    taskLabel(r.task, i),
    num(formatCount(r.trainSize)),
    formatMetrics(r.best, '–'),
    num(formatNumber(r.bestScore, '–')),
    formatMetrics(r.end, '–'),
    num(formatNumber(r.endScore, '–')),
    num(formatPercent(r.dataUsed, '–')),
  ]);
  const total = t.rows.reduce((s, r) => s + r.trainSize, 0);
  const bestAvg = num(formatNumber(t.bestAverage, '–'));
  const endAvg = num(formatNumber(t.endAverage, '–'));
  rows.push(['average (mean)', num(formatCount(total)), '', bestAvg, '', endAvg, num(formatPercent(t.dataUsed, '–'))]);
  if (t.selectBy) {
    const [best, end] = [t.bestSelected, t.endSelected].map((v) => num(formatNumber(v, '–')));
    rows.push([`score (${t.selectBy}): selects the best checkpoint`, '', '', best, '', end, '']);
  }
  const split = t.split ? `<p class="note">Metrics on the ${esc(t.split)} split.</p>` : '';
  return split + table(head, rows, (i) => (i >= t.rows.length ? 'avg' : ''));
}

/** Every evaluation of the main split: step, epoch, each task's score, the average and the selection score. */
export function evalHistoryTable(view: RunView): string {
  const evals = mainEvals(view);
  if (!evals.length) return '<p class="empty">No evaluations logged.</p>';
  const selectBy = selectionName(view);
  const head: Cell[] = [
    num('step'),
    num('epoch'),
    ...view.tasks.map((t, i) => taskLabel(t.name, i)),
    num('average (mean)'),
    ...(selectBy ? [num(`score (${selectBy})`)] : []),
    '',
  ];
  const rows = evals.map((e) => [
    num(String(e.step)),
    num(String(e.epoch)),
    ...view.tasks.map((t) => num(formatNumber(numAt(e.scores, t.name), '–'))),
    num(formatNumber(e.average, '–')),
    ...(selectBy ? [num(formatNumber(selectedScore(e), '–'))] : []),
    e.best ? 'best' : '',
  ]);
  return table(head, rows);
}

export function checkpointsTable(view: RunView): string {
  if (!view.checkpoints.length) return '<p class="empty">No checkpoints logged.</p>';
  const rows = view.checkpoints.map((c) => [
    num(String(c.step)),
    { html: `<code>${esc(c.path)}</code>` },
    c.best ? 'best' : '',
    formatTime(c.time, ''),
  ]);
  return table([num('step'), 'path', '', 'time'], rows);
}

const STATUS: Record<string, string> = {
  done: 'finished',
  'early-stopping': 'stopped early',
  nan: 'stopped: non-finite loss',
  interrupted: 'interrupted',
  incomplete: 'incomplete: no end record (running, or killed)',
};

export function statusBadge(view: RunView): string {
  const key = view.end?.reason ?? 'incomplete';
  return `<span class="status status-${esc(key)}">${esc(STATUS[key] ?? key)}</span>`;
}

function modelText(view: RunView): string {
  const m = view.run?.model;
  if (!m) return '-';
  const params = typeof m.parameters === 'number' ? ` · ${formatCount(m.parameters)} params` : '';
  const trainable =
    typeof m.trainableParameters === 'number' ? ` (${formatCount(m.trainableParameters)} trainable)` : '';
  return `${m.name}${params}${trainable}`;
}

/** The run's key facts as a definition list. */
export function metaList(view: RunView): string {
  const run = view.run;
  const lastStep = view.steps.at(-1);
  const end = view.end?.time ?? view.lastTime;
  const items: [string, string][] = [
    ['started', formatTime(run?.time ?? view.startTime)],
    ['duration', formatDuration(end !== null && view.startTime !== null ? end - view.startTime : null)],
    ['steps', lastStep ? `${formatCount(view.end?.step ?? lastStep.step)} (epoch ${lastStep.epoch})` : '0'],
    ['model', modelText(view)],
    ['backend', run?.backend ?? '-'],
    ['seed', run ? String(run.seed) : '-'],
    ['sampler', jsonText(run?.config.sampler) || '-'],
    ['tasks', String(view.tasks.length)],
  ];
  if (view.resumes.length) items.push(['resumed', `${view.resumes.length}×`]);
  if (view.end?.message) items.push(['end', view.end.message]);
  const body = items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('');
  return `<dl class="meta">${body}</dl>`;
}
