import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isKernelPatched, listKernelPatches } from '@camtl/core';
import { activate, initializedBackend, replaceBackendFactory } from './engine';
import { threadedWasmFactory, type ThreadsOutcome } from './wasm-threads';
import type { Attempt } from './types';

const localRequire = createRequire(import.meta.url);

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries (its dist/), resolved
 * from this package's location, so it is right from the ESM and the CJS build
 * and wherever pnpm put the package. Ends with a path separator.
 */
export function wasmBinaryFolder(): string {
  return path.dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/**
 * The wasm backend with camtl's kernel fixes (applied by core's useBackend:
 * UnsortedSegmentSum for the gather gradient, BatchMatMul/_FusedMatMul with
 * explicit transposes). Reports SIMD and threads. With `threads` > 1 (before
 * the backend's first initialisation) it runs tfjs's threaded-SIMD build, its
 * workers started from a file (see wasm-threads.ts); if that fails, it runs
 * the single-threaded SIMD build and says why in a note.
 */
export async function tryWasm(threads = 1): Promise<Attempt> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return {
      ok: false,
      reason: `@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message.split('\n')[0]}`,
    };
  }
  const notes: string[] = [];
  let outcome: ThreadsOutcome | undefined;
  const fresh = !initializedBackend('wasm');
  if (fresh) {
    // Must happen before the backend initialises; a no-op for the file names afterwards.
    wasm.setWasmPaths(wasmBinaryFolder());
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    if (threads > 1 && !simd) outcome = { threads: 1, fallback: 'no WebAssembly SIMD (the threaded build needs it)' };
    const threaded = threads > 1 && simd;
    replaceBackendFactory('wasm', (stock) =>
      threaded ? threadedWasmFactory(wasm, threads, stock, (o) => (outcome = o)) : stock,
    );
  }
  const on = await activate('wasm');
  if (!on.ok) return { ok: false, reason: on.reason, hint: `check that ${wasmBinaryFolder()} holds the .wasm files` };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let actual = 1;
  try {
    actual = Math.max(1, wasm.getThreadsCount());
  } catch {
    actual = 1;
  }
  if (outcome && 'fallback' in outcome) {
    notes.push(`wasm threads: ${threads} requested, running 1: ${outcome.fallback}`);
  } else if (actual > 1 && fresh) {
    notes.push(`wasm threads: ${actual} (tfjs's threaded SIMD build, workers started from a file)`);
  } else if (!fresh && actual !== threads) {
    notes.push(
      `wasm threads: ${actual}, not ${threads}: the backend was already initialised (the thread count is fixed then)`,
    );
  }
  const patched = listKernelPatches('wasm')
    .map((p) => p.kernelName)
    .filter((k) => isKernelPatched(k, 'wasm'));
  if (patched.length) notes.unshift(`wasm kernel fixes: ${patched.join(', ')}`);
  const detail = `${simd ? 'SIMD' : 'no SIMD'}, ${actual} thread${actual === 1 ? '' : 's'}`;
  return {
    ok: true,
    device: `CPU (wasm, ${detail})`,
    detail,
    versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-wasm': wasm.version_wasm },
    notes,
  };
}

/** The plain-JS cpu backend: always there, slowest. */
export async function tryCpu(): Promise<Attempt> {
  let cpu: typeof import('@tensorflow/tfjs-backend-cpu');
  try {
    cpu = await import('@tensorflow/tfjs-backend-cpu');
  } catch (e) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-cpu failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  const on = await activate('cpu');
  if (!on.ok) return { ok: false, reason: on.reason };
  return {
    ok: true,
    device: 'CPU (plain JavaScript)',
    detail: 'plain JS',
    versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-cpu': cpu.version_cpu },
  };
}
