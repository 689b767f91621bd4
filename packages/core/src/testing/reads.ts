import * as tf from '@tensorflow/tfjs-core';

/**
 * Counts host reads of tensors (data/dataSync; array, buffer and their Sync
 * forms go through them) while `f` runs. Kernels reading their own inputs on
 * cpu/wasm are not host reads of the training loop and are not counted.
 */
export async function countReads<T>(f: () => Promise<T>): Promise<{ value: T; reads: number }> {
  const proto = tf.Tensor.prototype as unknown as Record<'data' | 'dataSync', (...a: unknown[]) => unknown>;
  const original = { data: proto.data, dataSync: proto.dataSync };
  let reads = 0;
  proto.data = function (this: unknown, ...a: unknown[]) {
    reads++;
    return original.data.apply(this, a);
  };
  proto.dataSync = function (this: unknown, ...a: unknown[]) {
    reads++;
    return original.dataSync.apply(this, a);
  };
  try {
    return { value: await f(), reads };
  } finally {
    Object.assign(proto, original);
  }
}
