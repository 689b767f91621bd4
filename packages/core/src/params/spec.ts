import { Rng } from '../rng';
import { initTensor, type Initializer } from './init';
import { ParamStore } from './store';

/** A parameter a model declares: its HF name, shape and initialiser. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: Initializer;
  trainable?: boolean;
}

export function specShapes(specs: readonly ParamSpec[]): Map<string, number[]> {
  return new Map(specs.map((s) => [s.name, s.shape]));
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Allocates and initialises every spec, in declaration order, from one seeded
 * Rng — so the same seed and the same specs give the same weights.
 */
export function instantiate(specs: readonly ParamSpec[], rng: Rng, store = new ParamStore()): ParamStore {
  for (const s of specs) store.add(s.name, initTensor(s.init, s.shape, rng), s.trainable ?? true);
  return store;
}
