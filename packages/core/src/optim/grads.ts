import type * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import type { ParamStore } from '../params/store';

/**
 * Gradients keyed by parameter name. `tf.variableGrads` hands back a record,
 * our own code passes Maps; everything in optim accepts both.
 */
export type GradMap = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

/** A Map view of `grads` (the Map itself when it already is one). */
export function toGradMap(grads: GradMap): Map<string, tf.Tensor> {
  return grads instanceof Map ? grads : new Map(Object.entries(grads));
}

/**
 * `grads` keyed by parameter name. A key may be a parameter name already, or
 * the tfjs name of a parameter's variable — what `tf.variableGrads(f, vars).grads`
 * is keyed by, since a ParamStore's variables are unnamed ("0", "1", … are
 * tfjs's global ids). A parameter name wins when a key is both.
 */
export function namedGrads(
  params: ReadonlyMap<string, tf.Variable>,
  grads: GradMap,
  who: string,
): Map<string, tf.Tensor> {
  const byVariable = new Map([...params].map(([name, v]) => [v.name, name]));
  const out = new Map<string, tf.Tensor>();
  for (const [key, g] of toGradMap(grads)) {
    const name = params.has(key) ? key : byVariable.get(key);
    if (name === undefined) {
      throw new CamtlError(
        'BAD_INPUT',
        `${who}: gradient for unknown parameter "${key}" (neither a parameter name nor the tfjs name of a parameter's variable)`,
        'pass a Map keyed by parameter name, or tf.variableGrads(f, vars).grads with vars taken from these parameters (store.trainable().values())',
      );
    }
    if (out.has(name))
      throw new CamtlError('BAD_INPUT', `${who}: two gradients for parameter "${name}" (by name and by variable)`);
    out.set(name, g);
  }
  return out;
}

/**
 * `tf.variableGrads` output re-keyed by the store's parameter names, ready for
 * `AdamW.step`, `clipByGlobalNorm` or `GradientAccumulator.add`:
 *
 * ```ts
 * const { value, grads } = tf.variableGrads(() => model.forward(batch, ctx).loss!, [...store.trainable().values()]);
 * const named = gradsByParamName(store, grads); // Map<"bert.pooler.dense.weight", tf.Tensor>, …
 * ```
 *
 * Keys that already are parameter names pass through. The tensors are the same
 * objects (the caller still owns and disposes them). An unknown key throws a
 * CamtlError naming it.
 */
export function gradsByParamName(store: ParamStore, grads: Record<string, tf.Tensor>): Map<string, tf.Tensor> {
  return namedGrads(store.vars, grads, 'gradsByParamName');
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
