import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { collate, disposeBatch, exampleFirstRows, exampleLength, lengthBuckets, type EncodedExample } from './data';

const row = (n: number, task: number, extra: Partial<EncodedExample> = {}): EncodedExample => ({
  ids: Array.from({ length: n }, (_, j) => 10 + j),
  typeIds: new Array(n).fill(0),
  task,
  target: Number.NaN,
  ...extra,
});
const choice = (n: number) => ({ ids: new Array(n).fill(7), typeIds: new Array(n).fill(1) });

describeEachBackend('collate of every task kind', () => {
  it('expands choices into adjacent rows and fills each kind’s targets (−100 / 0 elsewhere)', async () => {
    const rows = [
      row(3, 0, { target: 1 }),
      row(2, 1, { target: 1, choices: [choice(2), choice(5)] }),
      row(4, 2, { tokenTargets: [-100, 3, -100, 0] }),
      row(5, 3, { startPosition: 2, endPosition: 4 }),
    ];
    expect(exampleFirstRows(rows)).toEqual([0, 1, 3, 4]);
    expect(exampleLength(rows[1])).toBe(5);
    const b = collate(rows, { labels: true });
    expect(b.inputIds.shape).toEqual([5, 5]);
    expect(Array.from(await b.taskIds.data())).toEqual([0, 1, 1, 2, 3]);
    expect(Array.from(await b.exampleIds!.data())).toEqual([0, 1, 1, 2, 3]);
    expect(Array.from(await b.labels!.data())).toEqual([1, 0, 1, 0, 0]); // choice 1 of example 1 is correct
    expect(await b.attentionMask!.array()).toEqual([
      [1, 1, 1, 0, 0],
      [1, 1, 0, 0, 0],
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0],
      [1, 1, 1, 1, 1],
    ]);
    expect((await b.tokenLabels!.array())[3]).toEqual([-100, 3, -100, 0, -100]);
    expect((await b.tokenLabels!.array())[0]).toEqual([-100, -100, -100, -100, -100]);
    expect(Array.from(await b.startPositions!.data())).toEqual([0, 0, 0, 0, 2]);
    expect(Array.from(await b.endPositions!.data())).toEqual([0, 0, 0, 0, 4]);
    disposeBatch(b);
  });

  it('keeps a batch of sentence-level rows exactly as before: no kind tensors, one row per example', () => {
    const before = tf.memory().numTensors;
    const b = collate([row(3, 0, { target: 1 }), row(2, 1, { target: 0.5 })], { labels: true });
    expect(Object.keys(b).sort()).toEqual(['attentionMask', 'inputIds', 'labels', 'taskIds', 'tokenTypeIds']);
    disposeBatch(b);
    expect(tf.memory().numTensors).toBe(before);
    expect(lengthBuckets([row(2, 0), row(1, 1, { choices: [choice(1), choice(6)] }), row(4, 0)], 2)).toEqual([
      [0, 2],
      [1],
    ]);
  });
});
