import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { maxAbsDiff, readFixtureJson, worstViolation } from '../testing/fixtures';
import { fixtureFs, readReferenceTensors } from '../testing/load';
import { Rng } from '../rng';
import { trainContext } from '../modules/context';
import { parseBertConfig } from './config';
import { loadBertModel } from './load';
import { BertModel, type BertInputs } from './model';

const expected = readFixtureJson('bert-tiny', 'expected.json');
const fixtureCase = expected.cases[0];

function caseInputs(withLabels = true): BertInputs {
  const t = (j: { data: number[]; shape: number[] }) => tf.tensor2d(j.data, j.shape as [number, number], 'int32');
  const i = fixtureCase.inputs;
  return {
    inputIds: t(i.input_ids),
    tokenTypeIds: t(i.token_type_ids),
    attentionMask: t(i.attention_mask),
    labels: withLabels ? tf.tensor1d(i.labels.data, 'int32') : undefined,
  };
}

async function loadFixtureModel(): Promise<BertModel> {
  const fs = fixtureFs('bert-tiny', ['config.json', 'model.safetensors']);
  const { model, report } = await loadBertModel('bert-tiny', fs, { strict: true });
  expect(report.initialized).toEqual([]);
  return model;
}

describeEachBackend('BERT vs the PyTorch fixture', () => {
  it('forward: hidden states, pooled output, logits and loss within 1e-4', async () => {
    const model = await loadFixtureModel();
    const out = model.forward(caseInputs());
    const o = fixtureCase.outputs;
    expect(maxAbsDiff(out.lastHiddenState.dataSync(), o.last_hidden_state.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.pooledOutput!.dataSync(), o.pooler_output.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.logits!.dataSync(), o.logits.data)).toBeLessThan(1e-4);
    expect(Math.abs(out.loss!.dataSync()[0] - o.loss)).toBeLessThan(1e-4);
    model.dispose();
  });

  it('backward: the gradient of every parameter within 1e-4 + 1e-3·|ref|', async () => {
    const model = await loadFixtureModel();
    const ref = await readReferenceTensors('bert-tiny', 'grads_padded_batch.safetensors');
    const inputs = caseInputs();
    const vars = [...model.store.vars];
    const { grads } = tf.variableGrads(
      () => model.forward(inputs).loss!,
      vars.map(([, v]) => v),
    );
    expect(ref.size).toBe(41);
    for (const [name, v] of vars) {
      const worst = worstViolation(grads[v.name].dataSync(), ref.get(name)!.data, 1e-4, 1e-3);
      expect(worst, name).toBeLessThanOrEqual(0);
    }
    // the selected gradients in expected.json agree with the file too
    for (const [name, g] of Object.entries<{ data: number[] }>(fixtureCase.grads)) {
      const v = model.store.get(name);
      expect(worstViolation(grads[v.name].dataSync(), g.data, 1e-4, 1e-3), name).toBeLessThanOrEqual(0);
    }
    model.dispose();
  });

  it('absent token types and mask default to zeros and ones, as in HF', async () => {
    const model = await loadFixtureModel();
    const ids = tf.tensor2d([[2, 10, 11, 3]], [1, 4], 'int32');
    const implicit = model.forward({ inputIds: ids });
    const explicit = model.forward({
      inputIds: ids,
      tokenTypeIds: tf.zeros([1, 4], 'int32'),
      attentionMask: tf.ones([1, 4], 'int32'),
    });
    expect(maxAbsDiff(implicit.logits!.dataSync(), explicit.logits!.dataSync())).toBe(0);
    model.dispose();
  });

  it('a sequence longer than max_position_embeddings names both lengths', async () => {
    const model = await loadFixtureModel();
    const ids = tf.zeros([1, 129], 'int32') as tf.Tensor2D;
    expect(() => model.forward({ inputIds: ids })).toThrow(/sequence length 129 .* max_position_embeddings 128/);
    model.dispose();
  });

  it('dropout is seeded and active only in training', async () => {
    const model = await loadFixtureModel();
    const inputs = caseInputs(false);
    const evalA = model.forward(inputs).logits!.dataSync();
    const trainA = model.forward(inputs, trainContext(new Rng(9))).logits!.dataSync();
    const trainB = model.forward(inputs, trainContext(new Rng(9))).logits!.dataSync();
    const trainC = model.forward(inputs, trainContext(new Rng(10))).logits!.dataSync();
    expect(maxAbsDiff(trainA, trainB)).toBe(0);
    expect(maxAbsDiff(trainA, trainC)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(trainA, evalA)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('tf.memory().numTensors stays flat across repeated forward/backward calls', async () => {
    const model = await loadFixtureModel();
    const inputs = caseInputs();
    const vars = [...model.store.trainable().values()];
    const step = () => {
      const { value, grads } = tf.variableGrads(() => model.forward(inputs, trainContext(new Rng(1))).loss!, vars);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        model.forward(inputs); // returning the outputs would keep them
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a fresh model follows HF initialisation and is deterministic in its seed', () => {
    const config = parseBertConfig(expected.config);
    const a = BertModel.create(config, { seed: 3 });
    const b = BertModel.create(config, { seed: 3 });
    const w = a.store.get('bert.encoder.layer.0.attention.self.query.weight').dataSync() as Float32Array;
    expect(maxAbsDiff(w, b.store.get('bert.encoder.layer.0.attention.self.query.weight').dataSync())).toBe(0);
    const std = Math.sqrt(w.reduce((s: number, x: number) => s + x * x, 0) / w.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.003);
    expect(
      Array.from(a.store.get('bert.encoder.layer.0.attention.self.query.bias').dataSync()).every((x) => x === 0),
    ).toBe(true);
    expect(a.store.size).toBe(41);
    // vocab·H + pos·H + type·H + 2H, 2 × layer, pooler H²+H, classifier 3H+3
    const H = 64;
    const layer = 4 * (H * H + H) + 2 * H + (128 * H + 128) + (H * 128 + H) + 2 * H;
    expect(a.summary().total).toBe((1000 + 128 + 2) * H + 2 * H + 2 * layer + H * H + H + 3 * H + 3);
    a.dispose();
    b.dispose();
  });
});
