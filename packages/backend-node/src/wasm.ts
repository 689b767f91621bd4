import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isKernelPatched, listKernelPatches } from '@camtl/core';
import { activate, initializedBackend } from './engine';
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
 * explicit transposes). Reports SIMD and threads. In Node it runs SIMD on one
 * thread: tfjs-backend-wasm has no worker support there.
 */
export async function tryWasm(): Promise<Attempt> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return {
      ok: false,
      reason: `@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message.split('\n')[0]}`,
    };
  }
  // Must happen before the backend initialises; a no-op for the file names afterwards.
  if (!initializedBackend('wasm')) wasm.setWasmPaths(wasmBinaryFolder());
  const on = await activate('wasm');
  if (!on.ok) return { ok: false, reason: on.reason, hint: `check that ${wasmBinaryFolder()} holds the .wasm files` };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multi = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  let threads = 1;
  try {
    threads = multi ? wasm.getThreadsCount() : 1;
  } catch {
    threads = 1;
  }
  const patched = listKernelPatches('wasm')
    .map((p) => p.kernelName)
    .filter((k) => isKernelPatched(k, 'wasm'));
  const detail = `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return {
    ok: true,
    device: `CPU (wasm, ${detail})`,
    detail,
    versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-wasm': wasm.version_wasm },
    notes: patched.length ? [`wasm kernel fixes: ${patched.join(', ')}`] : [],
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
