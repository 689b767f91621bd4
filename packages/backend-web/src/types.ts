import type { Attempt, SkippedBackend as Skipped } from '@camtl/core';

export type WebBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The order 'auto' tries backends in. */
export const WEB_BACKENDS: readonly WebBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What `useWebBackend` can be asked for (as @camtl/backend-node's BACKEND_CHOICES). */
export const WEB_BACKEND_CHOICES = ['auto', ...WEB_BACKENDS] as const;
export type WebBackendPreference = (typeof WEB_BACKEND_CHOICES)[number];

/** The binaries `@tensorflow/tfjs-backend-wasm` fetches; serve them with Content-Type application/wasm. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;
export type WasmFileName = (typeof WASM_FILES)[number];

export interface UseWebBackendOptions {
  /**
   * As in @camtl/backend-node: 'auto' (default) tries WEB_BACKENDS in order. A
   * single name is required: if it cannot run, a CamtlError says why (no silent
   * fallback). A list (or "webgpu,auto") is tried in order, failing only if all
   * fail; 'auto' in a list stands for the default order. A backend named here is
   * used even on a software GPU adapter (SwiftShader), which 'auto' skips
   * because wasm is faster there.
   */
  prefer?: WebBackendPreference | string | readonly string[];
  /**
   * Where the wasm binaries are: a URL prefix (a folder, ending in '/') or a
   * map from WASM_FILES names to URLs. Default: the folder of the page
   * (`new URL('.', location.href)`), so copy WASM_FILES next to index.html.
   * Outside a page (Node) the wasm package finds its own files.
   */
  wasmPaths?: string | Partial<Record<WasmFileName, string>>;
  /** Threads for the wasm backend's XNNPACK pool (setThreadsCount; threads need a cross-origin isolated page). */
  wasmThreads?: number;
  /** Use WebGPU/WebGL on software adapters (SwiftShader, llvmpipe) even in 'auto' mode. Default false. */
  allowSoftwareGpu?: boolean;
  /** Gives up on a backend whose initialisation takes longer than this (ms). Default 30 000. */
  timeoutMs?: number;
}

/** A backend that was tried and could not run: e.g. "no WebGL context (the GPU is disabled, blocklisted or has no driver)", and what to do. */
export type SkippedBackend = Skipped<WebBackendName>;

/** What a WebGPU adapter says about itself (GPUAdapterInfo). */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter?: boolean;
}

/** The same shape as @camtl/backend-node's report (plus `adapter` and `patches`). */
export interface BackendReport {
  /** The tfjs backend now in use. */
  backend: WebBackendName;
  /** The choice that won (in the browser, the same as `backend`). */
  choice: WebBackendName;
  /** What computes: "GPU google swiftshader (WebGPU, software)", "CPU (WebAssembly, SIMD, 1 thread)", … */
  device: string;
  /** Short description shown in the summary and the page's badge: "SIMD, 1 thread". */
  detail: string;
  /** WebGPU's adapter info, when the backend is webgpu. */
  adapter?: GpuAdapterInfo;
  /** tfjs-core and every backend package loaded, plus the browser (or Node) version. */
  versions: Record<string, string>;
  /** Each better (or earlier-listed) option that was tried, and why it was skipped. */
  skipped: SkippedBackend[];
  /** Things a user should know, e.g. which options `prefer` left untried. */
  notes: string[];
  /** camtl kernel patches registered for the chosen backend. */
  patches: string[];
  /** One line: "backend wasm (SIMD, 1 thread); skipped webgpu: …; webgl: …". */
  summary: string;
}

/** What each attempt is given: the options, with their defaults filled in. */
export interface AttemptContext {
  /** tfjs-core and every backend package loaded, kept across attempts (the report lists them all). */
  versions: Record<string, string>;
  /** Use a software GPU adapter: this backend was named in `prefer`, or allowSoftwareGpu is set. */
  allowSoftwareGpu: boolean;
  wasmPaths?: UseWebBackendOptions['wasmPaths'];
  wasmThreads?: number;
}

/** The outcome of one attempt: webgpu's success also carries the adapter. */
export type WebAttempt = Attempt<{ adapter?: GpuAdapterInfo }>;
