// Issue 12's targets, per config: the ratio camtl / PyTorch each must stay at or
// below, judged on the median over runs. A config without a target for a ratio
// has none (camtl-mini's train ratio includes CA-MTL's extra modules, which the
// plain torch model does not have, so the issue sets it no speed target).

export type TargetKey = 'train_ratio' | 'infer_ratio' | 'rss_ratio';

export const TARGETS: Readonly<Record<string, Partial<Record<TargetKey, number>>>> = {
  'bert-tiny': { train_ratio: 1.2 },
  'bert-mini': { train_ratio: 1.0, infer_ratio: 1.0, rss_ratio: 1.3 },
  'bert-small': { train_ratio: 1.0, infer_ratio: 1.0 },
  'camtl-mini': { rss_ratio: 1.3 },
};

export interface TargetMark {
  /** The ratio may be at most this. */
  max: number;
  value: number | null;
  /** null when the ratio could not be measured (no PyTorch, failed run). */
  met: boolean | null;
}

export type TargetMarks = Partial<Record<TargetKey, TargetMark>>;

/** Each target of the config with its measured ratio and whether it is met. */
export function markTargets(config: string, ratios: Record<TargetKey, number | null>): TargetMarks {
  const out: TargetMarks = {};
  for (const [key, max] of Object.entries(TARGETS[config] ?? {}) as [TargetKey, number][]) {
    const value = ratios[key];
    out[key] = { max, value, met: value == null ? null : value <= max };
  }
  return out;
}

/** The table cell: "≤ 1.0 met", "≤ 1.0 NOT met", "≤ 1.0 ?" (unmeasured), or "" without a target. */
export function targetCell(mark: TargetMark | undefined): string {
  if (!mark) return '';
  const verdict = mark.met === null ? '?' : mark.met ? 'met' : 'NOT met';
  return `≤ ${mark.max.toFixed(1)} ${verdict}`;
}
