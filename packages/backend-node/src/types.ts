import type { SkippedBackend as Skipped } from '@camtl/core';
import type { ModuleLoader } from './loader';
import type { SystemProbe } from './system';

/** What `useNodeBackend` can be asked for. */
export const BACKEND_CHOICES = ['auto', 'cuda', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_CHOICES)[number];
/** A concrete choice ('auto' expanded). */
export type BackendChoice = Exclude<BackendPreference, 'auto'>;

/** The order 'auto' tries. WebGPU is left out: see the README. */
export const AUTO_ORDER: readonly BackendChoice[] = ['cuda', 'tensorflow', 'wasm', 'cpu'];

/** The tfjs backend name each choice runs on. */
export const TFJS_BACKEND: Record<BackendChoice, string> = {
  cuda: 'tensorflow',
  tensorflow: 'tensorflow',
  webgpu: 'webgpu',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** A backend that was tried and could not run: e.g. "@tensorflow/tfjs-node-gpu not installed", and what to do. */
export type SkippedBackend = Skipped<BackendChoice>;

export interface BackendReport {
  /** The tfjs backend now active ("tensorflow", "webgpu", "wasm" or "cpu"). */
  backend: string;
  choice: BackendChoice;
  /** What computes, e.g. "CPU (wasm, SIMD, 1 thread)" or "GPU NVIDIA T4 (CUDA)". */
  device: string;
  /** Short description shown in the summary, e.g. "SIMD, 1 thread". */
  detail: string;
  /** Versions of the packages and native libraries in use. */
  versions: Record<string, string>;
  /** Each better (or earlier-listed) option that was tried and why it was skipped. */
  skipped: SkippedBackend[];
  /** Things the selection did that a user should know (e.g. VK_ICD_FILENAMES set). */
  notes: string[];
  /** One line: "backend wasm (SIMD, 1 thread); skipped cuda: …; tensorflow: …". */
  summary: string;
}

export interface UseNodeBackendOptions {
  /**
   * 'auto' (default) = cuda → tensorflow → wasm → cpu. A single name is
   * required: if it cannot run, a CamtlError says why (no silent fallback).
   * A list (or "webgpu,wasm") is tried in order, failing only if all fail.
   */
  prefer?: BackendPreference | string | string[];
  /** How the optional packages are loaded (tests inject stand-ins). */
  loader?: ModuleLoader;
  /** Environment variables (VK_ICD_FILENAMES, LD_LIBRARY_PATH, …); default process.env. */
  env?: Record<string, string | undefined>;
  /** The machine (libraries, GPU name); default the real one. */
  system?: SystemProbe;
  /** Progress lines ("trying cuda …"); default silent. */
  log?: (line: string) => void;
  /**
   * WebGPU only: when no adapter is found, VK_ICD_FILENAMES is unset and
   * Chromium's SwiftShader ICD exists, set VK_ICD_FILENAMES to it and retry
   * (a software adapter: correct, slow). Default true; the report says so.
   */
  softwareWebGpu?: boolean;
  /** Check for the CUDA 11 / cuDNN 8 libraries before loading tfjs-node-gpu (Linux). Default true. */
  checkCudaLibraries?: boolean;
  /**
   * wasm only: threads for XNNPACK. Default: the environment's CAMTL_WASM_THREADS, else
   * 'auto' = min(2, os.availableParallelism());
   * 1 = tfjs's single-threaded SIMD build; 2–8 = its threaded SIMD build, with
   * its workers started from a file (tfjs itself runs 1 thread in Node). Fixed
   * at the backend's first initialisation. If the threaded build cannot start,
   * wasm runs on 1 thread and `notes` says why. Other values are BAD_INPUT.
   */
  wasmThreads?: number | 'auto';
}

/** What each attempt is given: the options, with their defaults filled in. */
export interface AttemptContext {
  loader: ModuleLoader;
  env: Record<string, string | undefined>;
  system: SystemProbe;
  log: (line: string) => void;
  softwareWebGpu: boolean;
  checkCudaLibraries: boolean;
  /** Resolved from UseNodeBackendOptions.wasmThreads. */
  wasmThreads: number;
}
