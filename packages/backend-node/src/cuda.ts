import { CUDA_HINT, CUDA_REQUIREMENT } from './loader';
import type { SystemProbe } from './system';

/**
 * The shared libraries TensorFlow 2.9.1 (the libtensorflow of tfjs-node-gpu
 * 4.x) opens at start-up; if any is missing it logs "Cannot dlopen some GPU
 * libraries … Skipping registering GPU devices" and runs on the CPU. CUDA 11.x
 * keeps these sonames across minor versions (built against 11.2), cuDNN 8.x
 * keeps libcudnn.so.8 (built against 8.1); CUDA 12 renames them.
 */
export const CUDA_LIBRARIES: ReadonlyArray<{ soname: string; from: string }> = [
  { soname: 'libcuda.so.1', from: 'the NVIDIA driver' },
  { soname: 'libcudart.so.11.0', from: 'CUDA 11 runtime' },
  { soname: 'libcublas.so.11', from: 'CUDA 11 cuBLAS' },
  { soname: 'libcublasLt.so.11', from: 'CUDA 11 cuBLAS' },
  { soname: 'libcufft.so.10', from: 'CUDA 11 cuFFT' },
  { soname: 'libcurand.so.10', from: 'CUDA 11 cuRAND' },
  { soname: 'libcusolver.so.11', from: 'CUDA 11 cuSOLVER' },
  { soname: 'libcusparse.so.11', from: 'CUDA 11 cuSPARSE' },
  { soname: 'libcudnn.so.8', from: 'cuDNN 8' },
];

export interface CudaCheck {
  ok: boolean;
  /** soname → path of each library found. */
  found: Record<string, string>;
  missing: string[];
  /** When something is missing: one line, e.g. "libcudart.so.11.0 not found: tfjs-node-gpu 4.x needs CUDA 11.2 / cuDNN 8.1". */
  reason?: string;
  hint?: string;
}

/** Platforms with a tfjs-node-gpu (CUDA) build. */
export function cudaPlatformSupported(system: SystemProbe): boolean {
  return system.arch === 'x64' && (system.platform === 'linux' || system.platform === 'win32');
}

/**
 * Checks, before loading tfjs-node-gpu, that the CUDA 11 / cuDNN 8 libraries
 * TensorFlow needs can be found (Linux only; elsewhere it reports ok). Loading
 * without them "works" but silently runs on the CPU after a screen of warnings.
 */
export function checkCudaLibraries(system: SystemProbe): CudaCheck {
  if (system.platform !== 'linux') return { ok: true, found: {}, missing: [] };
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const { soname } of CUDA_LIBRARIES) {
    const file = system.findLibrary(soname);
    if (file) found[soname] = file;
    else missing.push(soname);
  }
  if (missing.length === 0) return { ok: true, found, missing };
  if (missing.includes('libcuda.so.1')) {
    return {
      ok: false,
      found,
      missing,
      reason: 'no NVIDIA driver (libcuda.so.1 not found)',
      hint: `the CUDA backend needs an NVIDIA GPU with its driver; ${CUDA_HINT}`,
    };
  }
  const shown = missing.slice(0, 2).join(', ') + (missing.length > 2 ? ` (+${missing.length - 2} more)` : '');
  const cuda12 = missing.includes('libcudart.so.11.0') && system.findLibrary('libcudart.so.12');
  return {
    ok: false,
    found,
    missing,
    reason: `${shown} not found: ${CUDA_REQUIREMENT}${cuda12 ? ' (found CUDA 12, which it cannot use)' : ''}`,
    hint: CUDA_HINT,
  };
}
