// Test-only helpers (not exported from the package): the CA-MTL module
// fixtures as tensors, and the fixture loss with its gradients.
import * as tf from '@tensorflow/tfjs-core';
import { paramsFromRecord, type Params } from '@camtl/core';
import { readCamtlFixtureJson, readCamtlTensors } from '@camtl/testkit';

export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

export interface ModuleCase {
  name: string;
  constructor: Record<string, number>;
  as_initialised: boolean;
  params_file: string;
  param_names: string[];
  inputs: Record<string, JsonTensor>;
  outputs: Record<string, JsonTensor>;
  loss_weights: Record<string, JsonTensor>;
  loss: number;
  grads: Record<string, JsonTensor>;
}

const expected = readCamtlFixtureJson<{ cases: ModuleCase[] }>('modules_expected.json');

export function moduleCase(name: string): ModuleCase {
  const c = expected.cases.find((k) => k.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return c;
}

export function jsonTensor(j: JsonTensor): tf.Tensor {
  return j.dtype.startsWith('int') ? tf.tensor(j.data, j.shape, 'int32') : tf.tensor(j.data, j.shape, 'float32');
}

/** The case's parameters (prefixed names) and float inputs (as `input.<name>`), float32. */
export async function caseTensors(c: ModuleCase): Promise<Map<string, tf.Tensor>> {
  const out = new Map<string, tf.Tensor>();
  const file = c.params_file.split('/').pop()!;
  for (const [name, t] of await readCamtlTensors('modules', file))
    out.set(name, tf.tensor(Float32Array.from(t.data), t.shape, 'float32'));
  for (const [name, j] of Object.entries(c.inputs))
    if (!j.dtype.startsWith('int')) out.set(`input.${name}`, jsonTensor(j));
  return out;
}

export type CaseRun = (p: Params, get: (input: string) => tf.Tensor) => Record<string, tf.Tensor>;

/** Outputs and the gradient of Σ_k Σ(out_k ⊙ w_k) w.r.t. every tensor of `tensors`. */
export function runCase(c: ModuleCase, tensors: Map<string, tf.Tensor>, run: CaseRun) {
  const names = [...tensors.keys()];
  const ints = new Map(
    Object.entries(c.inputs)
      .filter(([, j]) => j.dtype.startsWith('int'))
      .map(([n, j]) => [n, jsonTensor(j)]),
  );
  const weights = Object.fromEntries(Object.entries(c.loss_weights).map(([k, j]) => [k, jsonTensor(j)]));
  const call = (xs: tf.Tensor[]) => {
    const record = Object.fromEntries(names.map((n, i) => [n, xs[i]]));
    return run(paramsFromRecord(record), (n) => ints.get(n) ?? record[`input.${n}`]);
  };
  const outputs = call(names.map((n) => tensors.get(n)!));
  const loss = (...xs: tf.Tensor[]) =>
    tf.addN(Object.entries(call(xs)).map(([k, o]) => tf.sum(tf.mul(o, weights[k])))) as tf.Scalar;
  const { value, grads } = tf.valueAndGrads(loss)(names.map((n) => tensors.get(n)!));
  return { outputs, loss: value, grads: new Map(names.map((n, i) => [n, grads[i]])) };
}
