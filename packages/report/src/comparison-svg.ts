import { escapeHtml as esc } from './escape';

/**
 * Static SVG charts for the comparison page: no script, so the page renders
 * the same offline, printed or with JavaScript off. Values with a ± sample sd
 * are drawn as bars or points with whiskers.
 */

/** Okabe–Ito: distinguishable with the common colour-vision deficiencies. */
export const ARM_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export interface Point {
  mean: number | null;
  sd: number | null;
}

const W = 760;
const H = 300;
const M = { left: 48, right: 12, top: 14, bottom: 58 };

/** The value range to draw: always [0, 1] or wider, padded to whole tenths. */
function yRange(points: readonly Point[]): [number, number] {
  let lo = 0;
  let hi = 1;
  for (const p of points) {
    if (p.mean === null) continue;
    lo = Math.min(lo, p.mean - (p.sd ?? 0));
    hi = Math.max(hi, p.mean + (p.sd ?? 0));
  }
  return [Math.floor(lo * 10) / 10, Math.ceil(hi * 10) / 10];
}

function yAxis(lo: number, hi: number, y: (v: number) => number): string {
  const step = hi - lo > 1.2 ? 0.5 : 0.2;
  const out: string[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
    const py = y(v).toFixed(1);
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="${Math.abs(v) < 1e-9 ? '#888' : '#e4e4e4'}"/>`,
      `<text x="${M.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${v.toFixed(1)}</text>`,
    );
  }
  return out.join('');
}

const svgOpen = (label: string) =>
  `<svg class="cmp-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}" font-size="11" font-family="system-ui, sans-serif">`;

function whisker(x: number, p: Point, y: (v: number) => number, color: string): string {
  if (p.mean === null || p.sd === null) return '';
  const [a, b] = [y(p.mean - p.sd).toFixed(1), y(p.mean + p.sd).toFixed(1)];
  const xs = x.toFixed(1);
  return `<path d="M${xs} ${a}V${b}M${(x - 3).toFixed(1)} ${a}h6M${(x - 3).toFixed(1)} ${b}h6" stroke="${color}" stroke-width="1.2" fill="none"/>`;
}

/** Grouped bars: one group per category (task or score), one bar per series (arm), ± sd whiskers. */
export function barChart(
  label: string,
  categories: readonly string[],
  series: readonly string[],
  at: (c: number, s: number) => Point,
): string {
  const points = categories.flatMap((_, c) => series.map((_, s) => at(c, s)));
  const [lo, hi] = yRange(points);
  const y = (v: number) => M.top + ((hi - v) / (hi - lo)) * (H - M.top - M.bottom);
  const gw = (W - M.left - M.right) / Math.max(1, categories.length);
  const bw = (gw * 0.8) / Math.max(1, series.length);
  const parts = [svgOpen(label), yAxis(lo, hi, y)];
  for (const [c, cat] of categories.entries()) {
    const x0 = M.left + c * gw + gw * 0.1;
    parts.push(
      `<text x="${(x0 + gw * 0.4).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(cat)}</text>`,
    );
    for (const s of series.keys()) {
      const p = at(c, s);
      if (p.mean === null) continue;
      const color = ARM_COLORS[s % ARM_COLORS.length];
      const [top, base] = [y(Math.max(p.mean, 0)), y(Math.min(p.mean, 0))];
      const x = x0 + s * bw;
      const sd = p.sd === null ? '' : ` ± ${p.sd.toFixed(4)}`;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw * 0.9).toFixed(1)}" height="${Math.max(0.5, base - top).toFixed(1)}" fill="${color}"><title>${esc(`${series[s]} · ${cat}: ${p.mean.toFixed(4)}${sd}`)}</title></rect>`,
        whisker(x + bw * 0.45, p, y, '#222'),
      );
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Lines over the data fraction (log-scaled x), one per series, points with ± sd whiskers. */
export function fractionChart(
  label: string,
  fractions: readonly number[],
  series: readonly string[],
  at: (f: number, s: number) => Point,
): string {
  const points = fractions.flatMap((_, f) => series.map((_, s) => at(f, s)));
  const [lo, hi] = yRange(points);
  const y = (v: number) => M.top + ((hi - v) / (hi - lo)) * (H - M.top - M.bottom);
  const [a, b] = [Math.log10(Math.min(...fractions)), Math.log10(Math.max(...fractions))];
  const x = (f: number) => M.left + 20 + ((Math.log10(f) - a) / (b - a || 1)) * (W - M.left - M.right - 40);
  const parts = [svgOpen(label), yAxis(lo, hi, y)];
  for (const f of fractions)
    parts.push(
      `<text x="${x(f).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(`${+(f * 100).toPrecision(3)}%`)}</text>`,
    );
  parts.push(
    `<text x="${(W / 2).toFixed(0)}" y="${H - M.bottom + 34}" text-anchor="middle">training data (log scale)</text>`,
  );
  for (const s of series.keys()) {
    const color = ARM_COLORS[s % ARM_COLORS.length];
    const pts = fractions.map((f, i) => ({ f, p: at(i, s) })).filter((q) => q.p.mean !== null);
    const d = pts.map((q, i) => `${i ? 'L' : 'M'}${x(q.f).toFixed(1)} ${y(q.p.mean!).toFixed(1)}`).join('');
    if (d) parts.push(`<path d="${d}" stroke="${color}" stroke-width="2" fill="none"/>`);
    for (const q of pts)
      parts.push(
        whisker(x(q.f), q.p, y, color),
        `<circle cx="${x(q.f).toFixed(1)}" cy="${y(q.p.mean!).toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${series[s]} · ${q.f}: ${q.p.mean!.toFixed(4)}`)}</title></circle>`,
      );
  }
  parts.push('</svg>');
  return parts.join('');
}
