import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { registerGradients } from '../gradients';

/**
 * Read-only view of named parameters under a prefix. Modules receive one of
 * these and ask for HF-relative names (`p.get('query.weight')`), so the same
 * module works wherever it sits in the tree.
 */
export interface Params {
  readonly prefix: string;
  get(name: string): tf.Tensor;
  has(name: string): boolean;
  at(sub: string): Params;
  /** The whole tree, for modules that share parameters across layers (e.g. one hypernetwork). */
  root(): Params;
}

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * The parameter tree of a model: HF names → tf.Variables. Trainability is the
 * variable's own `trainable` flag, so tf.variableGrads and the optimiser agree.
 */
export class ParamStore {
  readonly vars = new Map<string, tf.Variable>();

  constructor() {
    // Whatever holds trainable parameters may be differentiated, by camtl or by
    // the user's own tf.variableGrads: make sure every kernel has a gradient.
    registerGradients();
  }

  /** Adds (or replaces) a parameter; takes ownership of `value`. */
  add(name: string, value: tf.Tensor, trainable = true): tf.Variable {
    this.vars.get(name)?.dispose();
    // Unnamed: tfjs variable names are global, and two models may coexist.
    const v = tf.variable(value, trainable, undefined, 'float32');
    value.dispose();
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new CamtlError('MISSING_KEYS', `parameter "${name}" does not exist`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  get size(): number {
    return this.vars.size;
  }

  view(prefix = ''): Params {
    return makeView(this, prefix);
  }

  /** Parameters whose `trainable` flag is set. */
  trainable(): Map<string, tf.Variable> {
    return new Map([...this.vars].filter(([, v]) => v.trainable));
  }

  setTrainable(name: string, trainable: boolean): void {
    this.get(name).trainable = trainable;
  }

  /** Overwrites a parameter's values, checking its shape. */
  assign(name: string, shape: number[], data: Float32Array): void {
    const v = this.get(name);
    if (!sameShape(v.shape, shape)) {
      throw new CamtlError('SHAPE_MISMATCH', `parameter "${name}": expected [${v.shape}], got [${shape}]`);
    }
    tf.tidy(() => v.assign(tf.tensor(data, shape, 'float32')));
  }

  /** Snapshot of every parameter as plain arrays (for saving). */
  async toTensors(): Promise<Map<string, NamedTensor>> {
    const out = new Map<string, NamedTensor>();
    for (const [name, v] of this.vars) {
      out.set(name, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    }
    return out;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function makeView(store: ParamStore, prefix: string): Params {
  const full = (name: string) => (prefix ? `${prefix}.${name}` : name);
  return {
    prefix,
    get: (name) => store.get(full(name)),
    has: (name) => store.has(full(name)),
    at: (sub) => makeView(store, full(sub)),
    root: () => makeView(store, ''),
  };
}

/** A Params view over plain tensors (tests, and modules used outside a store). */
export function paramsFromRecord(record: Record<string, tf.Tensor> | Map<string, tf.Tensor>, prefix = ''): Params {
  if (record instanceof Map) record = Object.fromEntries(record);
  const full = (name: string) => (prefix ? `${prefix}.${name}` : name);
  return {
    prefix,
    get(name) {
      const t = record[full(name)];
      if (!t) throw new CamtlError('MISSING_KEYS', `parameter "${full(name)}" does not exist`);
      return t;
    },
    has: (name) => full(name) in record,
    at: (sub) => paramsFromRecord(record, full(sub)),
    root: () => paramsFromRecord(record),
  };
}
