import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from './errors';
import { registerGradients } from './gradients';
import { applyKernelPatches } from './kernels/patches';

/**
 * Switches tfjs to `name` after applying camtl's kernel patches for it (and
 * registering camtl's gradients where tfjs has none).
 * The backend package itself (e.g. `@tensorflow/tfjs-backend-wasm`) must have
 * been imported by the caller: the core stays backend-agnostic.
 */
export async function useBackend(name: string): Promise<void> {
  if (!tf.findBackendFactory(name)) {
    throw new CamtlError(
      'UNSUPPORTED',
      `tfjs backend "${name}" is not registered`,
      `import its package first, e.g. import '@tensorflow/tfjs-backend-${name}'`,
    );
  }
  registerGradients();
  applyKernelPatches(name);
  const ok = await tf.setBackend(name);
  if (!ok) throw new CamtlError('UNSUPPORTED', `tfjs backend "${name}" failed to initialise`);
  await tf.ready();
}

/**
 * The one-line summary every backend selector prints (Node and browser alike):
 * "backend wasm (SIMD, 1 thread); skipped cuda: …; tensorflow: …; <note>".
 */
export function formatBackendSummary(
  backend: string,
  detail: string,
  skipped: ReadonlyArray<{ choice: string; reason: string }>,
  notes: readonly string[] = [],
): string {
  let line = `backend ${backend}${detail ? ` (${detail})` : ''}`;
  if (skipped.length) line += `; skipped ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`;
  for (const note of notes) line += `; ${note}`;
  return line;
}
