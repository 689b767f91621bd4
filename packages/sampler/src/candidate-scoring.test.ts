// The scoring MT-U does with the model itself: a forward pass over the
// candidates' rows, in length-sorted chunks, with the entropy of each row's
// own head derived from the logits (or given by the model).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, type EncodedExample, type MultiTaskModel } from '@camtl/core';
import { ToyModel, countReads, describeEachBackend, toyData } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import { modelScorer, scoringSource } from './candidate-scoring';
import { mtUncertainty } from './mt-uncertainty';
import { context } from './test-helpers';

const read = async (t: tf.Tensor) => Array.from(await t.data());

function setup(model: MultiTaskModel = new ToyModel()) {
  const train: EncodedExample[][] = [toyData(12, 1, 0), toyData(9, 2, 1)];
  const draws = train.flatMap((rows, task) => rows.map((_, index) => ({ task, index })));
  const ctx = { ...context([12, 9], 4, { kinds: ['classification', 'regression'] }), model, train };
  return { model, train, draws, source: scoringSource(ctx), ctx };
}

describeEachBackend('MT-U scoring with the model', () => {
  it('scores length-sorted chunks in candidate order, as one padded batch does', async () => {
    const { model, train, draws, source } = setup();
    expect(new Set(draws.map((d) => train[d.task][d.index].ids.length)).size).toBeGreaterThan(1);
    const score = async (chunk?: number) => {
      const s = modelScorer(source, new Rng(0), chunk)(draws, { dropout: false });
      const out = await Promise.all([s.normalizedEntropy, s.prediction, s.target!].map(read));
      tf.dispose([s.normalizedEntropy, s.prediction, s.target!]);
      return out;
    };
    const before = tf.memory().numTensors;
    const [whole, chunked, planned] = [await score(Infinity), await score(4), await score()];
    expect(tf.memory().numTensors).toBe(before);
    for (const other of [chunked, planned]) {
      for (const k of [0, 1]) other[k].forEach((v, i) => expect(v).toBeCloseTo(whole[k][i], 5));
      expect(other[2]).toEqual(whole[2]);
    }
    expect(whole[2]).toEqual(draws.map((d) => train[d.task][d.index].target));
    model.store.dispose();
  });

  it("derives each row's entropy from its own head, or takes the model's own", async () => {
    const { model, draws, source } = setup();
    const s = modelScorer(source, new Rng(0), Infinity)(draws, { dropout: false });
    const h = await read(s.normalizedEntropy);
    tf.dispose([s.normalizedEntropy, s.prediction, s.target!]);
    // The toy model's logits are 2 wide for both tasks; task 1 is a regression head (C = 1): entropy 0.
    draws.forEach((d, i) => (d.task === 1 ? expect(Math.abs(h[i])).toBe(0) : expect(h[i]).toBeGreaterThan(0.5)));
    const own: MultiTaskModel = {
      ...model,
      store: model.store,
      forward: (batch, ctx) => {
        const out = model.forward(batch, ctx);
        return { ...out, normalizedEntropy: tf.fill([batch.taskIds.shape[0]], 0.25) as tf.Tensor1D };
      },
    };
    const o = modelScorer(setup(own).source, new Rng(0), Infinity)(draws, { dropout: false });
    expect(new Set(await read(o.normalizedEntropy))).toEqual(new Set([0.25]));
    tf.dispose([o.normalizedEntropy, o.prediction, o.target!]);
    model.store.dispose();
  });

  it('selects with the model (one device read per step), in pool order, deterministically', async () => {
    const steps = async (model: MultiTaskModel, n: number) => {
      const sampler = mtUncertainty({ candidatesPerTask: 8 })(setup(model).ctx); // 16 candidates for 4 places
      const out: string[] = [];
      for (let step = 0; step < n; step++) {
        const { value, reads } = await countReads(() => sampler.next({ step, epoch: 1 }));
        expect(reads).toBe(1);
        expect(value.map((d) => d.task)).toEqual(value.map((d) => d.task).sort((a, b) => a - b));
        out.push(value.map((d) => `${d.task}:${d.index}`).join(' '));
      }
      return out;
    };
    const [a, b, c] = [new ToyModel(1), new ToyModel(1), new ToyModel(2)];
    const first = await steps(a, 4);
    expect(await steps(b, 4)).toEqual(first);
    // Another model scores the same candidates differently: the selection follows the model.
    expect(await steps(c, 4)).not.toEqual(first);
    [a, b, c].forEach((m) => m.store.dispose());
  });

  it('refuses a context without the model and its rows, saying what is missing', () => {
    expect(() => mtUncertainty()(context([4, 4], 2))).toThrowError(/needs `model` and `train`/);
  });
});
