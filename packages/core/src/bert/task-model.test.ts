import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { memoryFileSystem, type FileSystem } from '../io/fs';
import { fromJsonTensor } from '../tensor-json';
import { describeEachBackend } from '../testing/backends';
import { fixturePath, maxAbsDiff } from '../testing/fixtures';
import { parseBertConfig } from './config';
import { loadBertModel } from './load';
import { loadBertTaskModel, saveBertTaskModel } from './task-load';
import { BertTaskModel, type BertTaskInputs } from './task-model';

// Made by tools/hf-heads-fixtures/make_fixtures.py (PyTorch, float64); they live in the testkit package.
const HF_HEADS = fixturePath('..', '..', 'testkit', 'fixtures', 'hf-heads');
const read = (head: string, file: string) => readFileSync(`${HF_HEADS}/${head}/${file}`);
const json = (head: string, file: string) => JSON.parse(read(head, file).toString('utf8'));

/** A fixture folder as a memory file system, config.json optionally edited. */
function headFs(head: string, edit?: (config: any) => void): FileSystem {
  const config = json(head, 'config.json');
  edit?.(config);
  return memoryFileSystem({
    [`${head}/config.json`]: JSON.stringify(config),
    [`${head}/model.safetensors`]: read(head, 'model.safetensors'),
  });
}

const INPUT_KEYS: Record<string, keyof BertTaskInputs> = {
  input_ids: 'inputIds',
  token_type_ids: 'tokenTypeIds',
  attention_mask: 'attentionMask',
  labels: 'labels',
  start_positions: 'startPositions',
  end_positions: 'endPositions',
};

function fixtureInputs(head: string): BertTaskInputs {
  const raw = json(head, 'inputs.json');
  const out: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(raw)) out[INPUT_KEYS[k]] = fromJsonTensor(v, k);
  return out as unknown as BertTaskInputs;
}

const OUTPUT_KEYS = { logits: 'logits', start_logits: 'startLogits', end_logits: 'endLogits' } as const;

describeEachBackend('HF task-head architectures vs the PyTorch fixtures', () => {
  it.each(['token-classification', 'question-answering', 'multiple-choice'])(
    '%s: logits, hidden states and loss within 1e-4',
    async (head) => {
      const { model, report } = await loadBertTaskModel(head, headFs(head), { strict: true });
      expect(model.head).toBe(head);
      expect(report).toEqual({ initialized: [], unexpected: [], ignored: [] });
      const out = model.forward(fixtureInputs(head));
      const expected = json(head, 'expected.json').outputs;
      const diffs: Record<string, number> = {
        last_hidden_state: maxAbsDiff(out.lastHiddenState.dataSync(), expected.last_hidden_state.data),
        loss: Math.abs(out.loss!.dataSync()[0] - expected.loss),
      };
      for (const [key, field] of Object.entries(OUTPUT_KEYS)) {
        if (!expected[key]) continue;
        expect(out[field]!.shape).toEqual(expected[key].shape);
        diffs[key] = maxAbsDiff(out[field]!.dataSync(), expected[key].data);
      }
      for (const [key, d] of Object.entries(diffs)) expect(d, key).toBeLessThan(1e-4);
      model.dispose();
    },
  );

  it('token classification and QA have no pooler, and a stray one is set aside', async () => {
    for (const head of ['token-classification', 'question-answering']) {
      const { model } = await loadBertTaskModel(head, headFs(head), { strict: true });
      expect(model.store.names().filter((n) => n.includes('pooler'))).toEqual([]);
      model.dispose();
    }
    // the multiple-choice checkpoint (with a pooler) read as a QA model: the pooler is ignored, not unexpected
    const { model, report } = await loadBertTaskModel('multiple-choice', headFs('multiple-choice'), {
      head: 'question-answering',
      strict: false,
    });
    expect(report).toEqual({
      initialized: ['qa_outputs.weight', 'qa_outputs.bias'],
      unexpected: ['classifier.weight', 'classifier.bias'],
      ignored: ['bert.pooler.dense.weight', 'bert.pooler.dense.bias'],
    });
    model.dispose();
  });

  it('multiple choice has one output whatever num_labels says', async () => {
    const { model } = await loadBertTaskModel('multiple-choice', headFs('multiple-choice'), { strict: true });
    expect(model.config.numLabels).toBe(3);
    expect(model.store.get('classifier.weight').shape).toEqual([1, 32]);
    const fresh = BertTaskModel.create(
      parseBertConfig({ ...json('multiple-choice', 'config.json'), num_labels: 7 }),
      'multiple-choice',
    );
    expect(fresh.store.get('classifier.bias').shape).toEqual([1]);
    const ids = tf.tensor3d(
      [
        [
          [2, 5, 3],
          [2, 6, 3],
          [2, 7, 3],
          [2, 8, 3],
          [2, 9, 3],
        ],
      ],
      [1, 5, 3],
      'int32',
    );
    expect(fresh.forward({ inputIds: ids }).logits!.shape).toEqual([1, 5]); // the choices come from the input
    model.dispose();
    fresh.dispose();
  });

  it('save → load round-trips the head, the architecture and the outputs', async () => {
    const { model } = await loadBertTaskModel('question-answering', headFs('question-answering'));
    const fs = memoryFileSystem();
    await saveBertTaskModel(model, 'out', fs);
    expect(JSON.parse(await fs.readText('out/config.json')).architectures).toEqual(['BertForQuestionAnswering']);
    const again = (await loadBertTaskModel('out', fs, { strict: true })).model;
    const inputs = fixtureInputs('question-answering');
    expect(
      maxAbsDiff(model.forward(inputs).startLogits!.dataSync(), again.forward(inputs).startLogits!.dataSync()),
    ).toBe(0);
    model.dispose();
    again.dispose();
  });

  it('loadBertModel reads a task checkpoint as its encoder instead of failing on the head', async () => {
    const { model, report } = await loadBertModel('multiple-choice', headFs('multiple-choice'));
    expect(model.definition.classifier).toBe(false);
    expect(report.unexpected).toEqual(['classifier.weight', 'classifier.bias']);
    model.dispose();
  });
});
