// Fixture access through a FixtureLoader (fs in Node, fetch in a page).
import * as tf from '@tensorflow/tfjs-core';
import { bytesSource, memoryFileSystem, readSafetensors, type FileSystem } from '@camtl/core';
import type { FixtureLoader } from './types';

/** A fixture tensor as stored in the JSON files (PyTorch dtype names). */
export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

export const BERT_TINY = 'core/bert-tiny';
export const TINY_BASE = 'camtl/model/tiny-base';
export const MODULES_EXPECTED = 'camtl/modules_expected.json';

/** Every file a run of the suite reads (the browser runner serves exactly these roots). */
export const FIXTURE_ROOTS = { core: 'packages/core/fixtures', camtl: 'packages/testkit/fixtures/camtl' } as const;

/** Loader results are cached per loader: the JSON files are read by several checks. */
const jsonCache = new WeakMap<FixtureLoader, Map<string, Promise<unknown>>>();

export function cachedJson<T>(loader: FixtureLoader, path: string): Promise<T> {
  let m = jsonCache.get(loader);
  if (!m) jsonCache.set(loader, (m = new Map()));
  let p = m.get(path);
  if (!p) {
    p = loader.json(path);
    m.set(path, p);
    // A failed read is not cached.
    p.catch(() => m!.delete(path));
  }
  return p as Promise<T>;
}

/** A memory FileSystem holding `files` of the fixture folder `dir` under the path `name`. */
export async function fixtureFolder(
  loader: FixtureLoader,
  dir: string,
  name: string,
  files: string[],
): Promise<FileSystem> {
  const entries = await Promise.all(
    files.map(async (f) => [`${name}/${f}`, await loader.bytes(`${dir}/${f}`)] as const),
  );
  return memoryFileSystem(Object.fromEntries(entries));
}

/** Every tensor of a fixture safetensors file, as float64 values (F32 is exact in float64). */
export async function referenceTensors(
  loader: FixtureLoader,
  path: string,
): Promise<Map<string, { shape: number[]; data: Float64Array }>> {
  const file = await readSafetensors(bytesSource(await loader.bytes(path), path));
  const out = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const [name, e] of file.entries) out.set(name, { shape: e.shape, data: await file.float64(name) });
  return out;
}

/** Every tensor of a fixture safetensors file as a float32 tfjs tensor (the caller disposes them). */
export async function float32Tensors(loader: FixtureLoader, path: string): Promise<Map<string, tf.Tensor>> {
  const file = await readSafetensors(bytesSource(await loader.bytes(path), path));
  const out = new Map<string, tf.Tensor>();
  for (const [name, e] of file.entries) out.set(name, tf.tensor(await file.float32(name), e.shape, 'float32'));
  return out;
}

export const isIntTensor = (j: JsonTensor) => j.dtype.startsWith('int');

/** A fixture tensor as int32 (integer dtypes) or float32 (the rest), unless `dtype` says which. */
export function jsonTensor(
  j: JsonTensor,
  dtype: 'float32' | 'int32' = isIntTensor(j) ? 'int32' : 'float32',
): tf.Tensor {
  return tf.tensor(j.data, j.shape, dtype);
}
