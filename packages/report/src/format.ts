import type { Metrics } from './types';

/** A metric or loss value: 4 decimals (fewer digits for large values); `missing` for null. */
export function formatNumber(value: number | null | undefined, missing = '-'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return missing;
  if (Math.abs(value) >= 1000) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(2);
  return value.toFixed(4);
}

/** A fraction as a percentage with one decimal. */
export function formatPercent(value: number | null | undefined, missing = '-'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return missing;
  return `${(value * 100).toFixed(1)}%`;
}

/** An integer with thousands separators. */
export function formatCount(value: number | null | undefined, missing = '-'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return missing;
  return Math.round(value).toLocaleString('en-US');
}

/** `acc 0.9123, f1 0.8811`. */
export function formatMetrics(metrics: Metrics | null | undefined, missing = '-'): string {
  if (!metrics) return missing;
  const parts = Object.entries(metrics).map(([name, v]) => `${name} ${formatNumber(v, missing)}`);
  return parts.length ? parts.join(', ') : missing;
}

/** `2h 03m 04s`, `3m 04s`, `4.2s`. */
export function formatDuration(ms: number | null | undefined, missing = '-'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return missing;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${pad(m)}m ${pad(s % 60)}s` : `${m}m ${pad(s % 60)}s`;
}

/** An epoch-ms time as `2026-11-22 02:52:25 UTC`. */
export function formatTime(ms: number | null | undefined, missing = '-'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return missing;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? missing : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
