import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesSource } from '../../core/src/io/fs';
import { readSafetensors } from '../../core/src/io/safetensors';

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

/** Every tensor of a fixture safetensors file, as float64 (F32 parameters are exact in float64). */
export async function readCamtlTensors(...parts: string[]): Promise<Map<string, ReferenceTensor>> {
  const path = camtlFixturePath(...parts);
  const file = await readSafetensors(bytesSource(new Uint8Array(readFileSync(path)), path));
  const out = new Map<string, ReferenceTensor>();
  for (const [name, e] of file.entries) out.set(name, { shape: e.shape, data: await file.float64(name) });
  return out;
}
