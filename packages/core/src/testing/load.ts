// Core's own tests (not part of @camtl/core/testing): fixture folders as
// in-memory file systems, and F64 reference tensors.
import { readFileSync, readdirSync } from 'node:fs';
import { memoryFileSystem, bytesSource, type FileSystem } from '../io/fs';
import { readSafetensors } from '../io/safetensors';
import { fixturePath } from './fixtures';

/** A FileSystem holding `files` of the fixture folder `dir` under the path `dir`. */
export function fixtureFs(dir: string, files?: string[]): FileSystem {
  const names = files ?? readdirSync(fixturePath(dir));
  const map: Record<string, Uint8Array> = {};
  for (const f of names) map[`${dir}/${f}`] = new Uint8Array(readFileSync(fixturePath(dir, f)));
  return memoryFileSystem(map);
}

/** Every tensor of a fixture safetensors file, as float64. */
export async function readReferenceTensors(
  ...parts: string[]
): Promise<Map<string, { shape: number[]; data: Float64Array }>> {
  const path = fixturePath(...parts);
  const file = await readSafetensors(bytesSource(new Uint8Array(readFileSync(path)), path));
  const out = new Map<string, { shape: number[]; data: Float64Array }>();
  for (const [name, e] of file.entries) out.set(name, { shape: e.shape, data: await file.float64(name) });
  return out;
}
