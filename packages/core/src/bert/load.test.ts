import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { describeEachBackend } from '../testing/backends';
import { fixturePath, maxAbsDiff } from '../testing/fixtures';
import { fixtureFs } from '../testing/load';
import { describeCreated, loadBertModel, saveBertModel } from './load';

const ids = () => tf.tensor2d([[2, 17, 99, 3, 0]], [1, 5], 'int32');
const mask = () => tf.tensor2d([[1, 1, 1, 1, 0]], [1, 5], 'int32');

function bertModelOnlyFs() {
  return memoryFileSystem({
    'enc/config.json': readFileSync(fixturePath('bert-tiny', 'config.json')),
    'enc/model.safetensors': readFileSync(fixturePath('bert-tiny', 'bert_model_only.safetensors')),
  });
}

describeEachBackend('loading and saving BERT checkpoints', () => {
  it('a BertModel checkpoint (no "bert." prefix, no head) gives the same encoder outputs', async () => {
    const full = (await loadBertModel('bert-tiny', fixtureFs('bert-tiny', ['config.json', 'model.safetensors']))).model;
    const { model, report } = await loadBertModel('enc', bertModelOnlyFs());
    expect(model.definition.classifier).toBe(false);
    expect(report.initialized).toEqual([]);
    const a = full.forward({ inputIds: ids(), attentionMask: mask() });
    const b = model.forward({ inputIds: ids(), attentionMask: mask() });
    expect(maxAbsDiff(a.lastHiddenState.dataSync(), b.lastHiddenState.dataSync())).toBe(0);
    expect(b.logits).toBeUndefined();
    full.dispose();
    model.dispose();
  });

  it('a new classifier head is initialised and reported when not strict (training)', async () => {
    const { model, report } = await loadBertModel('enc', bertModelOnlyFs(), {
      classifier: true,
      numLabels: 5,
      seed: 1,
      strict: false,
    });
    expect(describeCreated(report)).toBe(
      'created 2 new parameter(s) not in the checkpoint: classifier.weight, classifier.bias',
    );
    expect(report.initialized).toEqual(['classifier.weight', 'classifier.bias']);
    expect(model.forward({ inputIds: ids() }).logits!.shape).toEqual([1, 5]);
    await expect(loadBertModel('enc', bertModelOnlyFs(), { classifier: true })).rejects.toThrow(
      /missing 2 tensor\(s\): classifier\.weight, classifier\.bias/,
    );
    model.dispose();
  });

  it('save → load round-trips every tensor and the config', async () => {
    const { model } = await loadBertModel('bert-tiny', fixtureFs('bert-tiny', ['config.json', 'model.safetensors']));
    const fs = memoryFileSystem();
    await saveBertModel(model, 'out', fs);
    const config = JSON.parse(await fs.readText('out/config.json'));
    expect(config.num_labels).toBe(3);
    expect(config.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1', 2: 'LABEL_2' });
    const again = (await loadBertModel('out', fs, { strict: true })).model;
    for (const name of model.store.names()) {
      expect(maxAbsDiff(model.store.get(name).dataSync(), again.store.get(name).dataSync()), name).toBe(0);
    }
    model.dispose();
    again.dispose();
  });

  it('a config that does not fit the weights names the tensor and both shapes', async () => {
    const cfg = JSON.parse(readFileSync(fixturePath('bert-tiny', 'config.json'), 'utf8'));
    cfg.intermediate_size = 96;
    const fs = memoryFileSystem({
      'bad/config.json': JSON.stringify(cfg),
      'bad/model.safetensors': readFileSync(fixturePath('bert-tiny', 'model.safetensors')),
    });
    await expect(loadBertModel('bad', fs)).rejects.toThrow(
      /intermediate\.dense\.weight: expected \[96,64\], got \[128,64\]/,
    );
  });

  it('a wrong config names the file and the field', async () => {
    const fs = memoryFileSystem({
      'bad/config.json': JSON.stringify({ vocab_size: 10, hidden_size: 30, num_attention_heads: 4 }),
      'bad/model.safetensors': readFileSync(fixturePath('bert-tiny', 'model.safetensors')),
    });
    await expect(loadBertModel('bad', fs)).rejects.toThrow(
      /bad\/config\.json: hidden_size: 30 is not a multiple of num_attention_heads 4/,
    );
  });
});
