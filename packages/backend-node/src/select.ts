import * as tf from '@tensorflow/tfjs-core';
import { formatBackendSummary, parseBackendPreference, tryBackends, type Attempt } from '@camtl/core';
import { tryCpu } from './cpu';
import { silenceCpuBanner } from './engine';
import { defaultLoader } from './loader';
import { nodeSystem } from './system';
import { tryTensorflow } from './tensorflow';
import {
  AUTO_ORDER,
  BACKEND_CHOICES,
  TFJS_BACKEND,
  type AttemptContext,
  type BackendChoice,
  type BackendReport,
  type UseNodeBackendOptions,
} from './types';
import { tryWasm } from './wasm';
import { resolveWasmThreads } from './wasm-threads';
import { tryWebGpu } from './webgpu';

/**
 * Expands a preference into the ordered choices to try, and whether it was
 * explicit (then a failure is an error, not a fallback). Throws a CamtlError
 * for unknown names.
 */
export function parsePreference(prefer: UseNodeBackendOptions['prefer'] = 'auto'): {
  order: BackendChoice[];
  explicit: boolean;
} {
  const { order, explicit } = parseBackendPreference(prefer, BACKEND_CHOICES, AUTO_ORDER);
  return { order, explicit };
}

/** One attempt per choice. */
const ATTEMPTS: Record<BackendChoice, (ctx: AttemptContext) => Promise<Attempt>> = {
  cuda: (ctx) => tryTensorflow('cuda', ctx),
  tensorflow: (ctx) => tryTensorflow('tensorflow', ctx),
  webgpu: tryWebGpu,
  wasm: (ctx) => tryWasm(ctx.wasmThreads),
  cpu: () => tryCpu(),
};

/** The summary line (kept under its original name). */
export { formatBackendSummary as formatSummary };

/**
 * Picks and activates the best tfjs backend available in this Node process and
 * says what it chose and why. 'auto' tries cuda (@tensorflow/tfjs-node-gpu),
 * tensorflow (@tensorflow/tfjs-node), wasm (SIMD, with camtl's kernel fixes)
 * and cpu, in that order; each better option that could not run is listed with
 * its reason. An explicitly requested backend that cannot run is a CamtlError
 * with the reason and what to do, never a silent fallback.
 */
export async function useNodeBackend(options: UseNodeBackendOptions = {}): Promise<BackendReport> {
  const preference = parsePreference(options.prefer);
  const ctx = attemptContext(options);
  const previous = activeBackend();
  const { choice, result, skipped } = await tryBackends(preference, (c) => ATTEMPTS[c](ctx), { log: ctx.log }).catch(
    async (e: unknown) => {
      // Nothing ran, but loading a package may have switched tfjs (tfjs-node does on import): switch back.
      if (previous && previous !== activeBackend()) await tf.setBackend(previous).catch(() => false);
      throw e;
    },
  );
  silenceCpuBanner();
  const backend = TFJS_BACKEND[choice];
  const notes = result.notes ?? [];
  // Shown in the one line: what was changed in the environment, and a wasm threads fallback.
  const shown = notes.filter((n) => n.startsWith('VK_ICD_FILENAMES') || / requested, running 1: /.test(n));
  return {
    backend,
    choice,
    device: result.device,
    detail: result.detail,
    versions: result.versions,
    skipped,
    notes,
    summary: formatBackendSummary(backend, result.detail, skipped, shown),
  };
}

/** The options with their defaults (CAMTL_WASM_THREADS for wasmThreads when the option is not given). */
function attemptContext(options: UseNodeBackendOptions): AttemptContext {
  const env = options.env ?? process.env;
  return {
    loader: options.loader ?? defaultLoader,
    env,
    system: options.system ?? nodeSystem(env),
    log: options.log ?? (() => undefined),
    softwareWebGpu: options.softwareWebGpu ?? true,
    checkCudaLibraries: options.checkCudaLibraries ?? true,
    wasmThreads:
      options.wasmThreads !== undefined || env.CAMTL_WASM_THREADS === undefined
        ? resolveWasmThreads(options.wasmThreads)
        : resolveWasmThreads(env.CAMTL_WASM_THREADS, undefined, 'CAMTL_WASM_THREADS'),
  };
}

function activeBackend(): string | undefined {
  return (tf.engine() as unknown as { backendName?: string | null }).backendName ?? undefined;
}
