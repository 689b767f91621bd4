/**
 * The reference code's way of reporting (spec, divergence 12): for every metric,
 * its best value over all the evaluations of the run, each possibly from a
 * different step. No single checkpoint reaches these numbers together; the
 * report shows them apart from the best checkpoint's, and says so.
 */
import { mainEvals, type RunView } from './collect';
import { numAt, own } from './columns';
import { escapeHtml as esc } from './escape';
import { formatNumber } from './format';
import { table } from './tables';

export interface BestValue {
  /** The evaluation set (task name, or e.g. "mnli/dev_mismatched"). */
  set: string;
  metric: string;
  /** The best value over all evaluations (null: never defined). */
  value: number | null;
  /** The first step that reached it. */
  step: number | null;
}

/** Lower is better for these; every other metric is best at its maximum. */
const LOWER_IS_BETTER = new Set(['mse']);

function better(metric: string, a: number, b: number): boolean {
  return LOWER_IS_BETTER.has(metric) ? a < b : a > b;
}

/** Each (set, metric) of the main split's evaluations with its best value, in first-seen order. */
export function bestValues(view: RunView): BestValue[] {
  const out = new Map<string, BestValue>();
  for (const e of mainEvals(view)) {
    for (const set of Object.keys(e.metrics)) {
      const metrics = own(e.metrics, set);
      for (const metric of Object.keys(metrics ?? {})) {
        const key = JSON.stringify([set, metric]);
        const entry = out.get(key) ?? { set, metric, value: null, step: null };
        out.set(key, entry);
        const v = numAt(metrics, metric);
        if (v !== null && (entry.value === null || better(metric, v, entry.value))) {
          entry.value = v;
          entry.step = e.step;
        }
      }
    }
  }
  return [...out.values()];
}

export const BEST_VALUES_TITLE = 'Best value of each metric over all evaluations (the reference’s report)';

/** The table, with a note on what it is and is not. */
export function bestValuesTableHtml(view: RunView): string {
  const rows = bestValues(view);
  if (!rows.length) return '<p class="empty">No evaluations logged.</p>';
  const note =
    '<p class="note">The official CA-MTL code logs each metric’s best value over the whole run. These values may come ' +
    'from different steps: no single checkpoint has them all. The tables above are of one checkpoint.</p>';
  const num = (text: string) => ({ html: esc(text), num: true });
  const body = rows.map((r) => [
    r.set,
    r.metric,
    num(formatNumber(r.value, '–')),
    num(r.step === null ? '–' : String(r.step)),
  ]);
  return note + table(['set', 'metric', num('best value'), num('at step')], body);
}
