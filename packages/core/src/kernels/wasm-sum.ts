import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { offsetOf, simdKernelsFor, type WasmBackendLike } from './simd/simd-kernels';
import { opsFor } from './wasm-matmul';

/**
 * Sum over leading axes on tfjs-backend-wasm: every bias gradient is a column
 * sum of [B·S, H] and every LayerNorm weight gradient one of [B, S, H]. The
 * wasm kernel first transposes the reduced axes to the end, a copy of the
 * whole input, then reduces: 17 ms for [2048, 1024] on 2 threads, where the
 * same sum as the product ones[1, 2048]·x runs through XNNPACK in 0.1 ms.
 * With camtl's SIMD module loaded, its `colsum` adds the rows in order (one
 * read of the input, 4 columns per instruction), which is faster still.
 * Either way the result is the same sum in another order (equal to ~1e-6
 * relative). Other reductions (over the last axes, or non-contiguous ones)
 * keep the stock kernel.
 */
function leadingAxes(axis: number | number[], rank: number): number | undefined {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort();
  const leading = axes.every((a, i) => a === i);
  return leading && axes.length > 0 && axes.length < rank ? axes.length : undefined;
}

export function wasmSum(backendName: string) {
  return (stock: KernelConfig | undefined): KernelConfig => {
    if (!stock) throw new Error(`camtl kernel patch: Sum is not registered on ${backendName}`);
    const kernelFunc: KernelFunc = (args) => {
      const x = args.inputs.x as TensorInfo;
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape.length) : undefined;
      if (k === undefined) return stock.kernelFunc(args);
      const outer = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
      const rest = x.shape.slice(k);
      const inner = rest.reduce((a, b) => a * b, 1);
      const shape = keepDims ? [...new Array<number>(k).fill(1), ...rest] : rest;
      const simd = simdKernelsFor(args.backend);
      if (simd) {
        const b = args.backend as unknown as WasmBackendLike;
        const out = b.makeOutput(shape, 'float32');
        simd.colsum(offsetOf(b, x), offsetOf(b, out), outer, inner);
        return out;
      }
      const ops = opsFor(backendName, args.backend);
      try {
        const ones = ops.backend.makeOutput([1, 1, outer], 'float32');
        ops.temps.push(ones);
        ops.backend.typedArrayFromHeap(ones).fill(1);
        const x3 = ops.kernel('Reshape', { x }, { shape: [1, outer, inner] }); // [1, outer, inner]
        const sum = ops.kernel('BatchMatMul', { a: ones, b: x3 }, { transposeA: false, transposeB: false }); // [1, 1, inner]
        ops.temps.splice(ops.temps.indexOf(sum), 1); // the result: not a temporary
        // tfjs-wasm keeps a shape per buffer, and its fused product reads a bias's rank from it.
        const entry = (args.backend as unknown as WasmBackendLike).dataIdMap?.get(sum.dataId) as { shape?: number[] };
        if (entry) entry.shape = shape;
        return { dataId: sum.dataId, shape, dtype: 'float32' };
      } finally {
        for (const t of ops.temps) ops.backend.disposeData(t.dataId);
      }
    };
    return { ...stock, kernelFunc };
  };
}
