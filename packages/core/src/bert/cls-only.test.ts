// The [CLS]-only last layer (ModuleContext.clsQueryOnly): what a model whose
// heads read the pooled output computes when its caller reads nothing else.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { evalContext } from '../modules/context';
import { describeEachBackend } from '../testing/backends';
import { maxAbsDiff } from '../testing/fixtures';
import { bertAttention, scaledDotProductAttention } from './attention';
import { parseBertConfig } from './config';
import { BertModel, layerContexts, type BertInputs, type BertModelOptions } from './model';

const CONFIG = parseBertConfig({
  vocab_size: 40,
  hidden_size: 24,
  num_hidden_layers: 3,
  num_attention_heads: 3,
  intermediate_size: 40,
  max_position_embeddings: 16,
  initializer_range: 0.3, // large weights, so the rows differ and a wrong row shows
  num_labels: 3,
});

/** Rows of the given lengths padded to the longest, with an attention mask unless `noMask`. */
function inputs(lengths: number[], noMask = false): BertInputs {
  const S = Math.max(...lengths);
  const grid = (f: (b: number, j: number) => number) =>
    tf.tensor2d(
      lengths.map((_, b) => [...Array(S)].map((_, j) => f(b, j))),
      undefined,
      'int32',
    );
  return {
    inputIds: grid((b, j) => (j < lengths[b] ? 1 + ((b * 11 + j * 7) % 39) : 0)),
    tokenTypeIds: grid((b, j) => (j < lengths[b] && j >= lengths[b] / 2 ? 1 : 0)),
    attentionMask: noMask ? undefined : grid((b, j) => (j < lengths[b] ? 1 : 0)),
  };
}

function compareWithFull(model: BertModel, x: BertInputs): void {
  const full = model.definition.forward(model.store.view(), x, evalContext());
  const cls = model.definition.forward(model.store.view(), x, evalContext(), { clsOnly: true });
  const [B, , H] = full.lastHiddenState.shape;
  expect(cls.lastHiddenState.shape).toEqual([B, 1, H]);
  const row0 = tf.slice(full.lastHiddenState, [0, 0, 0], [-1, 1, -1]);
  expect(maxAbsDiff(cls.lastHiddenState.dataSync(), row0.dataSync())).toBeLessThan(1e-5);
  expect(maxAbsDiff(cls.pooledOutput!.dataSync(), full.pooledOutput!.dataSync())).toBeLessThan(1e-5);
  expect(maxAbsDiff(cls.logits!.dataSync(), full.logits!.dataSync())).toBeLessThan(1e-5);
  // Not a constant model: the rows' logits differ.
  const [first, second] = full.logits!.arraySync() as number[][];
  expect(maxAbsDiff(first, second)).toBeGreaterThan(1e-3);
}

describeEachBackend('BERT with the last layer on its [CLS] row alone', () => {
  it('gives the full forward’s pooled output and logits, with and without padding', () => {
    const model = BertModel.create(CONFIG, { seed: 5 });
    tf.tidy(() => {
      compareWithFull(model, inputs([9, 4, 12, 6]));
      compareWithFull(model, inputs([7, 7, 7], true));
    });
    model.dispose();
  });

  it('keeps row 0 of an attention plug-in that ignores the option', () => {
    const plain: BertModelOptions['attention'] = (o) => {
      const base = bertAttention(o);
      return { ...base, kind: 'unaware', apply: (p, x, ctx) => base.apply(p, x, { ...ctx, clsQueryOnly: false }) };
    };
    const model = BertModel.create(CONFIG, { seed: 5, attention: plain });
    tf.tidy(() => compareWithFull(model, inputs([9, 4, 12, 6])));
    model.dispose();
  });

  it('one query row: the broadcast sums equal row 0 of the batched products, bias and mask included', () => {
    tf.tidy(() => {
      const [B, h, S, d] = [3, 2, 7, 4];
      const r = (shape: number[], seed: number): tf.Tensor4D =>
        tf.randomNormal<tf.Rank.R4>(shape as [number, number, number, number], 0, 1, 'float32', seed);
      const [q, k, v] = [r([B, h, S, d], 1), r([B, h, S, d], 2), r([B, h, S, d], 3)];
      const keep = [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
      const mask = tf.mul(tf.sub(1, tf.tensor(keep, [B, 1, 1, S])), -10000);
      const options = { scoreBias: r([B, 1, S, S], 4), mask, dropoutRate: 0.1 };
      const full = scaledDotProductAttention(q, k, v, options, evalContext());
      const one = scaledDotProductAttention(tf.slice(q, 0, [-1, -1, 1, -1]), k, v, options, evalContext());
      expect(one.shape).toEqual([B, h, 1, d]);
      expect(maxAbsDiff(one.dataSync(), tf.slice(full, 0, [-1, -1, 1, -1]).dataSync())).toBeLessThan(1e-5);
    });
  });
});

it('only the last layer computes its [CLS] row alone, whatever the caller’s context held', () => {
  const asked = evalContext({ clsQueryOnly: true });
  const off = layerContexts(asked, 3, false);
  expect([0, 1, 2].map((i) => off(i).clsQueryOnly)).toEqual([false, false, false]);
  const on = layerContexts(evalContext(), 3, true);
  expect([0, 1, 2].map((i) => on(i).clsQueryOnly)).toEqual([false, false, true]);
});
