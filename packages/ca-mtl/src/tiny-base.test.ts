import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { memoryFileSystem, normalizedEntropy } from '@camtl/core';
import { conditionalAttentionBias } from '@camtl/attention';
import {
  camtlFixturePath,
  describeEachBackend,
  maxAbsDiff,
  readCamtlFixtureJson,
  readCamtlTensors,
  worstViolation,
} from '@camtl/testkit';
import { expect, it } from 'vitest';
import { loadCaMtl, type CaMtlModel } from './ca-mtl-model';
import type { CaMtlInputs } from './ca-mtl-definition';

const expected = readCamtlFixtureJson('model', 'tiny-base', 'expected.json');

function fixtureFs() {
  const dir = camtlFixturePath('model', 'tiny-base');
  return memoryFileSystem({
    'tiny-base/config.json': readFileSync(`${dir}/config.json`),
    'tiny-base/model.safetensors': readFileSync(`${dir}/model.safetensors`),
  });
}

function inputs(): CaMtlInputs {
  const i = expected.inputs;
  const t2 = (j: { data: number[]; shape: number[] }) => tf.tensor2d(j.data, j.shape as [number, number], 'int32');
  return {
    inputIds: t2(i.input_ids),
    tokenTypeIds: t2(i.token_type_ids),
    attentionMask: t2(i.attention_mask),
    taskIds: tf.tensor1d(i.task_id.data, 'int32'),
    labels: tf.tensor1d(i.labels.data, 'float32'),
  };
}

async function load(): Promise<CaMtlModel> {
  const { model, report } = await loadCaMtl('tiny-base', fixtureFs());
  expect(report.initialized).toEqual([]);
  expect(report.unexpected).toEqual([]);
  return model;
}

describeEachBackend('CA-MTL-base vs the reference (tiny-base fixture)', () => {
  it('loads the reference checkpoint: 114 tensors under the reference names', async () => {
    const model = await load();
    expect(model.store.size).toBe(114);
    expect(model.config.tasks).toEqual(['mrpc', 'mnli', 'sts-b']);
    model.dispose();
  });

  it('loss, per-task logits, pooled output and normalised entropies', async () => {
    const model = await load();
    const x = inputs();
    const out = model.forward(x);
    const o = expected.outputs;
    expect(Math.abs(out.loss!.dataSync()[0] - o.loss)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.pooledOutput.dataSync(), o.pooled_output.data)).toBeLessThan(1e-4);
    const logits = out.logits.arraySync() as number[][];
    // MT-U derives the entropy from the logits and the head layout, as the reference's Decoder does.
    const entropy = normalizedEntropy(out.logits, x.taskIds, model.numLabelsPerTask).dataSync();
    const perTask = out.perTaskLoss!.dataSync();
    for (const task of Object.values<any>(o.per_task)) {
      const ours = task.rows.flatMap((r: number) => logits[r].slice(0, task.num_labels));
      expect(maxAbsDiff(ours, task.logits.data), `logits of task ${task.task_index}`).toBeLessThan(1e-4);
      expect(
        maxAbsDiff(
          task.rows.map((r: number) => entropy[r]),
          task.normalized_entropy.data,
        ),
      ).toBeLessThan(1e-4);
      expect(Math.abs(perTask[task.task_index] - task.loss)).toBeLessThan(1e-4);
    }
    model.dispose();
  });

  it('intermediates: embeddings, alignment, z′, the attention bias of every layer, hidden states', async () => {
    const model = await load();
    const ref = await readCamtlTensors('model', 'tiny-base', 'intermediates.safetensors');
    const out = model.forward(inputs(), undefined, true);
    const got = out.intermediates!;
    for (const name of [
      'embeddings_output',
      'after_conditional_alignment',
      'task_embedding_transformed',
      'hidden_states.1',
      'hidden_states.2',
      'hidden_states.3',
      'sequence_output',
      'pooled_output',
    ]) {
      expect(maxAbsDiff(got[name].dataSync(), ref.get(name)!.data), name).toBeLessThan(1e-4);
    }
    const zPrime = got.task_embedding_transformed as tf.Tensor2D;
    for (let k = 0; k < 4; k++) {
      const prefix = k === 3 ? `bert.encoder.layer.3.new_attention.self` : `bert.encoder.layer.${k}.attention.self`;
      const M = conditionalAttentionBias(model.store.view(prefix), zPrime, 32, {
        hiddenSize: 64,
        numHeads: 4,
        maxSeqLength: 32,
      });
      expect(maxAbsDiff(M.dataSync(), ref.get(`attention_bias_M.layer${k}`)!.data), `M layer ${k}`).toBeLessThan(1e-4);
    }
    model.dispose();
  });

  it('gradients of every parameter within 1e-4 + 1e-3·|ref|', async () => {
    const model = await load();
    const ref = await readCamtlTensors('model', 'tiny-base', 'grads.safetensors');
    const x = inputs();
    const vars = [...model.store.vars];
    const { grads } = tf.variableGrads(
      () => model.forward(x).loss!,
      vars.map(([, v]) => v),
    );
    expect(ref.size).toBe(114);
    for (const [name, v] of vars) {
      expect(worstViolation(grads[v.name].dataSync(), ref.get(name)!.data, 1e-4, 1e-3), name).toBeLessThanOrEqual(0);
    }
    for (const [name, g] of Object.entries<{ data: number[] }>(expected.grads)) {
      expect(
        worstViolation(grads[model.store.get(name).name].dataSync(), g.data, 1e-4, 1e-3),
        name,
      ).toBeLessThanOrEqual(0);
    }
    model.dispose();
  });
});
