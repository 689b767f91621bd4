import * as tf from '@tensorflow/tfjs-core';
import { page } from './browser';
import { activate } from './engine';
import { WASM_FILES, type AttemptContext, type WebAttempt } from './types';

/** The page's folder, where WASM_FILES are expected by default; undefined outside a page. */
export function defaultWasmPrefix(): string | undefined {
  if (!page.document || !page.location) return undefined;
  return new URL('.', page.document.baseURI ?? page.location.href).href;
}

/** WebAssembly with camtl's kernel fixes, its binaries fetched from `wasmPaths` (default: the page's folder). */
export async function tryWasm(ctx: AttemptContext): Promise<WebAttempt> {
  if (typeof WebAssembly === 'undefined') return { ok: false, reason: 'WebAssembly is unavailable' };
  const m = await import('@tensorflow/tfjs-backend-wasm');
  ctx.versions['tfjs-backend-wasm'] = m.version_wasm;
  const paths = ctx.wasmPaths ?? defaultWasmPrefix();
  if (paths !== undefined) m.setWasmPaths(paths as Parameters<typeof m.setWasmPaths>[0]);
  if (ctx.wasmThreads !== undefined) m.setThreadsCount(ctx.wasmThreads);
  const on = await activate('wasm');
  if (!on.ok) {
    const where = typeof paths === 'string' ? ` at ${paths}` : '';
    return {
      ok: false,
      reason: on.reason,
      hint: `serve ${WASM_FILES.join(', ')}${where} with Content-Type application/wasm, or point options.wasmPaths at them`,
    };
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = m.getThreadsCount();
  const detail = `${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
  return { ok: true, device: `CPU (WebAssembly, ${detail})`, detail, versions: ctx.versions };
}
