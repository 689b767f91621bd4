import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { trainContext } from '../modules/context';
import { AdamW, GradientAccumulator } from '../optim';
import { Rng } from '../rng';
import { describeEachBackend } from '../testing/backends';
import { countReads } from '../testing/reads';
import { ToyModel, toyData } from '../testing/toy-multitask';
import { collate, disposeBatch } from './data';
import { gradientNames, trainStep, type StepContext } from './train-step';

function stepContext(model: ToyModel, accumulation: number): StepContext {
  const vars = model.store.trainable();
  return {
    model,
    train: [toyData(12, 1, 0), toyData(9, 2, 1)],
    vars,
    names: gradientNames(vars),
    optimizer: new AdamW(vars, { weightDecay: 0 }),
    accumulator: new GradientAccumulator(accumulation),
    rng: new Rng(0),
    padTo: 'longest',
    maxGradNorm: 1,
  };
}

describeEachBackend('trainStep', () => {
  const draws = [
    { task: 0, index: 3 },
    { task: 1, index: 2 },
    { task: 0, index: 7 },
  ];

  it('reads the device once per step: loss, per-task losses and the pre-clip norm together', async () => {
    const model = new ToyModel(3);
    const c = stepContext(model, 1);
    const rows = draws.map((d) => c.train[d.task][d.index]);
    const batch = collate(rows, { labels: true });
    const expected = tf.tidy(() => {
      const out = model.forward(batch, trainContext(new Rng(0))); // the same dropout masks as the step's
      return [out.loss!, out.perTaskLoss!].map((t) => Array.from(t.dataSync()));
    });
    disposeBatch(batch);
    const before = tf.memory().numTensors;
    const { value, reads } = await countReads(() => trainStep(c, draws, 1, 0));
    expect(reads).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
    expect(value.loss).toBeCloseTo(expected[0][0], 5);
    expect(value.perTaskLoss[0]).toBeCloseTo(expected[1][0], 5);
    expect(value.perTaskLoss[1]).toBeCloseTo(expected[1][1], 5);
    expect(value.gradNorm).toBeGreaterThan(0);
    c.optimizer.dispose();
    model.store.dispose();
  });

  it('with accumulation, only the step that completes a group updates (and reads a norm)', async () => {
    const model = new ToyModel(4);
    const c = stepContext(model, 2);
    const w0 = Array.from(await model.store.get('emb.weight').data());
    const first = await countReads(() => trainStep(c, draws, 1, 0.1));
    expect(first.reads).toBe(1);
    expect(first.value.gradNorm).toBeUndefined();
    expect(Array.from(await model.store.get('emb.weight').data())).toEqual(w0);
    const second = await trainStep(c, draws, 2, 0.1);
    expect(second.gradNorm).toBeGreaterThan(0);
    expect(Array.from(await model.store.get('emb.weight').data())).not.toEqual(w0);
    c.optimizer.dispose();
    c.accumulator.dispose();
    model.store.dispose();
  });

  it('a non-finite loss throws before any parameter moves', async () => {
    const model = new ToyModel(5);
    model.poison = true;
    const c = stepContext(model, 1);
    const w0 = Array.from(await model.store.get('heads.weight').data());
    await expect(trainStep(c, draws, 7, 0.1)).rejects.toThrow(/step 7: the loss is NaN/);
    expect(Array.from(await model.store.get('heads.weight').data())).toEqual(w0);
    c.optimizer.dispose();
    c.accumulator.dispose();
    model.store.dispose();
  });
});
