// The models under test and their train / inference steps, built only from
// camtl's public APIs (what a user's training loop would call), so a speed-up
// in @camtl/core shows here without any change to the bench.
import * as tf from '@tensorflow/tfjs-core';
import { createCaMtl, type CaMtlModel } from '@camtl/ca-mtl';
import {
  AdamW,
  BertModel,
  Rng,
  evalContext,
  leanVariableGrads,
  parseBertConfig,
  trainContext,
  type ModuleContext,
} from '@camtl/core';
import { NUM_LABELS, PADDED_TAIL, hfBertConfig, type BenchConfig } from './configs';

/** Inputs of either model: CA-MTL also needs per-example task ids. */
export interface BenchBatch {
  inputIds: tf.Tensor2D;
  tokenTypeIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  labels: tf.Tensor1D;
  taskIds?: tf.Tensor1D;
}

export interface BenchModel {
  readonly config: BenchConfig;
  readonly vars: Map<string, tf.Variable>;
  /** Logits [B, C] and, when the batch has labels, the mean cross-entropy. */
  forward(batch: BenchBatch, ctx: ModuleContext, withLoss: boolean): { logits: tf.Tensor2D; loss?: tf.Scalar };
  parameterCount(): number;
  dispose(): void;
}

/** A plain BERT + classification head (the torch script's BertCls) or a CA-MTL-base model. */
export async function buildModel(config: BenchConfig, seed = 0): Promise<BenchModel> {
  if (config.kind === 'camtl') return camtlModel(config, await caMtl(config, seed));
  const bert = BertModel.create(parseBertConfig(hfBertConfig(config)), { seed });
  return {
    config,
    vars: bert.store.trainable(),
    forward: (b, ctx, withLoss) => {
      const out = bert.forward({ ...b, labels: withLoss ? b.labels : undefined }, ctx);
      return { logits: out.logits!, loss: out.loss };
    },
    parameterCount: () => count(bert.store.vars),
    dispose: () => bert.dispose(),
  };
}

/** The CA-MTL-base model itself (the epoch and MT-U benchmarks use its MultiTaskModel face). */
export async function caMtl(config: BenchConfig, seed = 0): Promise<CaMtlModel> {
  const tasks = config.tasks ?? ['a', 'b'];
  const { model } = await createCaMtl({
    bertConfig: hfBertConfig(config),
    tasks,
    numLabels: tasks.map((t) => (t === 'sts-b' ? 1 : t === 'mnli' ? 3 : NUM_LABELS)),
    variant: 'base',
    maxSeqLength: config.seq,
    seed,
  });
  return model;
}

function camtlModel(config: BenchConfig, model: CaMtlModel): BenchModel {
  return {
    config,
    vars: model.store.trainable(),
    forward: (b, ctx, withLoss) => {
      const out = model.forward({ ...b, taskIds: b.taskIds!, labels: withLoss ? b.labels : undefined }, ctx);
      return { logits: out.logits, loss: out.loss };
    },
    parameterCount: () => count(model.store.vars),
    dispose: () => model.dispose(),
  };
}

function count(vars: Map<string, tf.Variable>): number {
  let n = 0;
  for (const v of vars.values()) n += v.size;
  return n;
}

/**
 * The torch script's batch: random ids in [5, vocab), token types 1 on the
 * second half, the last 16 positions of every second row (0, 2, …) padded,
 * random 2-class labels; CA-MTL rows cycle through the tasks.
 */
export function syntheticBatch(config: BenchConfig, seed = 1): BenchBatch {
  const { batch: B, seq: S } = config;
  const rng = new Rng(seed);
  const ids = new Int32Array(B * S).map(() => 5 + rng.int(config.vocab - 5));
  const types = new Int32Array(B * S).map((_, i) => (i % S >= S >> 1 ? 1 : 0));
  const mask = new Int32Array(B * S).map((_, i) => (Math.floor(i / S) % 2 === 0 && i % S >= S - PADDED_TAIL ? 0 : 1));
  const labels = Float32Array.from({ length: B }, () => rng.int(NUM_LABELS));
  const T = config.tasks?.length ?? 0;
  return {
    inputIds: tf.tensor2d(ids, [B, S], 'int32'),
    tokenTypeIds: tf.tensor2d(types, [B, S], 'int32'),
    attentionMask: tf.tensor2d(mask, [B, S], 'int32'),
    labels: tf.tensor1d(labels, 'float32'),
    taskIds: T
      ? tf.tensor1d(
          Int32Array.from({ length: B }, (_, b) => b % T),
          'int32',
        )
      : undefined,
  };
}

export function disposeBench(batch: BenchBatch): void {
  tf.dispose(Object.values(batch).filter(Boolean) as tf.Tensor[]);
}

/**
 * torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01), as the
 * torch script builds it: torch's update rule and decay on every parameter
 * (no HF no-decay groups), so both sides do the same arithmetic.
 */
export function torchLikeAdamW(vars: Map<string, tf.Variable>): AdamW {
  return new AdamW(vars, { lr: 2e-5, weightDecay: 0.01, variant: 'torch', noDecay: () => false });
}

/**
 * One optimiser update from a loss closure: backward through the tape
 * (camtl's leanVariableGrads: tf.variableGrads' gradients, freeing each
 * activation and intermediate gradient once used, as PyTorch's autograd does), AdamW,
 * and reads that force the device to finish (queued backends such as WebGPU
 * would otherwise return before the work is done).
 */
export function makeUpdate(vars: Map<string, tf.Variable>, optimizer: AdamW) {
  const list = [...vars.values()];
  const byTfName = new Map([...vars].map(([name, v]) => [v.name, name]));
  const last = list[list.length - 1];
  return async (loss: () => tf.Scalar): Promise<number> => {
    const { value, grads } = leanVariableGrads(loss, list);
    const lossValue = (await value.data())[0];
    optimizer.step(new Map(Object.entries(grads).map(([k, g]) => [byTfName.get(k)!, g])));
    tf.dispose([value, ...Object.values(grads)]);
    // AdamW updates the parameters in order; one value of the last one waits
    // for all of them without a large download.
    const probe = tf.tidy(() => tf.slice(tf.reshape(last, [-1]), 0, 1));
    await probe.data();
    probe.dispose();
    return lossValue;
  };
}

/** Forward, cross-entropy, backward and AdamW on a bench batch. */
export function makeTrainStep(model: BenchModel, optimizer: AdamW, rng: Rng) {
  const update = makeUpdate(model.vars, optimizer);
  return (batch: BenchBatch): Promise<number> => update(() => model.forward(batch, trainContext(rng), true).loss!);
}

/** Eval-mode forward without a tape (tf.tidy), read back asynchronously. */
export function makeInferStep(model: BenchModel) {
  return async (batch: BenchBatch): Promise<void> => {
    const logits = tf.tidy(() => model.forward(batch, evalContext(), false).logits);
    await logits.data();
    logits.dispose();
  };
}
