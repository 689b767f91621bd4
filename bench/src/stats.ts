// Small numeric helpers shared by the parent (reports) and the worker (timings).

/** The median; NaN for an empty list (no step measured is not a time of 0). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** camtl / reference, or null when either side is missing (a ratio of nothing is not 0 or ∞). */
export function ratio(ours: number | null | undefined, reference: number | null | undefined): number | null {
  if (ours == null || reference == null || !Number.isFinite(ours) || !Number.isFinite(reference) || reference <= 0) {
    return null;
  }
  return ours / reference;
}

/** "1.23×", "12.3×", "—" when absent. Two significant decimals below 10 are what a target like 1.5× needs. */
export function formatRatio(r: number | null | undefined): string {
  if (r == null || !Number.isFinite(r)) return '—';
  return r < 10 ? `${r.toFixed(2)}×` : `${r.toFixed(1)}×`;
}

/** "842 ms", "12.3 s", "14.2 min", "3.6 h", "—" (epochs run to hours). */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  if (ms < 600_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Rounds for JSON output: timings to 0.01 ms, ratios to 3 decimals. */
export function round(x: number | null | undefined, digits = 2): number | null {
  if (x == null || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Left-aligned text table with a header rule; every row has as many cells as the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
