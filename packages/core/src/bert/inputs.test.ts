import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { camtlError } from '../io/test-helpers';
import { parseBertConfig } from './config';
import { BertModel } from './model';
import { BertTaskModel } from './task-model';

const config = parseBertConfig({ vocab_size: 20, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2 });
const ids = (b: number, s: number) => tf.zeros([b, s], 'int32') as tf.Tensor2D;

describe('BERT inputs of the wrong shape are one-line errors, not tfjs ones', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([
    ['input_ids [2, 0]', { inputIds: ids(2, 0) }, /BERT input_ids: expected .* got \[2, 0\]/],
    ['input_ids [0, 3]', { inputIds: ids(0, 3) }, /BERT input_ids: .* got \[0, 3\]/],
    ['input_ids of rank 1', { inputIds: tf.zeros([3], 'int32') }, /BERT input_ids: .* got \[3\]/],
    [
      'token_type_ids [2, 2]',
      { inputIds: ids(2, 3), tokenTypeIds: ids(2, 2) },
      /BERT token_type_ids: shape \[2, 2\] differs from input_ids \[2, 3\]/,
    ],
    [
      'attention_mask [1, 3]',
      { inputIds: ids(2, 3), attentionMask: ids(1, 3) },
      /BERT attention_mask: shape \[1, 3\] differs/,
    ],
  ])('%s', async (_, inputs, message) => {
    const model = BertModel.create(config);
    const e = await camtlError(() => model.forward(inputs as never));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
    model.dispose();
  });

  it('task heads check through the encoder', async () => {
    const model = BertTaskModel.create(config, 'token-classification');
    expect((await camtlError(() => model.forward({ inputIds: ids(1, 0) }))).message).toMatch(/input_ids/);
    model.dispose();
  });
});
