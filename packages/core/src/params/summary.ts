import { numel } from './spec';
import type { ParamStore } from './store';

export interface ParamInfo {
  name: string;
  shape: readonly number[];
  trainable: boolean;
}

export interface Counts {
  total: number;
  trainable: number;
  frozen: number;
  tensors: number;
}

export interface ParamSummary extends Counts {
  groups: Record<string, Counts>;
}

/**
 * Default grouping: `embeddings`, `encoder.layer.N`, `pooler`, `classifier`,
 * otherwise the name up to its last two segments (e.g. `decoders.0`).
 */
export function defaultGroup(name: string): string {
  const bare = name.replace(/^bert\./, '');
  const layer = /^encoder\.layer\.(\d+)\./.exec(bare);
  if (layer) return `encoder.layer.${layer[1]}`;
  const parts = bare.split('.');
  if (parts.length <= 2) return parts[0];
  return parts.slice(0, parts.length - 2).join('.');
}

function emptyCounts(): Counts {
  return { total: 0, trainable: 0, frozen: 0, tensors: 0 };
}

function addTo(c: Counts, n: number, trainable: boolean): void {
  c.total += n;
  c.tensors += 1;
  if (trainable) c.trainable += n;
  else c.frozen += n;
}

/** Counts parameters (scalars) in total and per group; needs shapes only. */
export function summarize(params: Iterable<ParamInfo>, groupOf: (name: string) => string = defaultGroup): ParamSummary {
  const all = emptyCounts();
  const groups: Record<string, Counts> = {};
  for (const p of params) {
    const n = numel(p.shape);
    addTo(all, n, p.trainable);
    addTo((groups[groupOf(p.name)] ??= emptyCounts()), n, p.trainable);
  }
  return { ...all, groups };
}

export function storeInfos(store: ParamStore): ParamInfo[] {
  return [...store.vars].map(([name, v]) => ({ name, shape: v.shape, trainable: v.trainable }));
}

export function summarizeStore(store: ParamStore, groupOf?: (name: string) => string): ParamSummary {
  return summarize(storeInfos(store), groupOf);
}
