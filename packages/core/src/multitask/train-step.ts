import * as tf from '@tensorflow/tfjs-core';
import { leanVariableGrads } from '../autodiff/lean-grads';
import { CamtlError } from '../errors';
import { trainContext } from '../modules/context';
import { clipByGlobalNorm, type AdamW, type ClipResult, type GradientAccumulator } from '../optim';
import type { Rng } from '../rng';
import { variablesFor } from './absent-heads';
import { collate, disposeBatch, type CollateOptions, type EncodedExample } from './data';
import type { MultiTaskModel } from './model';
import type { Draw } from './sampler';

export interface StepResult {
  loss: number;
  /** Per task: its mean loss in this batch, or null when absent. */
  perTaskLoss: Array<number | null>;
  /** Set when this step applied an optimiser update. */
  gradNorm?: number;
}

/** Parameter names of the trainable variables, keyed by tfjs's own variable names (what variableGrads returns). */
export function gradientNames(vars: Map<string, tf.Variable>): Map<string, string> {
  return new Map([...vars].map(([name, v]) => [v.name, name]));
}

/**
 * Loss and gradients of one batch (the lean tape walk: activations and
 * intermediate gradients are freed during the backward pass); perTaskLoss is
 * kept alive past the tape's tidy.
 */
function lossAndGrads(
  model: MultiTaskModel,
  rows: EncodedExample[],
  padTo: CollateOptions['padTo'],
  rng: Rng,
  vars: tf.Variable[],
) {
  const batch = collate(rows, { padTo, labels: true });
  let perTask: tf.Tensor | undefined;
  try {
    const { value, grads } = leanVariableGrads(() => {
      const out = model.forward(batch, trainContext(rng));
      perTask = tf.keep(out.perTaskLoss!);
      return out.loss!;
    }, vars);
    return { value, grads, perTask: perTask! };
  } finally {
    disposeBatch(batch);
  }
}

function failOnNonFinite(step: number, loss: number, perTask: Array<number | null>, taskNames: readonly string[]) {
  if (Number.isFinite(loss)) return;
  const bad = perTask.flatMap((v, t) => (v !== null && !Number.isFinite(v) ? [taskNames[t]] : []));
  throw new CamtlError(
    'NUMERIC',
    `step ${step}: the loss is ${loss} (task${bad.length === 1 ? '' : 's'} ${bad.join(', ') || 'unknown'}); no update was applied and no checkpoint written after it`,
    'lower the learning rate or enable gradient clipping, and check the labels of those tasks; then resume from the last checkpoint',
  );
}

export interface StepContext {
  model: MultiTaskModel;
  train: readonly (readonly EncodedExample[])[];
  vars: Map<string, tf.Variable>;
  names: Map<string, string>;
  optimizer: AdamW;
  accumulator: GradientAccumulator;
  rng: Rng;
  padTo: CollateOptions['padTo'];
  maxGradNorm: number;
}

/** The clipped update of a full accumulation group, or undefined mid-group. */
function takeUpdate(c: StepContext): ClipResult | undefined {
  if (!c.accumulator.ready) return undefined;
  const summed = c.accumulator.take();
  try {
    return clipByGlobalNorm(summed, c.maxGradNorm);
  } finally {
    tf.dispose([...summed.values()]);
  }
}

/**
 * Forward, backward, accumulation, clipping, the NaN check and the AdamW
 * update of one batch. Everything the host needs (loss, per-task losses, the
 * pre-clip norm) comes back in ONE awaited read, before the update is
 * applied: WebGPU cannot read synchronously in Node, and every read is a
 * device round trip. A non-finite loss throws before any parameter moves (the
 * accumulator is left dirty, but a failed step ends the run).
 */
export async function trainStep(c: StepContext, draws: Draw[], step: number, lr: number): Promise<StepResult> {
  const rows = draws.map((d) => c.train[d.task][d.index]);
  const present = new Set(rows.map((r) => r.task));
  const vars = variablesFor(c.model, c.vars, present); // absent tasks' heads get no gradient, as in torch
  const { value, grads, perTask } = lossAndGrads(c.model, rows, c.padTo, c.rng, vars);
  c.accumulator.add(new Map(Object.entries(grads).map(([k, g]) => [c.names.get(k)!, g])));
  const update = takeUpdate(c);
  const T = perTask.size;
  const packed = tf.tidy(() =>
    tf.concat([tf.reshape(value, [1]), perTask, ...(update ? [tf.reshape(update.norm, [1])] : [])]),
  );
  tf.dispose([value, perTask, ...(update ? [update.norm] : [])]);
  const read = await packed.data(); // [loss, perTask (T), norm?]
  packed.dispose();
  const loss = read[0];
  const perTaskLoss = Array.from(read.subarray(1, 1 + T), (v, t) => (present.has(t) ? v : null));
  try {
    failOnNonFinite(step, loss, perTaskLoss, c.model.taskNames);
    if (!update) return { loss, perTaskLoss };
    c.optimizer.step(update.grads, lr);
    return { loss, perTaskLoss, gradNorm: read[1 + T] };
  } finally {
    if (update) tf.dispose([...update.grads.values()]);
  }
}
