// The CA-MTL module fixtures (modules_expected.json + modules/<case>.safetensors)
// as tfjs tensors, and the fixture loss Σ_k Σ(outputs[k] ⊙ loss_weights[k]) with
// its gradients w.r.t. every parameter and float input.
import * as tf from '@tensorflow/tfjs-core';
import { paramsFromRecord, type Params } from '@camtl/core';
import {
  readCamtlFixtureJson,
  readCamtlFloat32Tensors,
  readCamtlTensors,
  type ReferenceTensor,
} from './camtl-fixtures';

/** A tensor as the fixture JSON stores it (dtype is the PyTorch one: float64, int64, …). */
export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

/** Statistics of a parameter as the reference module initialised it. */
export interface InitStats {
  shape: number[];
  all_zero: boolean;
  all_one: boolean;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** One case of modules_expected.json. */
export interface ModuleCase {
  name: string;
  module: string;
  reference_file: string;
  notes: string;
  constructor: Record<string, number>;
  as_initialised: boolean;
  /** Relative to the CA-MTL fixture folder, e.g. `modules/film_hidden.safetensors`. */
  params_file: string;
  /** Prefixed parameter names, e.g. `film.gb_weights.weight`. */
  param_names: string[];
  /** Keyed by the name below the module prefix, e.g. `gb_weights.bias`. */
  init_stats: Record<string, InitStats>;
  inputs: Record<string, JsonTensor>;
  outputs: Record<string, JsonTensor>;
  loss_weights: Record<string, JsonTensor>;
  loss: number;
  /** Keyed by parameter name, or `input.<name>` for a float input. */
  grads: Record<string, JsonTensor>;
}

let cases: ModuleCase[] | undefined;

/** The case `name` of modules_expected.json (read once). */
export function moduleCase(name: string): ModuleCase {
  cases ??= readCamtlFixtureJson<{ cases: ModuleCase[] }>('modules_expected.json').cases;
  const c = cases.find((k) => k.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return c;
}

const isInt = (j: JsonTensor) => j.dtype.startsWith('int');

/** A fixture tensor as int32 (integer dtypes) or float32 (the rest), unless `dtype` says which. */
export function jsonTensor(j: JsonTensor, dtype: 'float32' | 'int32' = isInt(j) ? 'int32' : 'float32'): tf.Tensor {
  return tf.tensor(j.data, j.shape, dtype);
}

/** The case's parameters as float64 reference tensors, by prefixed name. */
export function caseReferenceParams(c: ModuleCase): Promise<Map<string, ReferenceTensor>> {
  return readCamtlTensors(...c.params_file.split('/'));
}

/**
 * The case's parameters (prefixed names, in `param_names` order; F32 on disk,
 * so exact) and its float inputs (as `input.<name>`), as float32 tensors: the
 * tensors `runCase` differentiates with respect to. The caller disposes them.
 */
export async function caseTensors(c: ModuleCase): Promise<Map<string, tf.Tensor>> {
  const params = await readCamtlFloat32Tensors(...c.params_file.split('/'));
  const missing = c.param_names.filter((n) => !params.has(n));
  if (missing.length > 0 || params.size !== c.param_names.length) {
    tf.dispose([...params.values()]);
    throw new Error(`${c.params_file}: holds [${[...params.keys()]}], case ${c.name} names [${c.param_names}]`);
  }
  const out = new Map<string, tf.Tensor>(c.param_names.map((n) => [n, params.get(n)!]));
  for (const [name, j] of Object.entries(c.inputs)) if (!isInt(j)) out.set(`input.${name}`, jsonTensor(j));
  return out;
}

/**
 * The module under test: `p` views the parameters, `get(name)` gives the
 * case input `name` (int32 for integer inputs, else the differentiated float32
 * tensor). Returns the outputs by name (the keys of `loss_weights`).
 */
export type CaseRun = (p: Params, get: (input: string) => tf.Tensor) => Record<string, tf.Tensor>;

export interface CaseResult {
  outputs: Record<string, tf.Tensor>;
  /** Σ_k Σ(outputs[k] ⊙ loss_weights[k]). */
  loss: tf.Scalar;
  /** The gradient of `loss` w.r.t. every tensor of `tensors`, by the same names. */
  grads: Map<string, tf.Tensor>;
}

/** Runs `run` on `tensors` (see `caseTensors`): outputs, fixture loss and its gradients. The caller disposes them. */
export function runCase(c: ModuleCase, tensors: Map<string, tf.Tensor>, run: CaseRun): CaseResult {
  const names = [...tensors.keys()];
  const ints = new Map(
    Object.entries(c.inputs)
      .filter(([, j]) => isInt(j))
      .map(([n, j]) => [n, jsonTensor(j)]),
  );
  const weights = Object.entries(c.loss_weights).map(([k, j]) => [k, jsonTensor(j)] as const);
  const call = (xs: tf.Tensor[]) => {
    const record = Object.fromEntries(names.map((n, i) => [n, xs[i]]));
    return run(paramsFromRecord(record), (n) => {
      const t = ints.get(n) ?? record[`input.${n}`];
      if (!t) throw new Error(`case ${c.name} has no input ${n}`);
      return t;
    });
  };
  const lossOf = (...xs: tf.Tensor[]): tf.Scalar => {
    const outs = call(xs);
    const terms = weights.map(([k, w]) => {
      if (!outs[k]) throw new Error(`case ${c.name}: the run returned no output ${k}`);
      return tf.sum(tf.mul(outs[k], w));
    });
    return tf.addN(terms) as tf.Scalar;
  };
  const outputs = call(names.map((n) => tensors.get(n)!));
  const { value, grads } = tf.valueAndGrads(lossOf)(names.map((n) => tensors.get(n)!));
  tf.dispose([...ints.values(), ...weights.map(([, w]) => w)]);
  return { outputs, loss: value, grads: new Map(names.map((n, i) => [n, grads[i]])) };
}
