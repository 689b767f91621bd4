import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { Rng } from '../rng';
import { describeEachBackend } from '../testing/backends';
import { ToyModel, toyData } from '../testing/toy-multitask';
import { makeScorer } from './train-step';

describeEachBackend('makeScorer', () => {
  it('scores length-sorted chunks in candidate order, as one padded batch does', () => {
    const model = new ToyModel();
    const train = [toyData(12, 1, 0), toyData(9, 2, 1)];
    const draws = [
      ...train[0].map((_, index) => ({ task: 0, index })),
      ...train[1].map((_, index) => ({ task: 1, index })),
    ];
    expect(new Set(draws.map((d) => train[d.task][d.index].ids.length)).size).toBeGreaterThan(1);
    const read = (chunk: number) =>
      tf.tidy(() => {
        const s = makeScorer(model, train, 'longest', new Rng(0), chunk)(draws, { dropout: false });
        return [s.prediction, s.target!].map((t) => Array.from(t.dataSync()));
      });
    const before = tf.memory().numTensors;
    const [whole, chunked] = [read(Infinity), read(4)];
    expect(tf.memory().numTensors).toBe(before);
    chunked[0].forEach((v, i) => expect(v).toBeCloseTo(whole[0][i], 5));
    expect(chunked[1]).toEqual(whole[1]);
    expect(chunked[1]).toEqual(draws.map((d) => train[d.task][d.index].target));
    model.store.dispose();
  });
});
