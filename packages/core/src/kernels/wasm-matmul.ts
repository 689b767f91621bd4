import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { offsetOf, simdKernelsFor } from './simd/simd-kernels';

/**
 * MatMul on tfjs-backend-wasm. Its C++ kernel sends a product to XNNPACK only
 * when both operands have batch 1 and neither is transposed; everything else
 * (every transposed gradient product, every attention product [B·h, S, d])
 * runs a scalar triple loop that is 10–50× slower. This replacement
 * transposes flagged operands explicitly and splits a batched product into
 * batch-1 products, so every FLOP goes through XNNPACK. The numbers are the
 * same products summed in XNNPACK's order (equal to ~1e-6).
 */

interface WasmLike {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined; delete(dataId: object): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
}

export interface Ops {
  backend: WasmLike;
  kernel(name: string, inputs: NamedTensorInfoMap, attrs: Record<string, unknown>): TensorInfo;
  temps: TensorInfo[];
}

export function opsFor(backendName: string, backend: unknown): Ops {
  const temps: TensorInfo[] = [];
  return {
    backend: backend as WasmLike,
    temps,
    kernel(name, inputs, attrs) {
      const k = tf.getKernel(name, backendName);
      if (!k) throw new Error(`camtl kernel patch: ${name} is not registered on ${backendName}`);
      const out = k.kernelFunc({ inputs, backend: backend as never, attrs: attrs as never }) as TensorInfo;
      temps.push(out);
      return out;
    },
  };
}

/**
 * dst[c·R + r] = src[r·C + c] for one R×C matrix, in 8×8 tiles: in JS on the
 * heap views this is ~3× faster than the wasm Transpose kernel's plain loop.
 */
function transposeTiled(src: Float32Array, dst: Float32Array, offset: number, R: number, C: number): void {
  const T = 8;
  for (let i0 = 0; i0 < R; i0 += T) {
    const i1 = Math.min(i0 + T, R);
    for (let j0 = 0; j0 < C; j0 += T) {
      const j1 = Math.min(j0 + T, C);
      for (let i = i0; i < i1; i++) {
        const row = offset + i * C;
        for (let j = j0; j < j1; j++) dst[offset + j * R + i] = src[row + j];
      }
    }
  }
}

/** [..., r, c] → [..., c, r]; a temporary unless `keep`. */
function swapLast(ops: Ops, t: TensorInfo, keep = false): TensorInfo {
  const lead = t.shape.slice(0, -2);
  const [R, C] = t.shape.slice(-2);
  const out = ops.backend.makeOutput([...lead, C, R], 'float32');
  if (!keep) ops.temps.push(out);
  const simd = R % 4 === 0 && C % 4 === 0 ? simdKernelsFor(ops.backend) : null;
  if (simd) {
    // 4×4 blocks in SIMD registers: ~5× the JS tiles below.
    simd.transpose(offsetOf(ops.backend, t), offsetOf(ops.backend, out), batchOf(t), R, C);
    return out;
  }
  const src = ops.backend.typedArrayFromHeap(t); // after makeOutput: an allocation may move the heap
  const dst = ops.backend.typedArrayFromHeap(out);
  for (let b = 0, n = batchOf(t); b < n; b++) transposeTiled(src, dst, b * R * C, R, C);
  return out;
}

const batchOf = (t: TensorInfo) => t.shape.slice(0, -2).reduce((a, b) => a * b, 1);

/**
 * Row i of a [batch, r, c] operand (row 0 when it broadcasts) as a view: a
 * tensor registered at the row's offset inside the operand's buffer, so no
 * float is copied (the stock Slice kernel copies the whole input first). A
 * view owns no memory: `releaseView` unregisters it without freeing.
 */
function batchRow(ops: Ops, t3: TensorInfo, i: number, views: TensorInfo[]): TensorInfo {
  if (t3.shape[0] === 1) return t3;
  const [, r, c] = t3.shape;
  if (!canView(ops.backend)) {
    const row = ops.backend.makeOutput([1, r, c], 'float32');
    ops.temps.push(row);
    ops.backend.typedArrayFromHeap(row).set(ops.backend.typedArrayFromHeap(t3).subarray(i * r * c, (i + 1) * r * c));
    return row;
  }
  const base = ops.backend.dataIdMap.get(t3.dataId)!.memoryOffset;
  const view = ops.backend.makeOutput([1, r, c], 'float32', base + i * r * c * 4);
  views.push(view);
  return view;
}

function releaseView(backend: WasmLike, view: TensorInfo): void {
  const entry = backend.dataIdMap.get(view.dataId);
  if (!entry) return;
  backend.wasm.tfjs.disposeData(entry.id); // forgets the id (and XNNPACK's cached operator for it), frees nothing
  backend.dataIdMap.delete(view.dataId);
}

/** Views need the backend's tensor map and its id registry (tfjs-wasm 4.x); otherwise rows are copied. */
function canView(backend: WasmLike): boolean {
  return typeof backend.dataIdMap?.get === 'function' && typeof backend.wasm?.tfjs?.disposeData === 'function';
}

/**
 * Runs `stock` once per batch row and writes each [1, M, N] result into one
 * output buffer; the heap view is re-read per row because an allocation can
 * grow (and so move) the wasm memory.
 */
function splitBatches(stock: KernelFunc, args: Parameters<KernelFunc>[0], ops: Ops, a: TensorInfo, b: TensorInfo) {
  const batch = Math.max(batchOf(a), batchOf(b));
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.shape.length - 1];
  const a3 = ops.kernel('Reshape', { x: a }, { shape: [batchOf(a), M, K] }); // [Ba, M, K]
  const b3 = ops.kernel('Reshape', { x: b }, { shape: [batchOf(b), K, N] }); // [Bb, K, N]
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), M, N];
  const out = ops.backend.makeOutput(outShape, 'float32');
  const views: TensorInfo[] = [];
  try {
    for (let i = 0; i < batch; i++) {
      const inputs = { ...args.inputs, a: batchRow(ops, a3, i, views), b: batchRow(ops, b3, i, views) };
      const o = stock({
        ...args,
        inputs,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
      ops.backend.typedArrayFromHeap(out).set(ops.backend.typedArrayFromHeap(o), i * M * N);
      ops.backend.disposeData(o.dataId);
      for (const v of views.splice(0)) releaseView(ops.backend, v);
    }
  } finally {
    for (const v of views) releaseView(ops.backend, v);
  }
  return out;
}

/** Fused extras (bias, PReLU weights) of a higher rank than 1 would need slicing too: leave those to the stock kernel. */
function splittable(inputs: NamedTensorInfoMap): boolean {
  return [inputs.bias, inputs.preluActivationWeights].every((t) => !t || t.shape.length <= 1);
}

/**
 * Aᵀ·B with A [K, M] and B [K, N] (a weight gradient dyᵀ·x): transposing A
 * moves K·M floats, computing (Bᵀ·A)ᵀ moves K·N + M·N. Take the smaller.
 */
function transposedProductCheaper(
  kernelName: string,
  a: TensorInfo,
  b: TensorInfo,
  attrs: Record<string, unknown>,
): boolean {
  if (kernelName !== 'BatchMatMul' || !attrs.transposeA || attrs.transposeB || batchOf(a) * batchOf(b) !== 1)
    return false;
  const [K, M] = a.shape.slice(-2);
  const N = b.shape[b.shape.length - 1];
  return K * N + M * N < K * M;
}

function plainProduct(stock: KernelFunc, args: Parameters<KernelFunc>[0], a: TensorInfo, b: TensorInfo): TensorInfo {
  const inputs = { ...args.inputs, a, b };
  return stock({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
}

export function wasmMatMul(kernelName: string, backendName: string) {
  return (stock: KernelConfig | undefined): KernelConfig => {
    if (!stock) throw new Error(`camtl kernel patch: ${kernelName} is not registered on ${backendName}`);
    const kernelFunc: KernelFunc = (args) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
      const ops = opsFor(backendName, args.backend);
      const [a0, b0] = [args.inputs.a as TensorInfo, args.inputs.b as TensorInfo];
      try {
        if (transposedProductCheaper(kernelName, a0, b0, attrs)) {
          const t = plainProduct(stock.kernelFunc, args, swapLast(ops, b0), a0); // [N, M] = Bᵀ·A
          ops.temps.push(t);
          return swapLast(ops, t, true); // [M, N]
        }
        const a = attrs.transposeA ? swapLast(ops, a0) : a0;
        const b = attrs.transposeB ? swapLast(ops, b0) : b0;
        if (Math.max(batchOf(a), batchOf(b)) > 1 && splittable(args.inputs)) {
          return splitBatches(stock.kernelFunc, args, ops, a, b);
        }
        return plainProduct(stock.kernelFunc, args, a, b);
      } finally {
        for (const t of ops.temps) ops.backend.disposeData(t.dataId);
      }
    };
    return { ...stock, kernelFunc };
  };
}
