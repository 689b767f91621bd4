import type * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients keyed by parameter name. `tf.variableGrads` hands back a record,
 * our own code passes Maps; everything in optim accepts both.
 */
export type GradMap = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

/** A Map view of `grads` (the Map itself when it already is one). */
export function toGradMap(grads: GradMap): Map<string, tf.Tensor> {
  return grads instanceof Map ? grads : new Map(Object.entries(grads));
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
