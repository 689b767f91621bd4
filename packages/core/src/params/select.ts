import type { ParamStore } from './store';

/**
 * Which parameters a freeze/unfreeze applies to. Names match `include` (any)
 * and not `exclude`; string patterns are globs (`*` = any run of characters)
 * matched against the whole name. `layers: [a, b]` further restricts to names
 * whose layer index (captured by `layerPattern`) lies in [a, b].
 */
export interface ParamSelector {
  include?: Array<string | RegExp>;
  exclude?: Array<string | RegExp>;
  layers?: [number, number];
  layerPattern?: RegExp;
}

export const DEFAULT_LAYER_PATTERN = /(?:^|\.)layer\.(\d+)\./;

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`);
}

function toRegExp(p: string | RegExp): RegExp {
  return typeof p === 'string' ? globToRegExp(p) : p;
}

/** The layer index in a name such as `bert.encoder.layer.7.output.dense.weight`. */
export function layerIndex(name: string, pattern = DEFAULT_LAYER_PATTERN): number | undefined {
  const m = pattern.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function matchesSelector(name: string, sel: ParamSelector): boolean {
  const include = (sel.include ?? ['*']).map(toRegExp);
  const exclude = (sel.exclude ?? []).map(toRegExp);
  if (!include.some((r) => r.test(name)) || exclude.some((r) => r.test(name))) return false;
  if (!sel.layers) return true;
  const k = layerIndex(name, sel.layerPattern);
  return k !== undefined && k >= sel.layers[0] && k <= sel.layers[1];
}

/** Sets `trainable` on every selected parameter; returns the names changed. */
export function setTrainable(store: ParamStore, sel: ParamSelector, trainable: boolean): string[] {
  const changed: string[] = [];
  for (const name of store.names()) {
    if (matchesSelector(name, sel)) {
      store.setTrainable(name, trainable);
      changed.push(name);
    }
  }
  return changed;
}

export const freeze = (store: ParamStore, sel: ParamSelector): string[] => setTrainable(store, sel, false);
export const unfreeze = (store: ParamStore, sel: ParamSelector): string[] => setTrainable(store, sel, true);

/** Parses "a-b" (or "a") into an inclusive layer range, as `--freeze 0-4`. */
export function parseLayerRange(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return a <= b ? [a, b] : undefined;
}
