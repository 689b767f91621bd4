import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { opsFor } from './wasm-matmul';

/**
 * GatherV2 along axis 0 on tfjs-backend-wasm: the embedding lookups. The wasm
 * kernel computes a strided source offset for every element (18 ms for 2048
 * rows of a [30522, 256] table), where the lookup is one contiguous row copy
 * per index (0.3 ms) on the heap views. Other gathers (another axis, batch
 * dims, non-float data, an index out of range) keep the stock kernel, and so
 * its errors. The values are copies: identical.
 */
function rowsInRange(ids: Int32Array, rows: number): boolean {
  for (let i = 0; i < ids.length; i++) if (!(ids[i] >= 0 && ids[i] < rows)) return false;
  return true;
}

export function wasmGather(backendName: string) {
  return (stock: KernelConfig | undefined): KernelConfig => {
    if (!stock) throw new Error(`camtl kernel patch: GatherV2 is not registered on ${backendName}`);
    const kernelFunc: KernelFunc = (args) => {
      const x = args.inputs.x as TensorInfo;
      const indices = args.inputs.indices as TensorInfo;
      const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims?: number };
      const simple = x.dtype === 'float32' && indices.dtype === 'int32' && x.shape.length >= 1;
      if (!simple || (axis !== 0 && axis !== -x.shape.length) || (batchDims ?? 0) !== 0) return stock.kernelFunc(args);
      const ops = opsFor(backendName, args.backend);
      const ids = ops.backend.typedArrayFromHeap(indices) as unknown as Int32Array;
      const rows = x.shape[0];
      if (!rowsInRange(ids, rows)) return stock.kernelFunc(args);
      const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const out = ops.backend.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32');
      // Views after makeOutput: an allocation may grow (and so move) the heap.
      const src = ops.backend.typedArrayFromHeap(x);
      const dst = ops.backend.typedArrayFromHeap(out);
      const idx = ops.backend.typedArrayFromHeap(indices) as unknown as Int32Array;
      for (let i = 0; i < idx.length; i++) dst.set(src.subarray(idx[i] * inner, (idx[i] + 1) * inner), i * inner);
      return out;
    };
    return { ...stock, kernelFunc };
  };
}
