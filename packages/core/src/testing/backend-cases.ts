// Backend conformance cases (part of @camtl/core/testing): computations a
// backend must get right, run on cpu and on the backend under test. Every read
// is asynchronous (`await t.data()`): WebGPU in Node cannot read synchronously.
import * as tf from '@tensorflow/tfjs-core';
import { parseBertConfig } from '../bert/config';
import { BertModel } from '../bert/model';
import { maxAbsDiff } from './compare';

/** Switches tfjs to a backend: core's `useBackend`, or a selector such as `useNodeBackend`. */
export type SwitchBackend = (backend: string) => Promise<unknown>;

/** The values of every tensor, read asynchronously. */
export async function readAll(tensors: tf.Tensor[]): Promise<number[][]> {
  return Promise.all(tensors.map(async (t) => Array.from(await t.data())));
}

async function outputsOn(backend: string, use: SwitchBackend, run: () => tf.Tensor[]): Promise<number[][]> {
  await use(backend);
  const outputs = tf.tidy(run);
  try {
    return await readAll(outputs);
  } finally {
    tf.dispose(outputs);
  }
}

/** Max |backend − cpu| per output of `run`, which runs once on cpu and once on `backend` (each switched to by `use`). */
export async function diffsFromCpu(run: () => tf.Tensor[], backend: string, use: SwitchBackend): Promise<number[]> {
  const cpu = await outputsOn('cpu', use, run);
  const other = await outputsOn(backend, use, run);
  return cpu.map((c, i) => maxAbsDiff(other[i], c));
}

/** Seeded: the same values on every backend. */
const fixed = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/**
 * matMul with every transpose combination, batched and fused (bias + relu on
 * 2D operands, as camtl's linear layers use it): the products camtl's wasm
 * kernel patches replace (tfjs-backend-wasm 4.22's own _FusedMatMul is wrong
 * for batch > 1 with a bias). For `diffsFromCpu`, or call it under tf.tidy.
 */
export function matMulCombinations(): tf.Tensor[] {
  return TRANSPOSES.flatMap(([ta, tb]) => {
    const a = fixed(ta ? [2, 7, 5] : [2, 5, 7], 1);
    const b = fixed(tb ? [2, 3, 7] : [2, 7, 3], 2);
    const a2 = fixed(ta ? [7, 5] : [5, 7], 6) as tf.Tensor2D;
    const b2 = fixed(tb ? [3, 7] : [7, 3], 7) as tf.Tensor2D;
    const bias = fixed([3], 3);
    const fused = tf.fused.matMul({ a: a2, b: b2, transposeA: ta, transposeB: tb, bias, activation: 'relu' });
    return [tf.matMul(a, b, ta, tb), fused];
  });
}

/** The tiny BERT of `tinyBertStep` (HF config.json fields). */
export const TINY_BERT_CONFIG = {
  vocab_size: 30,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 32,
  max_position_embeddings: 16,
  num_labels: 3,
} as const;

export interface TinyBertStep {
  /** Classification logits [2, 3], flattened. */
  logits: number[];
  loss: number;
  /** The trainable parameters' names, sorted: the order of `grads`. */
  names: string[];
  grads: number[][];
}

/**
 * A seeded tiny BERT (TINY_BERT_CONFIG) on a padded batch of two, on the
 * current backend: logits, the classification loss and the gradient of every
 * trainable parameter (tf.variableGrads), as a training step sees them.
 */
export async function tinyBertStep(seed: number): Promise<TinyBertStep> {
  const model = BertModel.create(parseBertConfig({ ...TINY_BERT_CONFIG }), { seed });
  const inputIds = tf.tensor2d([2, 5, 7, 9, 3, 0, 2, 11, 3, 0, 0, 0], [2, 6], 'int32');
  const attentionMask = tf.tensor2d([1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0], [2, 6], 'int32');
  const labels = tf.tensor1d([1, 2], 'int32');
  const held: tf.Tensor[] = [inputIds, attentionMask, labels];
  try {
    const vars = model.store.trainable();
    const names = [...vars.keys()].sort();
    const logits = tf.tidy(() => model.forward({ inputIds, attentionMask }).logits!);
    held.push(logits);
    const { value, grads } = tf.variableGrads(
      () => model.forward({ inputIds, attentionMask, labels }).loss as tf.Scalar,
      [...vars.values()],
    );
    held.push(value, ...Object.values(grads));
    const [logitValues, loss, ...gradValues] = await readAll([
      logits,
      value,
      ...names.map((n) => grads[vars.get(n)!.name]),
    ]);
    return { logits: logitValues, loss: loss[0], names, grads: gradValues };
  } finally {
    tf.dispose(held);
    model.dispose();
  }
}
