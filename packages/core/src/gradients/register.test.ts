// After a fresh import of @camtl/core's entry, no gradient is registered (tfjs-core's
// bundles register none, and core registers nothing on import); the first call that
// differentiates registers camtl's, and only camtl's, and a BERT backward runs on them.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expect, it } from 'vitest';
import { BertModel, leanVariableGrads, ParamStore, parseBertConfig, Rng, trainContext, useBackend } from '../index';
import { CAMTL_GRADIENTS } from './index';

const cpuKernels = () => tf.getKernelsForBackend('cpu').map((k) => k.kernelName);

it('registers nothing on import; a ParamStore registers camtl’s gradients only; a BERT backward works on them', async () => {
  expect(cpuKernels().filter((k) => tf.getGradient(k) != null)).toEqual([]);
  new ParamStore(); // whatever holds trainable parameters registers them, before any backend call
  await useBackend('cpu'); // and useBackend (idempotent)
  for (const g of CAMTL_GRADIENTS) expect(tf.getGradient(g.kernelName)).toBe(g);
  const foreign = cpuKernels().filter(
    (k) => tf.getGradient(k) != null && !CAMTL_GRADIENTS.includes(tf.getGradient(k)!),
  );
  expect(foreign).toEqual([]);

  const config = { vocab_size: 50, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4 };
  const model = BertModel.create(parseBertConfig({ ...config, intermediate_size: 64, num_labels: 2 }), { seed: 1 });
  const inputIds = tf.tensor2d([1, 5, 9, 2, 0, 0, 1, 7, 3, 4, 8, 2], [2, 6], 'int32');
  const labels = tf.tensor1d([0, 1], 'int32');
  const loss = () => model.forward({ inputIds, labels }, trainContext(new Rng(2))).loss!;
  const vars = [...model.store.trainable().values()];
  const lean = leanVariableGrads(loss, vars);
  const stock = tf.variableGrads(loss, vars);
  expect(Object.keys(lean.grads).sort()).toEqual(vars.map((v) => v.name).sort());
  for (const [name, g] of Object.entries(lean.grads)) {
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    expect(g.dataSync()).toEqual(stock.grads[name].dataSync());
  }
  expect(tf.sum(tf.abs(lean.grads[vars[0].name])).dataSync()[0]).toBeGreaterThan(0);
  tf.dispose([lean.value, stock.value, ...Object.values(lean.grads), ...Object.values(stock.grads), inputIds, labels]);
  model.dispose();
});
