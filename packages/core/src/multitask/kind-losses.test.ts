import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import {
  choiceRowEntropy,
  choiceRowLoss,
  sameExample,
  spanRowEntropy,
  spanRowLoss,
  tokenRowEntropy,
  tokenRowLoss,
} from './kind-losses';

/** log-softmax and normalised entropy of a plain array, in float64. */
function logSoftmax(x: number[]): number[] {
  const m = Math.max(...x);
  const z = Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
  return x.map((v) => v - z);
}
const entropy = (x: number[]) => -logSoftmax(x).reduce((a, l) => a + Math.exp(l) * l, 0) / (Math.log(x.length) + 1e-5);

const close = (got: Iterable<number>, want: number[]) => [...got].forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));

describeEachBackend('losses and MT-U uncertainties of the token, span and choice heads', () => {
  it('token rows: Σ CE over labelled tokens of the own classes, their count, the mean normalised entropy', async () => {
    // Row 0 has 3 classes of C_max 4 (the 4th is padding), row 1 all 4; row 1's last token is padding.
    const logits = [
      [
        [0.5, -1, 2, 9],
        [1, 1, 0, -9],
      ],
      [
        [0.2, 0.1, -0.3, 0.4],
        [3, 0, 0, 0],
      ],
    ];
    const labels = [
      [2, 0],
      [3, -100],
    ];
    const classMask = tf.tensor2d([
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
    const x = tf.tensor3d(logits);
    const loss = tokenRowLoss(x, tf.tensor2d(labels, undefined, 'int32'), classMask);
    const own = (b: number, s: number) => logits[b][s].slice(0, b === 0 ? 3 : 4);
    const ce = (b: number, s: number) => -logSoftmax(own(b, s))[labels[b][s]];
    close(await loss.sum.data(), [ce(0, 0) + ce(0, 1), ce(1, 0)]);
    close(await loss.weight.data(), [2, 1]);
    const h = tokenRowEntropy(
      x,
      classMask,
      tf.tensor2d(
        [
          [1, 1],
          [1, 0],
        ],
        undefined,
        'int32',
      ),
    );
    close(await h.data(), [(entropy(own(0, 0)) + entropy(own(0, 1))) / 2, entropy(own(1, 0))]);
  });

  it('span rows: (CE(start) + CE(end)) / 2 over every position; entropy over the real tokens only', async () => {
    const start = [
      [0.1, 2, -1, 0.5],
      [1, 0, 0, 3],
    ];
    const end = [
      [0, 0.3, 1.2, -2],
      [0.5, 0.5, 2, 0],
    ];
    const loss = spanRowLoss(
      tf.tensor2d(start),
      tf.tensor2d(end),
      tf.tensor1d([1, 3], 'int32'),
      tf.tensor1d([2, 0], 'int32'),
    );
    close(await loss.sum.data(), [
      -(logSoftmax(start[0])[1] + logSoftmax(end[0])[2]) / 2,
      -(logSoftmax(start[1])[3] + logSoftmax(end[1])[0]) / 2,
    ]);
    const mask = tf.tensor2d(
      [
        [1, 1, 1, 0],
        [1, 1, 1, 1],
      ],
      undefined,
      'int32',
    );
    const h = spanRowEntropy(tf.tensor2d(start), tf.tensor2d(end), mask);
    close(await h.data(), [
      (entropy(start[0].slice(0, 3)) + entropy(end[0].slice(0, 3))) / 2,
      (entropy(start[1]) + entropy(end[1])) / 2,
    ]);
  });

  it('choice rows: the example’s CE on its correct row only (weight 1 per example); its entropy on every row', async () => {
    const scores = [0.3, -1, 2, 0.5, 0.5];
    const examples = tf.tensor1d([0, 0, 0, 1, 1], 'int32');
    const correct = [0, 0, 1, 1, 0];
    const same = sameExample(examples);
    const loss = choiceRowLoss(tf.tensor1d(scores), tf.tensor1d(correct), same);
    close(await loss.sum.data(), [0, 0, -logSoftmax(scores.slice(0, 3))[2], -logSoftmax(scores.slice(3))[0], 0]);
    close(await loss.weight.data(), correct);
    const h = choiceRowEntropy(tf.tensor1d(scores), same);
    const [a, b] = [entropy(scores.slice(0, 3)), entropy(scores.slice(3))];
    close(await h.data(), [a, a, a, b, b]);
    expect((await h.data())[3]).toBeCloseTo(1, 4); // two equal scores: as uncertain as it gets
  });
});
