import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { isKernelPatched, listKernelPatches, simdKernelReady, type Attempt } from '@camtl/core';
import { activate, initializedBackend, replaceBackendFactory } from './engine';
import { threadedWasmFactory, type ThreadsOutcome } from './wasm-threads';

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');

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
  let wasm: WasmPackage;
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return {
      ok: false,
      reason: `@tensorflow/tfjs-backend-wasm failed to load: ${(e as Error).message.split('\n')[0]}`,
    };
  }
  const fresh = !initializedBackend('wasm');
  const start: ThreadsStart = {};
  if (fresh) await prepareFreshWasm(wasm, threads, start);
  const on = await activate('wasm');
  if (!on.ok) return { ok: false, reason: on.reason, hint: `check that ${wasmBinaryFolder()} holds the .wasm files` };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const actual = threadsRunning(wasm);
  const detail = `${simd ? 'SIMD' : 'no SIMD'}, ${actual} thread${actual === 1 ? '' : 's'}`;
  return {
    ok: true,
    device: `CPU (wasm, ${detail})`,
    detail,
    versions: { 'tfjs-core': tf.version_core, 'tfjs-backend-wasm': wasm.version_wasm },
    notes: [...kernelFixNotes(), ...threadNotes(threads, actual, fresh, start.outcome)],
  };
}

/** How the threaded start went; the factory reports it during activation. */
interface ThreadsStart {
  outcome?: ThreadsOutcome;
}

/** Before the first initialisation: the binaries' folder, and the threaded factory when threads > 1. */
async function prepareFreshWasm(wasm: WasmPackage, threads: number, start: ThreadsStart): Promise<void> {
  // Must happen before the backend initialises; a no-op for the file names afterwards.
  wasm.setWasmPaths(wasmBinaryFolder());
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  if (threads > 1 && !simd)
    start.outcome = { threads: 1, fallback: 'no WebAssembly SIMD (the threaded build needs it)' };
  const threaded = threads > 1 && simd;
  replaceBackendFactory('wasm', (stock) =>
    threaded ? threadedWasmFactory(wasm, threads, stock, (o) => (start.outcome = o)) : stock,
  );
}

function threadsRunning(wasm: WasmPackage): number {
  try {
    return Math.max(1, wasm.getThreadsCount());
  } catch {
    return 1;
  }
}

/** Says why the thread count is not the one asked for, or that the threaded build runs. */
function threadNotes(threads: number, actual: number, fresh: boolean, outcome?: ThreadsOutcome): string[] {
  if (outcome && 'fallback' in outcome) return [`wasm threads: ${threads} requested, running 1: ${outcome.fallback}`];
  if (actual > 1 && fresh) return [`wasm threads: ${actual} (tfjs's threaded SIMD build, workers started from a file)`];
  if (!fresh && actual !== threads) {
    return [
      `wasm threads: ${actual}, not ${threads}: the backend was already initialised (the thread count is fixed then)`,
    ];
  }
  return [];
}

function kernelFixNotes(): string[] {
  const patched = listKernelPatches('wasm')
    .map((p) => p.kernelName)
    .filter((k) => isKernelPatched(k, 'wasm'));
  const fixes = patched.filter((k) => !k.startsWith('Camtl'));
  // camtl's own SIMD kernels are registered everywhere but run only where the module loads.
  const simd = patched.filter((k) => k.startsWith('Camtl') && simdKernelReady(k));
  return [
    ...(fixes.length ? [`wasm kernel fixes: ${fixes.join(', ')}`] : []),
    ...(simd.length ? [`camtl SIMD kernels: ${simd.map((k) => k.slice('Camtl'.length)).join(', ')}`] : []),
  ];
}
