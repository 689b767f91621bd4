import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from './errors';

/**
 * The JSON tensor format shared by the fixtures and the CLI contracts:
 * `{shape, dtype, data}` with `data` flat and row-major. int64 is read as
 * int32 and float64 as float32, the widest types tfjs has.
 */
export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

const INT_DTYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);
const FLOAT_DTYPES = new Set(['float64', 'float32', 'float16', 'bfloat16']);

export function isJsonTensor(v: unknown): v is JsonTensor {
  const t = v as JsonTensor;
  return !!t && typeof t === 'object' && Array.isArray(t.shape) && Array.isArray(t.data);
}

/** Checks a JSON tensor and names `what` (e.g. "input_ids in IN.json") on failure. */
export function validateJsonTensor(v: unknown, what: string): JsonTensor {
  if (!isJsonTensor(v)) {
    throw new CamtlError('BAD_INPUT', `${what}: expected {shape, dtype, data}`);
  }
  if (!v.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new CamtlError('BAD_INPUT', `${what}: shape must be non-negative integers, got [${v.shape}]`);
  }
  const size = v.shape.reduce((a, b) => a * b, 1);
  if (size !== v.data.length) {
    throw new CamtlError('BAD_INPUT', `${what}: shape [${v.shape}] needs ${size} values, data has ${v.data.length}`);
  }
  const dtype = v.dtype ?? 'float32';
  if (!INT_DTYPES.has(dtype) && !FLOAT_DTYPES.has(dtype)) {
    throw new CamtlError('BAD_INPUT', `${what}: unknown dtype "${dtype}"`);
  }
  if (!v.data.every((x) => typeof x === 'number' && (Number.isFinite(x) || FLOAT_DTYPES.has(dtype)))) {
    throw new CamtlError('BAD_INPUT', `${what}: data must be numbers`);
  }
  return { shape: v.shape, dtype, data: v.data };
}

/** JSON tensor → tf tensor (int types → int32, float types → float32). */
export function fromJsonTensor(v: unknown, what = 'tensor'): tf.Tensor {
  const t = validateJsonTensor(v, what);
  const dtype = INT_DTYPES.has(t.dtype) ? 'int32' : 'float32';
  return tf.tensor(t.data, t.shape, dtype);
}

/** tf tensor → JSON tensor; int32 is reported as int64 and float32 as float32. */
export function toJsonTensor(t: tf.Tensor): JsonTensor {
  const data = Array.from(t.dataSync() as ArrayLike<number>);
  const dtype = t.dtype === 'int32' || t.dtype === 'bool' ? 'int64' : 'float32';
  return { shape: t.shape.slice(), dtype, data };
}

/** As toJsonTensor, reading asynchronously (WebGPU in Node cannot read synchronously). */
export async function toJsonTensorAsync(t: tf.Tensor): Promise<JsonTensor> {
  const data = Array.from((await t.data()) as ArrayLike<number>);
  const dtype = t.dtype === 'int32' || t.dtype === 'bool' ? 'int64' : 'float32';
  return { shape: t.shape.slice(), dtype, data };
}
