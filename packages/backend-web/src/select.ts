/**
 * Picks the tfjs backend for a browser page (or worker): WebGPU, then WebGL,
 * then wasm (SIMD, camtl's kernel fixes), then the plain JavaScript cpu
 * backend, and reports what it chose, on which device, and why every better
 * option was skipped. Backend packages are imported lazily, so a bundler puts
 * each in its own chunk and a page downloads only what it uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  formatBackendSummary,
  listKernelPatches,
  parseBackendPreference,
  tryBackends,
  type ParsedPreference,
} from '@camtl/core';
import { runtimeVersion } from './browser';
import { tryCpu } from './cpu';
import {
  WEB_BACKEND_CHOICES,
  WEB_BACKENDS,
  type AttemptContext,
  type BackendReport,
  type UseWebBackendOptions,
  type WebAttempt,
  type WebBackendName,
} from './types';
import { tryWasm } from './wasm';
import { tryWebGl } from './webgl';
import { tryWebGpu } from './webgpu';

/**
 * Expands a preference into the ordered choices to try, which of them were
 * named (a named GPU backend may run on a software adapter), and whether it was
 * explicit (then a failure is an error, not a fallback). As backend-node's.
 */
export function parseWebPreference(prefer: UseWebBackendOptions['prefer'] = 'auto'): ParsedPreference<WebBackendName> {
  return parseBackendPreference(prefer, WEB_BACKEND_CHOICES, WEB_BACKENDS);
}

/** One attempt per choice. */
const ATTEMPTS: Record<WebBackendName, (ctx: AttemptContext) => Promise<WebAttempt>> = {
  webgpu: tryWebGpu,
  webgl: tryWebGl,
  wasm: tryWasm,
  cpu: tryCpu,
};

/**
 * Chooses and activates the best tfjs backend this page can run: with 'auto',
 * WebGPU, then WebGL, then wasm, then cpu (which runs everywhere). Every
 * attempt that fails is recorded with its reason and the next is tried.
 * Calling it again switches backends.
 */
export async function useWebBackend(options: UseWebBackendOptions = {}): Promise<BackendReport> {
  const preference = parseWebPreference(options.prefer);
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Shared by the attempts: a package loaded by one that then failed still shows in the report.
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  const attempt = (choice: WebBackendName) => {
    const ctx: AttemptContext = {
      versions,
      allowSoftwareGpu: options.allowSoftwareGpu ?? preference.named.includes(choice),
      wasmPaths: options.wasmPaths,
      wasmThreads: options.wasmThreads,
    };
    return withTimeout(ATTEMPTS[choice](ctx), timeoutMs, `${choice} initialisation`);
  };
  const { choice, result, skipped } = await tryBackends(preference, attempt);
  const runtime = runtimeVersion();
  if (runtime) result.versions[runtime[0]] = runtime[1];
  const notes = untriedNotes(choice, preference);
  return {
    backend: choice,
    choice,
    device: result.device,
    detail: result.detail,
    ...(result.adapter ? { adapter: result.adapter } : {}),
    versions: result.versions,
    skipped,
    notes,
    patches: listKernelPatches(choice).map((p) => p.kernelName),
    summary: formatBackendSummary(choice, result.detail, skipped, notes),
  };
}

/** Names the better backends that `prefer` left out, so the page does not look as if they failed. */
function untriedNotes(choice: WebBackendName, { order, named }: ParsedPreference<WebBackendName>): string[] {
  const untried = WEB_BACKENDS.slice(0, WEB_BACKENDS.indexOf(choice)).filter(
    (b) => !order.slice(0, order.indexOf(choice)).includes(b),
  );
  return untried.length ? [`not tried: ${untried.join(', ')} (prefer: ${named.join(', ') || 'auto'})`] : [];
}

/** A hung initialisation (a GPU driver that never answers) becomes a failure after `ms`. */
function withTimeout(attempt: Promise<WebAttempt>, ms: number, what: string): Promise<WebAttempt> {
  return new Promise<WebAttempt>((resolve, reject) => {
    const timer = setTimeout(() => resolve({ ok: false, reason: `${what} did not finish within ${ms} ms` }), ms);
    attempt.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
