// The human-readable tables of `bench` and `bench memory`: medians over the
// runs with their [min–max] spread, and issue 12's target beside each ratio
// that has one.
import type { SpeedReport, Spread } from './runs';
import { formatMs, formatRatio, formatTable } from './stats';
import { targetCell } from './targets';

/** "1.02–1.12×", "980–1040 ms": the unit once when both ends share it. */
export function range(a: string, b: string): string {
  const unit = (t: string) => /( \S+|×)$/.exec(t)?.[1] ?? '';
  const u = unit(a);
  return u && u === unit(b) ? `${a.slice(0, -u.length)}–${b}` : `${a}–${b}`;
}

/** "1.05× (0.98–1.12×)": the median, then the spread when there was more than one run and it is not a point. */
export function withSpread(text: string, s: Spread, format: (x: number) => string, runs: number): string {
  if (runs < 2 || !s || s[0] === s[1]) return text;
  return `${text} (${range(format(s[0]), format(s[1]))})`;
}

const mb = (x: number | null) => (x == null ? '—' : `${Math.round(x)} MB`);

function tensors(r: SpeedReport): string {
  return r.num_tensors_before == null ? '—' : `${r.num_tensors_before}→${r.num_tensors_after}`;
}

function speedCells(r: SpeedReport): string[] {
  const ms = (v: number | null, s: Spread) => withSpread(formatMs(v), s, formatMs, r.runs);
  const x = (v: number | null, s: Spread) => withSpread(formatRatio(v), s, formatRatio, r.runs);
  return [
    r.config,
    r.backend,
    r.threads == null ? '?' : String(r.threads),
    ms(r.train_median_ms, r.train_median_ms_spread),
    formatMs(r.torch_train_median_ms),
    x(r.train_ratio, r.train_ratio_spread),
    targetCell(r.targets.train_ratio),
    ms(r.infer_median_ms, r.infer_median_ms_spread),
    formatMs(r.torch_infer_median_ms),
    x(r.infer_ratio, r.infer_ratio_spread),
    targetCell(r.targets.infer_ratio),
    formatMs(r.ort_infer_median_ms),
    x(r.ort_infer_ratio, r.ort_infer_ratio_spread),
    mb(r.peak_rss_mb),
    mb(r.torch_peak_rss_mb),
    x(r.rss_ratio, r.rss_ratio_spread),
    targetCell(r.targets.rss_ratio),
    tensors(r),
    String(r.runs),
  ];
}

/** One line per (config, backend): camtl, PyTorch, ratio and target for train, inference (and ORT) and RSS. */
export function speedTable(rows: readonly SpeedReport[]): string {
  const header = [
    'config',
    'backend',
    'thr',
    'train',
    'torch',
    'ratio',
    'target',
    'infer',
    'torch',
    'ratio',
    'target',
    'ORT',
    'vs ORT',
    'peak RSS',
    'torch RSS',
    'ratio',
    'target',
    'tensors',
    'runs',
  ];
  return formatTable(header, rows.map(speedCells));
}

/** Peak RSS per backend next to PyTorch's (each measured in its own process). */
export function memoryTable(rows: readonly SpeedReport[]): string {
  return formatTable(
    ['config', 'backend', 'peak RSS', 'torch peak RSS', 'ratio', 'target', 'tensors before→after', 'params', 'runs'],
    rows.map((r) => [
      r.config,
      r.backend,
      withSpread(mb(r.peak_rss_mb), r.peak_rss_mb_spread, mb, r.runs),
      mb(r.torch_peak_rss_mb),
      withSpread(formatRatio(r.rss_ratio), r.rss_ratio_spread, formatRatio, r.runs),
      targetCell(r.targets.rss_ratio),
      tensors(r),
      r.params == null ? '—' : `${(r.params / 1e6).toFixed(2)} M`,
      String(r.runs),
    ]),
  );
}
