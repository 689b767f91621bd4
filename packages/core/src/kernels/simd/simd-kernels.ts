import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_MEMORY_MODULE, SHARED_MEMORY_MODULE } from './kernels-wasm';

/**
 * camtl's own SIMD kernels (kernels.wat) on tfjs-backend-wasm's heap: the
 * module imports tfjs's WebAssembly.Memory, so a kernel reads its inputs and
 * writes its outputs where tfjs keeps them, without a copy. Where the module
 * cannot load (no SIMD, no exposed memory) every caller keeps its tensor-op
 * path, so the kernels are a speed-up and never a requirement.
 */
interface SimdExports {
  gelu(x: number, y: number, n: number): void;
  gelu_grad(x: number, dy: number, dx: number, n: number): void;
  adamw(...args: number[]): void;
  colsum(x: number, out: number, rows: number, cols: number): void;
  layer_norm(x: number, w: number, b: number, y: number, rows: number, h: number, eps: number): void;
  layer_norm_grad(...args: number[]): void;
  transpose(src: number, dst: number, batch: number, r: number, c: number): void;
}

export interface WasmBackendLike {
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap?: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: string): TensorInfo;
}

const instances = new WeakMap<object, SimdExports | null>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  // atob exists in browsers and in Node ≥ 16.
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function instantiate(memory: WebAssembly.Memory): SimdExports | null {
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const bytes = decode(shared ? SHARED_MEMORY_MODULE : PLAIN_MEMORY_MODULE);
    // Synchronous compile: the module is ~2 KB, under the browsers' 4 KB limit for it on the main thread.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as SimdExports;
  } catch {
    return null; // no SIMD in this engine, or a memory the module cannot import
  }
}

/** The kernels bound to `backend`'s heap, or null where they cannot run. */
export function simdKernelsFor(backend: unknown): SimdExports | null {
  const b = backend as WasmBackendLike;
  // The threaded build keeps its (shared) memory in wasmMemory; the single-threaded one exports it.
  const memory = b?.wasm?.wasmMemory ?? b?.wasm?.asm?.memory;
  if (!memory || !(memory instanceof WebAssembly.Memory) || !b.dataIdMap) return null;
  if (!instances.has(b)) instances.set(b, instantiate(memory));
  return instances.get(b) ?? null;
}

/** Heap byte offset of a tensor's data. */
export function offsetOf(backend: Pick<WasmBackendLike, 'dataIdMap'>, t: TensorInfo): number {
  const entry = backend.dataIdMap!.get(t.dataId);
  if (!entry) throw new Error('camtl simd kernel: a tensor is not on the wasm heap');
  return entry.memoryOffset;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function need(kernelName: string, backend: unknown): { k: SimdExports; b: WasmBackendLike } {
  const k = simdKernelsFor(backend);
  if (!k) throw new Error(`camtl kernel ${kernelName}: the SIMD module could not load on this backend`);
  return { k, b: backend as WasmBackendLike };
}

/** y = x·Φ(x), exact GELU (erf form). */
export function geluKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend }) => {
    const { k, b } = need('CamtlGelu', backend);
    const x = inputs.x as TensorInfo;
    const y = b.makeOutput([...x.shape], 'float32');
    k.gelu(offsetOf(b, x), offsetOf(b, y), sizeOf(x.shape));
    return y;
  };
  return { kernelName: 'CamtlGelu', backendName, kernelFunc };
}

/** dx = dy·(Φ(x) + x·φ(x)), recomputed from x. */
export function geluGradKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend }) => {
    const { k, b } = need('CamtlGeluGrad', backend);
    const [x, dy] = [inputs.x as TensorInfo, inputs.dy as TensorInfo];
    const dx = b.makeOutput([...x.shape], 'float32');
    k.gelu_grad(offsetOf(b, x), offsetOf(b, dy), offsetOf(b, dx), sizeOf(x.shape));
    return dx;
  };
  return { kernelName: 'CamtlGeluGrad', backendName, kernelFunc };
}

/** LayerNorm over the last axis (h a multiple of 4) with weight and bias [h]. */
export function layerNormKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { k, b } = need('CamtlLayerNorm', backend);
    const [x, w, bias] = ['x', 'weight', 'bias'].map((n) => inputs[n] as TensorInfo);
    const h = x.shape[x.shape.length - 1];
    const y = b.makeOutput([...x.shape], 'float32');
    const eps = (attrs as unknown as { eps: number }).eps;
    k.layer_norm(offsetOf(b, x), offsetOf(b, w), offsetOf(b, bias), offsetOf(b, y), sizeOf(x.shape) / h, h, eps);
    return y;
  };
  return { kernelName: 'CamtlLayerNorm', backendName, kernelFunc };
}

/** [dx, dweight, dbias] of LayerNorm, the row statistics recomputed from x. */
export function layerNormGradKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { k, b } = need('CamtlLayerNormGrad', backend);
    const [x, w, dy] = ['x', 'weight', 'dy'].map((n) => inputs[n] as TensorInfo);
    const h = x.shape[x.shape.length - 1];
    const outs = [b.makeOutput([...x.shape], 'float32'), b.makeOutput([h], 'float32'), b.makeOutput([h], 'float32')];
    const eps = (attrs as unknown as { eps: number }).eps;
    k.layer_norm_grad(...[x, w, dy, ...outs].map((t) => offsetOf(b, t)), sizeOf(x.shape) / h, h, eps);
    return outs;
  };
  return { kernelName: 'CamtlLayerNormGrad', backendName, kernelFunc };
}

/**
 * The scalars of one AdamW update, each the float32 constant that AdamW's
 * tensor ops use (see kernels.wat $adam4 for the formulas).
 */
export interface AdamWAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** torch: √(1 − β2^t); unused in hf. */
  biasCorrection2: number;
  eps: number;
  stepSize: number;
  /** torch: 1 − lr·wd; hf: −lr·wd. */
  decay: number;
  torch: boolean;
  decays: boolean;
}

/** [param, m, v] after one AdamW update, in one pass over the four inputs. */
export function adamWKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { k, b } = need('CamtlAdamW', backend);
    const a = attrs as unknown as AdamWAttrs;
    const ins = ['param', 'm', 'v', 'grad'].map((n) => inputs[n] as TensorInfo);
    const outs = ins.slice(0, 3).map((t) => b.makeOutput([...t.shape], 'float32'));
    k.adamw(
      ...[...ins, ...outs].map((t) => offsetOf(b, t)),
      sizeOf(ins[0].shape),
      a.beta1,
      a.oneMinusBeta1,
      a.beta2,
      a.oneMinusBeta2,
      a.biasCorrection2,
      a.eps,
      a.stepSize,
      a.decay,
      a.torch ? 1 : 0,
      a.decays ? 1 : 0,
    );
    return outs;
  };
  return { kernelName: 'CamtlAdamW', backendName, kernelFunc };
}

/** True when `kernelName` (a camtl SIMD kernel) can run on the active backend. */
export function simdKernelReady(kernelName: string): boolean {
  const name = tf.getBackend();
  return !!name && !!tf.getKernel(kernelName, name) && simdKernelsFor(tf.backend()) !== null;
}

/** The kernels, in the patch registry's shape (they are new kernels: no stock one to replace). */
export const SIMD_KERNELS: ReadonlyArray<{ make: (backendName: string) => KernelConfig; reason: string }> = [
  { make: geluKernel, reason: 'exact GELU in one SIMD pass (erf, multiply and add are 5 passes on wasm)' },
  { make: geluGradKernel, reason: 'the GELU gradient in one SIMD pass (10 element-wise passes on wasm)' },
  {
    make: layerNormKernel,
    reason: 'LayerNorm in one SIMD pass per row (moments, normalise, scale: ~8 passes on wasm)',
  },
  { make: layerNormGradKernel, reason: 'the LayerNorm gradient (dx, dweight, dbias) in two SIMD passes per row' },
  { make: adamWKernel, reason: 'AdamW in one SIMD pass over param, moments and gradient, same bits as its tensor ops' },
];
