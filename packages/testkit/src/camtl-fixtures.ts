import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesSource, readSafetensors, type SafetensorsFile } from '@camtl/core';

/** The CA-MTL conformance fixtures (official CA-MTL code, float64), copied from shared/fixtures/camtl. */
const CAMTL = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'camtl');

export function camtlFixturePath(...parts: string[]): string {
  return join(CAMTL, ...parts);
}

export function readCamtlFixtureJson<T = any>(...parts: string[]): T {
  return JSON.parse(readFileSync(camtlFixturePath(...parts), 'utf8')) as T;
}

export interface ReferenceTensor {
  shape: number[];
  data: Float64Array;
}

async function openCamtlSafetensors(parts: string[]): Promise<SafetensorsFile> {
  const path = camtlFixturePath(...parts);
  return readSafetensors(bytesSource(new Uint8Array(readFileSync(path)), path));
}

/** Every tensor of a fixture safetensors file, as float64 (F32 parameters are exact in float64). */
export async function readCamtlTensors(...parts: string[]): Promise<Map<string, ReferenceTensor>> {
  const file = await openCamtlSafetensors(parts);
  const out = new Map<string, ReferenceTensor>();
  for (const [name, e] of file.entries) out.set(name, { shape: e.shape, data: await file.float64(name) });
  return out;
}

/**
 * Every tensor of a fixture safetensors file, as a float32 tfjs tensor (exact
 * for the F32 parameter files; wider dtypes round). The caller disposes them.
 */
export async function readCamtlFloat32Tensors(...parts: string[]): Promise<Map<string, tf.Tensor>> {
  const file = await openCamtlSafetensors(parts);
  const out = new Map<string, tf.Tensor>();
  for (const [name, e] of file.entries) out.set(name, tf.tensor(await file.float32(name), e.shape, 'float32'));
  return out;
}
