import { ARM_COLORS, barChart, fractionChart, type Point } from './comparison-svg';
import type { ComparisonData, ComparisonRow, ComparisonStat } from './comparison-types';
import { escapeHtml as esc } from './escape';
import { formatDuration, formatPercent } from './format';
import { PAGE_CSS } from './style';

/** `0.912 ± 0.010` (sample sd over the seeds); no ± with one seed; `-` without a value. */
export function formatStat(s: ComparisonStat | undefined): string {
  if (!s || s.mean === null) return '-';
  return s.sd === null ? s.mean.toFixed(3) : `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`;
}

const pct = (f: number) => `${+(f * 100).toPrecision(3)}%`;

/** The cells of one row: arm, the tasks, the scores, data used, wall time. */
function cells(data: ComparisonData, row: ComparisonRow): string[] {
  return [
    row.arm,
    ...data.tasks.map((t) => formatStat(row.tasks[t])),
    ...data.scoreNames.map((n) => formatStat(row.scores[n])),
    formatPercent(row.dataUsed.mean),
    `${formatDuration(row.wallSeconds.mean * 1000)} × ${row.seeds.length}`,
  ];
}

const headers = (data: ComparisonData) => [
  'arm',
  ...data.tasks,
  ...data.scoreNames,
  'data used',
  'time per run × runs',
];

/** Rows grouped by data fraction, in the fractions' order. */
function byFraction(data: ComparisonData): Array<[number, ComparisonRow[]]> {
  return data.fractions.map((f) => [f, data.rows.filter((r) => r.fraction === f)]);
}

/** Plain-text tables (one per data fraction): per-task and run scores as mean ± sd over the seeds. */
export function comparisonTable(data: ComparisonData): string {
  const out: string[] = [];
  for (const [f, rows] of byFraction(data)) {
    if (rows.length === 0) continue;
    if (data.fractions.length > 1 || f !== 1) out.push(`training data: ${pct(f)} of each task`);
    const table = [headers(data), ...rows.map((r) => cells(data, r))];
    const widths = table[0].map((_, c) => Math.max(...table.map((line) => line[c].length)));
    for (const line of table)
      out.push(
        line
          .map((cell, c) => cell.padEnd(widths[c]))
          .join('  ')
          .trimEnd(),
      );
    out.push('');
  }
  return out.join('\n').trimEnd();
}

function htmlTable(data: ComparisonData, rows: ComparisonRow[]): string {
  const head = headers(data)
    .map((h, i) => `<th${i ? ' class="num"' : ''}>${esc(h)}</th>`)
    .join('');
  const body = rows
    .map((r) => {
      const color = ARM_COLORS[data.arms.indexOf(r.arm) % ARM_COLORS.length];
      const [arm, ...rest] = cells(data, r);
      const swatch = `<span class="swatch" style="border-color:${color}"></span>`;
      return `<tr><td>${swatch}<code>${esc(arm)}</code></td>${rest.map((c) => `<td class="num">${esc(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<div class="scroll"><table class="cmp"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const NONE: Point = { mean: null, sd: null };

function fractionSection(data: ComparisonData, f: number, rows: ComparisonRow[]): string {
  const columns = [...data.tasks, ...data.scoreNames];
  const row = (s: number) => rows.find((r) => r.arm === data.arms[s]);
  const at = (c: number, s: number): Point => {
    const r = row(s);
    const name = columns[c];
    return (c < data.tasks.length ? r?.tasks[name] : r?.scores[name]) ?? NONE;
  };
  const title = data.fractions.length > 1 || f !== 1 ? `Scores with ${pct(f)} of the training data` : 'Scores';
  const chart = barChart(`${title}: per task and overall, mean ± sd per arm`, columns, data.arms, at);
  return `<section><h2>${esc(title)}</h2>${htmlTable(data, rows)}<div class="chart">${chart}</div></section>`;
}

function efficiencySection(data: ComparisonData): string {
  if (data.fractions.length < 2) return '';
  const at =
    (name: string, isTask: boolean) =>
    (f: number, s: number): Point => {
      const r = data.rows.find((x) => x.arm === data.arms[s] && x.fraction === data.fractions[f]);
      return (isTask ? r?.tasks[name] : r?.scores[name]) ?? NONE;
    };
  const headline = data.scoreNames[0];
  const charts = [
    `<h3>${esc(headline)}</h3>${fractionChart(`${headline} by training data`, data.fractions, data.arms, at(headline, false))}`,
    ...data.tasks.map(
      (t) => `<h3>${esc(t)}</h3>${fractionChart(`${t} by training data`, data.fractions, data.arms, at(t, true))}`,
    ),
  ];
  return `<section><h2>Data efficiency</h2><p class="note">Score at the best evaluation against the share of each task’s training split (mean ± sd over seeds).</p><div class="charts">${charts.map((c) => `<div class="chart">${c}</div>`).join('')}</div></section>`;
}

function legend(data: ComparisonData): string {
  return data.arms
    .map(
      (a, i) =>
        `<span><span class="swatch" style="border-color:${ARM_COLORS[i % ARM_COLORS.length]}"></span><code>${esc(a)}</code></span>`,
    )
    .join(' ');
}

// Nothing is fetched or run: the page is static HTML and SVG.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
const CMP_CSS =
  '.cmp-chart { width: 100%; height: auto; max-width: 760px; } .legend { display: flex; flex-wrap: wrap; gap: 4px 18px; } .cmp td { white-space: nowrap; }';

/** A self-contained HTML page comparing the arms of an ablation: tables, bar charts, data-efficiency lines. */
export function renderComparison(data: ComparisonData): string {
  const title = data.title ?? `camtl ablation: ${data.arms.join(' vs ')}`;
  const seeds = [...new Set(data.rows.flatMap((r) => r.seeds))].sort((a, b) => a - b);
  const meta = [
    data.command ? `<p><code>${esc(data.command)}</code></p>` : '',
    `<p class="note">Mean ± sample sd over seeds ${esc(seeds.join(', ') || '-')}; each task’s main score at the run’s best evaluation (dev).</p>`,
    `<div class="legend">${legend(data)}</div>`,
    ...(data.notes ?? []).map((n) => `<p class="note">${esc(n)}</p>`),
  ].join('');
  const sections = byFraction(data)
    .filter(([, rows]) => rows.length > 0)
    .map(([f, rows]) => fractionSection(data, f, rows));
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${PAGE_CSS}${CMP_CSS}</style></head><body><main>`,
    `<header><h1>${esc(title)}</h1>${meta}</header>`,
    sections.join('') || '<section><p class="empty">No finished runs yet.</p></section>',
    efficiencySection(data),
    '<footer>Generated by camtl ablate (@camtl/report).</footer></main></body></html>\n',
  ].join('');
}
