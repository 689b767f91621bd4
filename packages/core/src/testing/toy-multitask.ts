// Test-only: a tiny MultiTaskModel (mean-pooled embeddings, per-task linear
// heads), a deterministic round-robin sampler and toy tasks, so the trainer
// can be tested in core without the CA-MTL packages.
import * as tf from '@tensorflow/tfjs-core';
import { saveHfCheckpoint } from '../io/checkpoint';
import type { FileSystem } from '../io/fs';
import { dropout } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import type { EncodedExample } from '../multitask/data';
import type { MultiTaskBatch, MultiTaskModel, MultiTaskOutputs } from '../multitask/model';
import type { Draw, SamplerFactory } from '../multitask/sampler';
import type { TaskDefinition } from '../multitask/tasks';
import { normal, zeros } from '../params/init';
import { instantiate } from '../params/spec';
import type { ParamStore } from '../params/store';
import { Rng } from '../rng';

const V = 12;
const D = 8;

export class ToyModel implements MultiTaskModel {
  readonly store: ParamStore;
  readonly taskNames = ['cls', 'reg'];
  readonly numLabelsPerTask = [2, 1];
  readonly maxSeqLength = 16;
  /** When set, the loss of this step becomes NaN (to test the trainer's guard). */
  poison = false;
  /** With `taskHeads`: heads.<task>.weight/bias per task (else one stacked heads.weight/bias, no taskParameters). */
  readonly taskParameters?: readonly (readonly string[])[];

  constructor(seed = 0, options: { taskHeads?: boolean } = {}) {
    const emb = { name: 'emb.weight', shape: [V, D], init: normal(0.5) };
    const heads = options.taskHeads
      ? this.taskNames.flatMap((t) => [
          { name: `heads.${t}.weight`, shape: [D, 2], init: normal(0.3) },
          { name: `heads.${t}.bias`, shape: [2], init: zeros },
        ])
      : [
          { name: 'heads.weight', shape: [2, D, 2], init: normal(0.3) },
          { name: 'heads.bias', shape: [2, 2], init: zeros },
        ];
    this.store = instantiate([emb, ...heads], new Rng(seed));
    if (options.taskHeads) this.taskParameters = this.taskNames.map((t) => [`heads.${t}.weight`, `heads.${t}.bias`]);
  }

  /** [T, …] stacked head weights or biases: one tensor, or the per-task ones stacked. */
  private heads(kind: 'weight' | 'bias'): tf.Tensor {
    if (!this.taskParameters) return this.store.get(`heads.${kind}`);
    return tf.stack(this.taskNames.map((t) => this.store.get(`heads.${t}.${kind}`)));
  }

  forward(batch: MultiTaskBatch, ctx: ModuleContext): MultiTaskOutputs {
    const mask = tf.expandDims(tf.cast(batch.attentionMask!, 'float32'), 2); // [B, S, 1]
    const emb = tf.mul(tf.gather(this.store.get('emb.weight'), batch.inputIds), mask); // [B, S, D]
    const pooled = dropout(tf.div(tf.sum(emb, 1), tf.sum(mask, 1)), 0.1, ctx) as tf.Tensor2D; // [B, D]
    const w = tf.gather(this.heads('weight'), batch.taskIds); // [B, D, 2]
    const b = tf.gather(this.heads('bias'), batch.taskIds); // [B, 2]
    const logits = tf.add(tf.reshape(tf.matMul(tf.expandDims(pooled, 1), w), [-1, 2]), b) as tf.Tensor2D; // [B, 2]
    const isReg = tf.cast(tf.equal(batch.taskIds, 1), 'float32');
    const out: MultiTaskOutputs = { logits };
    if (batch.labels) {
      const ce = tf.losses.softmaxCrossEntropy(
        tf.oneHot(tf.cast(batch.labels, 'int32'), 2),
        logits,
        undefined,
        undefined,
        tf.Reduction.NONE,
      );
      const se = tf.square(tf.sub(tf.reshape(tf.slice(logits, [0, 0], [-1, 1]), [-1]), batch.labels));
      const perExample = tf.add(tf.mul(isReg, se), tf.mul(tf.sub(1, isReg), ce)); // [B]
      const onehot = tf.oneHot(batch.taskIds, 2); // [B, T]
      const counts = tf.sum(onehot, 0);
      const perTask = tf.div(
        tf.sum(tf.mul(onehot, tf.expandDims(perExample, 1)), 0),
        tf.maximum(counts, 1),
      ) as tf.Tensor1D;
      const present = tf.cast(tf.greater(counts, 0), 'float32');
      out.perTaskLoss = perTask;
      out.loss = tf.div(tf.sum(tf.mul(perTask, present)), tf.sum(present)) as tf.Scalar;
      if (this.poison) out.loss = tf.mul(out.loss, Number.NaN) as tf.Scalar;
    }
    return out;
  }

  async save(dir: string, fs: FileSystem): Promise<void> {
    await saveHfCheckpoint(dir, { config: { model_type: 'toy' }, tensors: await this.store.toTensors() }, fs);
  }
}

/** Round-robin over tasks, each task's examples in a seeded order; state is the step count. */
export function toySampler(): SamplerFactory {
  return ({ tasks, batchSize, seed }) => {
    let drawn = 0;
    const used = tasks.map((t) => new Set<number>());
    const pick = (k: number): Draw => {
      const task = k % tasks.length;
      const index = new Rng(seed + k).int(tasks[task].size);
      used[task].add(index);
      return { task, index };
    };
    return {
      specificationVersion: 'v1',
      kind: 'toy',
      epochLength: () => Math.ceil(tasks.reduce((a, t) => a + t.size, 0) / batchSize),
      next: async () => Array.from({ length: batchSize }, () => pick(drawn++)),
      usage: () => ({
        overall: used.reduce((a, s) => a + s.size, 0) / tasks.reduce((a, t) => a + t.size, 0),
        perTask: used.map((s, t) => s.size / tasks[t].size),
      }),
      getState: async () => ({ drawn, used: used.map((s) => [...s]) }),
      setState: async (s) => {
        drawn = s.drawn as number;
        (s.used as number[][]).forEach((u, t) => (used[t] = new Set(u)));
      },
    };
  };
}

function toyTask(name: string, kind: 'classification' | 'regression'): TaskDefinition {
  return {
    specificationVersion: 'v1',
    name,
    kind,
    numLabels: kind === 'regression' ? 1 : 2,
    labels: kind === 'regression' ? undefined : ['0', '1'],
    splits: {},
    devSplits: ['dev'],
    read: async () => ({ file: '', examples: [], skipped: [] }),
    target: Number,
    formatPrediction: String,
    metrics: (p, t) => ({
      accuracy:
        kind === 'regression'
          ? -p.reduce((a, x, i) => a + (x - t[i]) ** 2, 0) / p.length
          : p.filter((x, i) => x === t[i]).length / p.length,
    }),
    score: (m) => m.accuracy ?? null,
  };
}

export const TOY_TASKS = [toyTask('cls', 'classification'), toyTask('reg', 'regression')];

/** Task 0: label = whether token 3 occurs; task 1: target = number of 5s / 2. */
export function toyData(n: number, seed: number, task: number): EncodedExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = 3 + rng.int(6);
    const ids = [2, ...Array.from({ length: len - 2 }, () => 3 + rng.int(V - 3)), 1];
    const target = task === 0 ? (ids.includes(3) ? 1 : 0) : ids.filter((x) => x === 5).length / 2;
    return { ids, typeIds: ids.map(() => 0), task, target };
  });
}
