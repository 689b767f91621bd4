import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { processSingleton } from '../shared';
import { wasmMatMul } from './wasm-matmul';
import { SIMD_KERNELS } from './simd/simd-kernels';
import { wasmGather } from './wasm-gather';
import { wasmSum } from './wasm-sum';

/**
 * Kernel patches are data: a registry of (kernel, backend) → replacement.
 * `applyKernelPatches(backend)` registers the ones for that backend once;
 * calling it again is a no-op, because patched configs carry a marker.
 */
export interface KernelPatch {
  kernelName: string;
  backendName: string;
  /** Why the stock kernel is replaced (shown by `listKernelPatches`). */
  reason: string;
  /** Builds the replacement from the stock config (undefined when missing). */
  make(stock: KernelConfig | undefined): KernelConfig;
}

const MARK = '__camtlPatched';
/**
 * One registry per process, shared by core's ESM and CJS builds (shared.ts).
 * Built on first use, with core's own patches in it, not when this module
 * loads: an import of anything else from core then bundles no tfjs-core.
 */
let seeded = false;
function patchRegistry(): KernelPatch[] {
  const registry = processSingleton<KernelPatch[]>('kernelPatches', () => []);
  if (seeded) return registry;
  seeded = true;
  for (const patch of [...stockFixes(), ...wasmSpeedups()]) {
    const { kernelName, backendName } = patch;
    if (!registry.some((p) => p.kernelName === kernelName && p.backendName === backendName)) registry.push(patch);
  }
  return registry;
}

/**
 * Adds a patch. A second patch for the same kernel and backend is refused, as
 * tfjs refuses a second kernel: only one of them could be applied, silently.
 */
export function registerKernelPatch(patch: KernelPatch): void {
  const { kernelName, backendName } = patch;
  const registry = patchRegistry();
  if (registry.some((p) => p.kernelName === kernelName && p.backendName === backendName)) {
    throw new CamtlError(
      'BAD_CONFIG',
      `a kernel patch for ${kernelName} on ${backendName} is already registered`,
      'one patch per kernel and backend: fold the change into the existing patch (listKernelPatches shows it)',
    );
  }
  registry.push(patch);
}

export function listKernelPatches(backendName?: string): KernelPatch[] {
  return patchRegistry().filter((p) => backendName === undefined || p.backendName === backendName);
}

/** Registers every patch for `backendName`; returns the kernels newly patched. */
export function applyKernelPatches(backendName: string): string[] {
  const applied: string[] = [];
  for (const patch of listKernelPatches(backendName)) {
    const stock = tf.getKernel(patch.kernelName, backendName);
    if (stock && (stock as unknown as Record<string, unknown>)[MARK]) continue;
    const config = patch.make(stock);
    (config as unknown as Record<string, unknown>)[MARK] = true;
    if (stock) tf.unregisterKernel(patch.kernelName, backendName);
    tf.registerKernel(config);
    applied.push(patch.kernelName);
  }
  return applied;
}

/** True when `kernelName` on `backendName` is a camtl replacement. */
export function isKernelPatched(kernelName: string, backendName: string): boolean {
  const k = tf.getKernel(kernelName, backendName) as unknown as Record<string, unknown> | undefined;
  return !!k && !!k[MARK];
}

// ---------------------------------------------------------------------------
// Helpers shared by patches that run on an arbitrary backend.

interface BackendLike {
  readSync(dataId: object): ArrayLike<number>;
  disposeData(dataId: object): boolean;
  makeOutput?(shape: number[], dtype: string, offset?: number, values?: ArrayLike<number>): TensorInfo;
  makeTensorInfo?(shape: number[], dtype: string, values?: ArrayLike<number>): TensorInfo;
}

function output(backend: BackendLike, shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo {
  // makeTensorInfo first: the cpu backend also has a makeOutput, with another signature (values, shape, dtype).
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, dtype, values);
  if (backend.makeOutput) return backend.makeOutput(shape, dtype, undefined, values);
  throw new Error('camtl kernel patch: backend can create no outputs');
}

/**
 * UnsortedSegmentSum in plain JS: the gradient of `gather` (embedding
 * lookups) needs it, tfjs-backend-wasm does not have it and tfjs-backend-cpu's
 * costs a pass per segment (per vocabulary row). It is a scatter-add,
 * O(elements), so doing it in JS costs little.
 */
function unsortedSegmentSum(stockless: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as unknown as BackendLike;
    const x = inputs.x as TensorInfo;
    const ids = inputs.segmentIds as TensorInfo;
    const numSegments = (attrs as { numSegments: number }).numSegments;
    const xs = b.readSync(x.dataId);
    const seg = b.readSync(ids.dataId);
    const inner = seg.length === 0 ? 0 : xs.length / seg.length;
    const rest = x.shape.slice(ids.shape.length);
    const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
    for (let i = 0; i < seg.length; i++) {
      const s = seg[i];
      if (s < 0 || s >= numSegments) continue; // TF drops out-of-range ids
      const src = i * inner;
      const dst = s * inner;
      for (let k = 0; k < inner; k++) out[dst + k] += xs[src + k];
    }
    return output(b, [numSegments, ...rest], x.dtype, out);
  };
  return { kernelName: 'UnsortedSegmentSum', backendName: stockless, kernelFunc };
}

/**
 * Identity (tf.clone, and the many gradients that pass dy through) copies the
 * whole tensor on wasm; tfjs data is immutable, so sharing the buffer with a
 * reference count, as the cpu backend does, is equivalent and free.
 */
function sharedIdentity(stock: KernelConfig | undefined): KernelConfig {
  if (!stock) throw new Error('camtl kernel patch: Identity is not registered on wasm');
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const backend = args.backend as unknown as { incRef?(dataId: object): void };
    if (x.dtype === 'string' || typeof backend.incRef !== 'function') return stock.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...stock, kernelFunc };
}

/** core's own patches, the data patchRegistry() adds on first use (why each: its `reason`): kernels that are missing or pathological. */
function stockFixes(): KernelPatch[] {
  const patches: KernelPatch[] = [];
  patches.push({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    reason: 'missing on wasm; needed by the gradient of gather (embeddings)',
    make: (stock) => stock ?? unsortedSegmentSum('wasm'),
  });
  patches.push({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'cpu',
    reason:
      'the cpu kernel runs tensor ops once per segment: 51 s for the gradient of a 30522-row embedding; a scatter-add is O(elements)',
    make: () => unsortedSegmentSum('cpu'),
  });
  return patches;
}

/** ...and kernels that tfjs-backend-wasm runs far slower than they need to (Identity last: listing order is report order). */
function wasmSpeedups(): KernelPatch[] {
  const patches: KernelPatch[] = [];
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    patches.push({
      kernelName,
      backendName: 'wasm',
      reason:
        'only batch-1, untransposed products reach XNNPACK on wasm (others are 10-50x slow); transpose and split batches',
      make: wasmMatMul(kernelName, 'wasm'),
    });
  }

  patches.push({
    kernelName: 'Sum',
    backendName: 'wasm',
    reason:
      'a sum over leading axes (bias and LayerNorm gradients) transposes its whole input first; use ones·x on XNNPACK',
    make: wasmSum('wasm'),
  });

  patches.push({
    kernelName: 'GatherV2',
    backendName: 'wasm',
    reason: 'an embedding lookup computes a strided offset per element; copy one contiguous row per index instead',
    make: wasmGather('wasm'),
  });

  for (const { make, reason } of SIMD_KERNELS) {
    const config = make('wasm');
    patches.push({ kernelName: config.kernelName, backendName: 'wasm', reason, make: () => config });
  }
  patches.push({
    kernelName: 'Identity',
    backendName: 'wasm',
    reason: 'copies the tensor on wasm (every clone and many gradients); share the buffer instead',
    make: sharedIdentity,
  });
  return patches;
}
