import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { parseBertConfig } from '../bert/config';
import { BertModel } from '../bert/model';
import { collate, disposeBatch } from '../multitask/data';
import { trainContext } from '../modules/context';
import { fusedGelu, fusedLayerNorm } from '../modules/fused';
import { Rng } from '../rng';
import { TINY_BERT_CONFIG } from '../testing/backend-cases';
import { describeEachBackend } from '../testing/backends';
import { maxAbsDiff } from '../testing/compare';
import { randn } from '../testing/random';
import { ToyModel, toyData } from '../testing/toy-multitask';
import { leanVariableGrads } from './lean-grads';

interface Run {
  loss: number;
  grads: Record<string, number[] | null>;
}

async function read(r: { value: tf.Scalar; grads: tf.NamedTensorMap }): Promise<Run> {
  const grads: Record<string, number[] | null> = {};
  for (const [k, g] of Object.entries(r.grads)) grads[k] = g == null ? null : Array.from(await g.data());
  const loss = (await r.value.data())[0];
  tf.dispose([r.value, ...Object.values(r.grads).filter((g): g is tf.Tensor => g != null)]);
  return { loss, grads };
}

/** tf.variableGrads and leanVariableGrads on the same closure: same loss, same keys, same bits. */
async function expectSameAsTfjs(loss: () => tf.Tensor, vars?: tf.Variable[]): Promise<Run> {
  const f = loss as () => tf.Scalar;
  const want = await read(tf.variableGrads(f, vars));
  const before = tf.memory().numTensors;
  const got = await read(leanVariableGrads(f, vars));
  expect(tf.memory().numTensors).toBe(before);
  expect(got.loss).toBe(want.loss);
  expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
  for (const [k, g] of Object.entries(want.grads)) {
    if (g == null) expect(got.grads[k], k).toBeNull();
    else expect(maxAbsDiff(got.grads[k]!, g), k).toBe(0);
  }
  return got;
}

const variable = (shape: number[], seed: number, name?: string) =>
  tf.variable(randn(shape, seed), true, name ? `${name}-${Math.random()}` : undefined);

describeEachBackend('leanVariableGrads', () => {
  it('a tiny BERT in training mode (dropout, padding mask, fused LayerNorm and GELU): the same bits as tf.variableGrads', async () => {
    const model = BertModel.create(parseBertConfig({ ...TINY_BERT_CONFIG, hidden_dropout_prob: 0.1 }), { seed: 3 });
    const inputIds = tf.tensor2d([2, 5, 7, 9, 3, 0, 2, 11, 3, 0, 0, 0], [2, 6], 'int32');
    const attentionMask = tf.tensor2d([1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0], [2, 6], 'int32');
    const labels = tf.tensor1d([1, 2], 'int32');
    const f = () => model.forward({ inputIds, attentionMask, labels }, trainContext(new Rng(5))).loss!;
    const run = await expectSameAsTfjs(f, [...model.store.trainable().values()]);
    expect(Object.keys(run.grads).length).toBe(model.store.trainable().size);
    tf.dispose([inputIds, attentionMask, labels]);
    model.store.dispose();
  });

  it('a multi-task model (int32 task ids, gathered per-task heads, oneHot, per-task losses): the same bits', async () => {
    const model = new ToyModel(2, { taskHeads: true });
    const rows = [...toyData(3, 1, 0), ...toyData(2, 2, 1)];
    const batch = collate(rows, { labels: true });
    const f = () => model.forward(batch, trainContext(new Rng(1))).loss!;
    await expectSameAsTfjs(f, [...model.store.trainable().values()]);
    disposeBatch(batch);
    model.store.dispose();
  });

  it('tensors with many consumers, an op fed the same tensor twice, broadcasting and pass-through gradients', async () => {
    const a = variable([3, 4], 1);
    const b = variable([4], 2);
    const c = variable([4, 2], 3);
    const f = () => {
      const h = tf.add(a, b); // broadcast: b's gradient is a sum
      const sq = tf.mul(h, h); // one tensor, both operands
      const twice = tf.add(h, h); // identical pass-through gradients for both inputs
      const r = tf.reshape(tf.sub(sq, twice), [4, 3]); // shape-only saves
      const m = tf.matMul(tf.transpose(r), tf.div(c, tf.add(tf.abs(c), 1))); // c used twice
      return tf.sum(
        tf.mul(
          tf.add(m, tf.mean(h)),
          tf.slice(
            tf.pad(m, [
              [1, 0],
              [0, 0],
            ]),
            [0, 0],
            [3, 2],
          ),
        ),
      );
    };
    await expectSameAsTfjs(f, [a, b, c]);
    tf.dispose([a, b, c]);
  });

  it('operands that are constants: the saves only the variables’ gradients need', async () => {
    const w = variable([5, 3], 4);
    const bias = variable([3], 15);
    const x = randn([2, 5], 5);
    const k = randn([2, 3], 6);
    const f = () => {
      const y = tf.matMul(x, w); // x is constant: only w's gradient, which reads x
      const z = tf.div(tf.mul(y, k), tf.add(tf.abs(k), 2)); // k constant: y's gradients read k only
      const p = tf.matMul(tf.expandDims(z, 0), tf.expandDims(tf.transpose(w), 0)); // both operands depend on w
      const q = tf.fused.matMul({ a: x, b: w, bias }); // a linear layer: saves its output, reads its shape
      return tf.add(tf.sum(tf.mul(tf.squeeze(p), x)), tf.sum(tf.square(q)));
    };
    await expectSameAsTfjs(f, [w, bias]);
    tf.dispose([w, bias, x, k]);
  });

  it('custom gradients: fused LayerNorm and GELU, and a gradient that returns its saved tensor or dy itself', async () => {
    const x = variable([2, 3, 6], 7);
    const g = variable([6], 8);
    const bias = variable([6], 9);
    const passSaved = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [u, v] = args as tf.Tensor[];
      (args[2] as tf.GradSaveFunc)([v]);
      return { value: tf.mul(u, v), gradFunc: (dy: tf.Tensor, [v0]: tf.Tensor[]) => [tf.mul(dy, v0), v0] };
    });
    const passDy = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const u = args[0] as tf.Tensor;
      return { value: tf.mul(u, 2), gradFunc: (dy: tf.Tensor) => dy };
    });
    const f = () => {
      const h = fusedGelu(fusedLayerNorm(x, g, bias, 1e-12));
      return tf.sum(tf.mul(passSaved(passDy(h), tf.add(g, 1)), h));
    };
    await expectSameAsTfjs(f, [x, g, bias]);
    tf.dispose([x, g, bias]);
  });

  it('unused and non-trainable variables: absent and null, as tf.variableGrads has them', async () => {
    const used = variable([3], 10);
    const unused = variable([3], 11);
    const frozen = tf.variable(randn([3], 12), false);
    const f = () => tf.sum(tf.mul(used, frozen));
    const run = await expectSameAsTfjs(f, [used, unused, frozen]);
    expect(run.grads[unused.name]).toBeUndefined();
    expect(run.grads[frozen.name]).toBeNull();
    tf.dispose([used, unused, frozen]);
  });

  it('int inputs: gathers, casts and comparisons of int32 tensors get no gradient', async () => {
    const table = variable([6, 4], 13);
    const ids = tf.tensor1d([0, 5, 2, 2], 'int32');
    const f = () => {
      const rows = tf.gather(table, ids);
      const weight = tf.cast(tf.greater(ids, 1), 'float32');
      return tf.sum(tf.mul(rows, tf.expandDims(tf.add(weight, tf.cast(ids, 'float32')), 1)));
    };
    await expectSameAsTfjs(f, [table]);
    tf.dispose([table, ids]);
  });

  it('without a variable list, every registered trainable variable (as tf.variableGrads)', async () => {
    const v = variable([2, 2], 14);
    const f = () => tf.sum(tf.square(v)) as tf.Scalar;
    const want = tf.variableGrads(f);
    const got = leanVariableGrads(f);
    expect(Object.keys(got.grads).sort()).toEqual(Object.keys(want.grads).sort());
    expect(maxAbsDiff(await got.grads[v.name].data(), await want.grads[v.name].data())).toBe(0);
    tf.dispose([v, want.value, got.value, ...Object.values(want.grads), ...Object.values(got.grads)]);
  });
});
