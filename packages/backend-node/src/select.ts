import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, formatBackendSummary } from '@camtl/core';
import { silenceCpuBanner } from './engine';
import { defaultLoader } from './loader';
import { nodeSystem } from './system';
import { tryTensorflow } from './tensorflow';
import {
  AUTO_ORDER,
  BACKEND_CHOICES,
  TFJS_BACKEND,
  type Attempt,
  type AttemptContext,
  type BackendChoice,
  type BackendReport,
  type SkippedBackend,
  type UseNodeBackendOptions,
} from './types';
import { tryCpu, tryWasm } from './wasm';
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
  const names = (Array.isArray(prefer) ? prefer : String(prefer).split(','))
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) names.push('auto');
  const order: BackendChoice[] = [];
  for (const name of names) {
    if (!(BACKEND_CHOICES as readonly string[]).includes(name)) {
      throw new CamtlError('BAD_INPUT', `unknown backend "${name}"`, `use one of: ${BACKEND_CHOICES.join(', ')}`);
    }
    const add = name === 'auto' ? AUTO_ORDER : [name as BackendChoice];
    for (const c of add) if (!order.includes(c)) order.push(c);
  }
  return { order, explicit: !names.includes('auto') };
}

async function attempt(choice: BackendChoice, ctx: AttemptContext): Promise<Attempt> {
  try {
    switch (choice) {
      case 'cuda':
        return await tryTensorflow('cuda', ctx);
      case 'tensorflow':
        return await tryTensorflow('tensorflow', ctx);
      case 'webgpu':
        return await tryWebGpu(ctx);
      case 'wasm':
        return await tryWasm(ctx.wasmThreads);
      case 'cpu':
        return await tryCpu();
    }
  } catch (e) {
    // An attempt never throws by design; anything that does is reported, not swallowed.
    return {
      ok: false,
      reason: `${choice} failed unexpectedly: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`,
    };
  }
}

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
  const { order, explicit } = parsePreference(options.prefer);
  const env = options.env ?? process.env;
  const ctx: AttemptContext = {
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
  const activeName = () => (tf.engine() as unknown as { backendName?: string | null }).backendName ?? undefined;
  const previous = activeName();
  const skipped: SkippedBackend[] = [];
  for (const choice of order) {
    ctx.log(`trying ${choice}`);
    const result = await attempt(choice, ctx);
    if (!result.ok) {
      ctx.log(`${choice} skipped: ${result.reason}`);
      skipped.push({ choice, reason: result.reason, ...(result.hint ? { hint: result.hint } : {}) });
      continue;
    }
    silenceCpuBanner();
    const backend = TFJS_BACKEND[choice];
    const notes = result.notes ?? [];
    return {
      backend,
      choice,
      device: result.device,
      detail: result.detail,
      versions: result.versions,
      skipped,
      notes,
      summary: formatBackendSummary(
        backend,
        result.detail,
        skipped,
        // Shown in the one line: what was changed in the environment, and a wasm threads fallback.
        notes.filter((n) => n.startsWith('VK_ICD_FILENAMES') || / requested, running 1: /.test(n)),
      ),
    };
  }
  // Nothing ran: put the previous backend back, then explain.
  if (previous && previous !== activeName()) await tf.setBackend(previous).catch(() => false);
  if (explicit && skipped.length === 1) {
    const [s] = skipped;
    throw new CamtlError('UNSUPPORTED', `backend ${s.choice} is not available: ${s.reason}`, s.hint);
  }
  throw new CamtlError(
    'UNSUPPORTED',
    `no backend could run: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`,
    skipped
      .map((s) => s.hint)
      .filter(Boolean)
      .join('; ') || undefined,
  );
}
