import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { describeEachBackend } from '../testing/backends';
import { parseBertConfig } from './config';
import { loadBertTaskModel, saveBertTaskModel } from './task-load';
import { BertTaskModel } from './task-model';
import { multipleChoiceLoss, questionAnsweringLoss, tokenClassificationLoss } from './task-heads';

const LN2 = Math.log(2);
const value = (t: tf.Tensor) => t.dataSync()[0];

const tinyConfig = (extra: Record<string, unknown> = {}) =>
  parseBertConfig({
    vocab_size: 20,
    hidden_size: 8,
    num_hidden_layers: 1,
    num_attention_heads: 2,
    intermediate_size: 8,
    ...extra,
  });

describeEachBackend('HF task-head losses', () => {
  it('token classification: the mean CE over labels ≠ −100 (int32 or float labels)', () => {
    // row 0: uniform over 2 classes (ln 2); row 1: class 1 has logit ln 3 → CE of class 0 = ln 4
    const logits = tf.tensor3d(
      [
        [
          [0, 0],
          [0, Math.log(3)],
          [5, -5],
        ],
      ],
      [1, 3, 2],
    );
    for (const dtype of ['int32', 'float32'] as const) {
      const labels = tf.tensor2d([[1, 0, -100]], [1, 3], dtype);
      expect(value(tokenClassificationLoss(logits, labels))).toBeCloseTo((LN2 + Math.log(4)) / 2, 6);
    }
    expect(Number.isNaN(value(tokenClassificationLoss(logits, tf.fill([1, 3], -100, 'int32'))))).toBe(true); // as torch
  });

  it('question answering: positions are clamped to [0, S] and S is ignored, per logit kind', () => {
    const start = tf.tensor2d([
      [0, 0, 0],
      [0, Math.log(2), 0],
    ]); // S = 3
    const end = tf.tensor2d([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // start: row 0 → class 0 by clamping −4 (ln 3), row 1 past S → ignored; end: both rows uniform (ln 3)
    const loss = questionAnsweringLoss(start, end, tf.tensor1d([-4, 9], 'int32'), tf.tensor1d([2, 1], 'int32'));
    expect(value(loss)).toBeCloseTo((Math.log(3) + Math.log(3)) / 2, 6);
    const exactlyS = questionAnsweringLoss(start, end, tf.tensor1d([0, 3], 'int32'), tf.tensor1d([2, 1], 'int32'));
    expect(value(exactlyS)).toBeCloseTo(value(loss), 6);
  });

  it('multiple choice: CE over the choices', () => {
    const logits = tf.tensor2d([[0, Math.log(3)]]);
    expect(value(multipleChoiceLoss(logits, tf.tensor1d([1], 'int32')))).toBeCloseTo(Math.log(4 / 3), 6);
  });

  it('bad shapes are one-line errors naming the tensor', () => {
    const logits = tf.zeros([2, 4, 3]) as tf.Tensor3D;
    expect(() => tokenClassificationLoss(logits, tf.zeros([2, 3], 'int32'))).toThrow(
      /^token-classification labels: expected shape \[batch, seq\] = \[2,4\], got \[2,3\]$/,
    );
    const se = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => questionAnsweringLoss(se, se, tf.zeros([2, 1], 'int32'), tf.zeros([2], 'int32'))).toThrow(
      /start_positions: expected shape \[batch\] = \[2\], got \[2,1\]/,
    );
    expect(() => multipleChoiceLoss(se, tf.zeros([3], 'int32'))).toThrow(/multiple-choice labels: .* got \[3\]/);
  });

  it('models reject inputs of the wrong rank or shape', () => {
    const mc = BertTaskModel.create(tinyConfig(), 'multiple-choice');
    const ids2 = tf.tensor2d([[2, 5, 3]], [1, 3], 'int32');
    expect(() => mc.forward({ inputIds: ids2 })).toThrow(
      /BertForMultipleChoice: input_ids: expected shape \[batch, choices, seq\], got \[1,3\]/,
    );
    const ids3 = tf.tensor3d(
      [
        [
          [2, 5, 3],
          [2, 6, 3],
        ],
      ],
      [1, 2, 3],
      'int32',
    );
    expect(() => mc.forward({ inputIds: ids3, attentionMask: ids2 })).toThrow(
      /BertForMultipleChoice: attention_mask \[1,3\] differs from input_ids \[1,2,3\]/,
    );
    const qa = BertTaskModel.create(tinyConfig(), 'question-answering');
    expect(() => qa.forward({ inputIds: ids3 })).toThrow(/BertForQuestionAnswering: input_ids must be \[batch, seq\]/);
    expect(() => qa.forward({ inputIds: ids2, startPositions: tf.tensor1d([1], 'int32') })).toThrow(
      /start_positions given without end_positions/,
    );
    mc.dispose();
    qa.dispose();
  });

  it('a folder whose architectures names no task head is refused, naming the file', async () => {
    const fs = memoryFileSystem();
    const model = BertTaskModel.create(tinyConfig({ num_labels: 4 }), 'token-classification');
    await saveBertTaskModel(model, 'm', fs);
    const cfg = JSON.parse(await fs.readText('m/config.json'));
    expect(cfg.architectures).toEqual(['BertForTokenClassification']);
    await fs.writeFileAtomic(
      'm/config.json',
      JSON.stringify({ ...cfg, architectures: ['BertForSequenceClassification'] }),
    );
    await expect(loadBertTaskModel('m', fs)).rejects.toThrow(
      /^m\/config\.json: "architectures" \["BertForSequenceClassification"\] names none of BertForTokenClassification/,
    );
    model.dispose();
  });
});
