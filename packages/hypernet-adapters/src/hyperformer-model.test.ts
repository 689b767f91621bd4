import * as tf from '@tensorflow/tfjs-core';
import {
  BertModel,
  evalContext,
  memoryFileSystem,
  parseBertConfig,
  saveBertModel,
  type FileSystem,
  type MultiTaskBatch,
} from '@camtl/core';
import { describeEachBackend, expectNoLeak, expectRowByRow, maxAbsDiff } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import { createHyperformer, loadHyperformer, type HyperformerModel } from './hyperformer-model';

const BERT = {
  model_type: 'bert',
  vocab_size: 40,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 24,
  max_position_embeddings: 20,
  type_vocab_size: 2,
};
const TASKS = ['a', 'b', 'c'];
const NUM_LABELS = [2, 3, 1];

async function bertFolder(): Promise<{ fs: FileSystem; bert: BertModel }> {
  const bert = BertModel.create(parseBertConfig(BERT), { seed: 5 });
  const fs = memoryFileSystem();
  await saveBertModel(bert, 'bert', fs);
  return { fs, bert };
}

async function create(fs: FileSystem): Promise<HyperformerModel> {
  const adapter = { adapterSize: 4, taskEmbeddingDim: 8, taskHiddenDim: 12, projectedDim: 6 };
  const { model } = await createHyperformer({
    base: 'bert',
    fs,
    tasks: TASKS,
    numLabels: NUM_LABELS,
    adapter,
    seed: 2,
  });
  return model;
}

function batch(): MultiTaskBatch {
  const ids = [
    [2, 7, 9, 11, 3, 0],
    [2, 5, 3, 0, 0, 0],
    [2, 8, 12, 13, 14, 3],
    [2, 4, 6, 3, 0, 0],
  ];
  return {
    inputIds: tf.tensor2d(ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(
      ids.map((r) => r.map((x) => (x > 0 ? 1 : 0))),
      undefined,
      'int32',
    ),
    taskIds: tf.tensor1d([1, 0, 2, 1], 'int32'),
    labels: tf.tensor1d([2, 1, 0.5, 0]),
  };
}

describeEachBackend('Hyperformer++ on a frozen BERT', () => {
  it('loads every BERT tensor; trains only the hypernetwork, the LayerNorms and the heads', async () => {
    const { fs } = await bertFolder();
    const { model, report } = await createHyperformer({ base: 'bert', fs, tasks: TASKS, numLabels: NUM_LABELS });
    expect(report.initialized.every((n) => /^(adapter_hypernet|decoders)\./.test(n))).toBe(true);
    expect(report.unexpected).toEqual([]);
    const trainable = model.store.names().filter((n) => model.store.get(n).trainable);
    expect(trainable.filter((n) => n.startsWith('bert.')).every((n) => n.includes('LayerNorm.'))).toBe(true);
    expect(trainable).toContain('bert.embeddings.LayerNorm.weight');
    expect(trainable).toContain('adapter_hypernet.task_embeddings.weight');
    expect(model.store.get('bert.pooler.dense.weight').trainable).toBe(false);
    expect(model.taskParameters).toEqual(
      TASKS.map((_, t) => [`decoders.${t}.model.weight`, `decoders.${t}.model.bias`]),
    );
    // Defaults of hyperformer++.json: m = ⌊16 / 32⌋ → 1, d_e 64.
    expect(model.store.get('adapter_hypernet.task_embeddings.weight').shape).toEqual([3, 64]);
    model.dispose();
  });

  it('the adapters sit in every layer: with the generated LayerNorm at 0 it is exactly BERT, otherwise not', async () => {
    const { fs, bert } = await bertFolder();
    const model = await create(fs);
    const x = batch();
    const plain = bert.forward(x, evalContext());
    const adapted = model.forward(x);
    expect(maxAbsDiff(adapted.sequenceOutput.dataSync(), plain.lastHiddenState.dataSync())).toBeGreaterThan(1e-4);
    for (const [name, v] of model.store.vars) if (name.includes('post_layernorm_hypernet')) v.assign(tf.zerosLike(v));
    const identity = model.forward(x);
    expect(maxAbsDiff(identity.sequenceOutput.dataSync(), plain.lastHiddenState.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(identity.pooledOutput.dataSync(), plain.pooledOutput!.dataSync())).toBeLessThan(1e-5);
    model.dispose();
  });

  it('a mixed-task batch equals each example alone; gradients reach the hypernetwork; no leaks', async () => {
    const { fs } = await bertFolder();
    const model = await create(fs);
    const x = batch();
    expectRowByRow(
      4,
      (pick) =>
        model.forward({
          inputIds: pick(x.inputIds),
          attentionMask: pick(x.attentionMask!),
          taskIds: pick(x.taskIds),
        }).logits,
    );
    const vars = [...model.store.trainable().values()];
    const { value, grads } = tf.variableGrads(() => model.forward(x).loss!, vars);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const g = grads[model.store.get('adapter_hypernet.down_sampler_hyper_net.weight_generator.0.weight').name];
    expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    expect(grads[model.store.get('bert.encoder.layer.0.attention.self.query.weight').name]).toBeUndefined();
    tf.dispose([value, ...Object.values(grads)]);
    expectNoLeak(() => {
      const r = tf.variableGrads(() => model.forward(x).loss!, vars);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    });
    model.dispose();
  });

  it('save and load: config.json says "hyperformer"; same logits, same frozen parts', async () => {
    const { fs } = await bertFolder();
    const model = await create(fs);
    await model.save('out', fs);
    const config = JSON.parse(await fs.readText('out/config.json'));
    expect(config.camtl_model).toBe('hyperformer');
    expect(config.num_labels_per_task).toEqual(NUM_LABELS);
    expect(config.hyperformer.adapterSize).toBe(4);
    const { model: loaded } = await loadHyperformer('out', fs);
    const x = batch();
    expect(maxAbsDiff(loaded.forward(x).logits.dataSync(), model.forward(x).logits.dataSync())).toBe(0);
    expect(loaded.summary()).toEqual(model.summary());
    model.dispose();
    loaded.dispose();
  });
});
