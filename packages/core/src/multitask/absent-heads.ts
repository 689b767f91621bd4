import type * as tf from '@tensorflow/tfjs-core';
import type { MultiTaskModel } from './model';

/**
 * The variables a batch's loss is differentiated against: every trainable
 * one except the parameters of the tasks absent from the batch
 * (`MultiTaskModel.taskParameters`). Our heads run on every row and an absent
 * task's head would get an exact zero gradient; torch's gets none (None), so
 * neither its weights nor its Adam step count move until its task first
 * appears. AdamW's `missingGrads: 'zeroIfSeen'` then treats a later absence
 * as the zero gradient the reference's `zero_grad` leaves (moves by momentum).
 * With accumulation, a task present in any micro-batch keeps its gradient:
 * the accumulator sums the micro-batches that have one.
 */
export function variablesFor(
  model: MultiTaskModel,
  vars: ReadonlyMap<string, tf.Variable>,
  present: ReadonlySet<number>,
): tf.Variable[] {
  const absent = new Set((model.taskParameters ?? []).flatMap((names, t) => (present.has(t) ? [] : names)));
  return [...vars].filter(([name]) => !absent.has(name)).map(([, v]) => v);
}
