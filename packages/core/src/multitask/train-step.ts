import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { evalContext, trainContext, type ModuleContext } from '../modules/context';
import { clipByGlobalNorm, type AdamW, type GradientAccumulator } from '../optim';
import type { Rng } from '../rng';
import { collate, disposeBatch, lengthBuckets, type CollateOptions, type EncodedExample } from './data';
import type { MultiTaskModel } from './model';
import type { CandidateScores, Draw, Scorer } from './sampler';

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

/** Loss and gradients of one batch; perTaskLoss is kept alive past the tape's tidy. */
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
    const { value, grads } = tf.variableGrads(() => {
      const out = model.forward(batch, trainContext(rng));
      perTask = tf.keep(out.perTaskLoss!);
      return out.loss!;
    }, vars);
    return { value, grads, perTask: perTask!, present: new Set(rows.map((r) => r.task)) };
  } finally {
    disposeBatch(batch);
  }
}

function failOnNonFinite(
  step: number,
  loss: number,
  perTask: Array<number | null>,
  taskNames: readonly string[],
): void {
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
  train: EncodedExample[][];
  vars: Map<string, tf.Variable>;
  names: Map<string, string>;
  optimizer: AdamW;
  accumulator: GradientAccumulator;
  rng: Rng;
  padTo: CollateOptions['padTo'];
  maxGradNorm: number;
}

/**
 * Forward, backward, NaN check, accumulation, clipping and the AdamW update of
 * one batch. Reads are asynchronous: WebGPU cannot read synchronously in Node
 * (and returns zeros for sync reads on some adapters).
 */
export async function trainStep(c: StepContext, draws: Draw[], step: number, lr: number): Promise<StepResult> {
  const rows = draws.map((d) => c.train[d.task][d.index]);
  const { value, grads, perTask, present } = lossAndGrads(c.model, rows, c.padTo, c.rng, [...c.vars.values()]);
  const loss = (await value.data())[0];
  const perTaskValues = Array.from(await perTask.data(), (v, t) => (present.has(t) ? v : null));
  tf.dispose([value, perTask]);
  try {
    failOnNonFinite(step, loss, perTaskValues, c.model.taskNames);
  } catch (e) {
    tf.dispose(Object.values(grads));
    throw e;
  }
  c.accumulator.add(new Map(Object.entries(grads).map(([k, g]) => [c.names.get(k)!, g])));
  if (!c.accumulator.ready) return { loss, perTaskLoss: perTaskValues };
  const summed = c.accumulator.take();
  const { grads: clipped, norm } = clipByGlobalNorm(summed, c.maxGradNorm);
  const gradNorm = (await norm.data())[0];
  c.optimizer.step(clipped, lr);
  tf.dispose([...summed.values(), ...clipped.values(), norm]);
  return { loss, perTaskLoss: perTaskValues, gradNorm };
}

/** Forward of one padded chunk: per row normalised entropy, first logit and target. */
function scoreRows(model: MultiTaskModel, rows: EncodedExample[], padTo: CollateOptions['padTo'], ctx: ModuleContext) {
  const batch = collate(rows, { padTo });
  try {
    const out = model.forward(batch, ctx);
    return {
      normalizedEntropy: out.normalizedEntropy,
      prediction: tf.reshape(tf.slice(out.logits, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D, // [n]
      target: tf.tensor1d(
        rows.map((r) => (Number.isNaN(r.target) ? 0 : r.target)),
        'float32',
      ),
    };
  } finally {
    disposeBatch(batch);
  }
}

/**
 * The scorer MT-Uncertainty calls: a forward pass without a tape (inference
 * mode unless `dropout`). With dynamic padding the T·c candidates are sorted
 * by length and scored in chunks of `chunkSize`, each padded to its own
 * longest row, so short tasks (SST-2) do not pay for long ones (RTE); the
 * scores come back in candidate order. Chunks are by length, never by task.
 */
export function makeScorer(
  model: MultiTaskModel,
  train: EncodedExample[][],
  padTo: CollateOptions['padTo'],
  rng: Rng,
  chunkSize = Number.POSITIVE_INFINITY,
): Scorer {
  return (draws: Draw[], options: { dropout: boolean }): CandidateScores => {
    const rows = draws.map((d) => train[d.task][d.index]);
    const ctx = options.dropout ? trainContext(rng) : evalContext();
    const chunks =
      typeof padTo === 'number' || rows.length <= chunkSize ? [rows.map((_, i) => i)] : lengthBuckets(rows, chunkSize);
    return tf.tidy(() => {
      const parts = chunks.map((idx) =>
        scoreRows(
          model,
          idx.map((i) => rows[i]),
          padTo,
          ctx,
        ),
      );
      if (parts.length === 1) return parts[0];
      const order = chunks.flat(); // chunk position → candidate index
      const inverse = tf.tensor1d(inversePermutation(order), 'int32'); // candidate index → chunk position
      const join = (k: keyof CandidateScores) => tf.gather(tf.concat(parts.map((p) => p[k]!)), inverse) as tf.Tensor1D;
      return { normalizedEntropy: join('normalizedEntropy'), prediction: join('prediction'), target: join('target') };
    });
  };
}

function inversePermutation(order: readonly number[]): Int32Array {
  const inv = new Int32Array(order.length);
  order.forEach((candidate, position) => (inv[candidate] = position));
  return inv;
}
