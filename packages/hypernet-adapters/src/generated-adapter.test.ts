import * as tf from '@tensorflow/tfjs-core';
import {
  BertDefinition,
  BertModel,
  Rng,
  evalContext,
  getActivation,
  instantiate,
  layerNormWith,
  parseBertConfig,
  type ParamStore,
} from '@camtl/core';
import { expect, it } from 'vitest';
import {
  describeEachBackend,
  expectNoLeak,
  expectRowByRow,
  maxAbsDiff,
  randn,
  randomStore,
  row,
} from '@camtl/core/testing';
import { applyGeneratedAdapter, generatedAdapter, type GeneratedAdapterOptions } from './generated-adapter';
import { ADAPTER_POSITION, generateAdapterWeights, hypernetSpecs } from './hypernet';

const d = 16;
const options: GeneratedAdapterOptions = { hiddenSize: d, numLayers: 3, numTasks: 3, reductionFactor: 4 };
const B = 4;
const ids = () => tf.tensor1d([0, 2, 1, 0], 'int32');

/** The adapter of one example, written out from the parameters (no batching, no gathers). */
function manualAdapter(
  store: ParamStore,
  prefix: string,
  y: tf.Tensor2D,
  task: number,
  layer: number,
  position: number,
): tf.Tensor {
  const P = (n: string) => store.get(`${prefix}.${n}`);
  const lin = (n: string, x: tf.Tensor) => tf.add(tf.matMul(x, P(`${n}.weight`), false, true), P(`${n}.bias`));
  const emb = (n: string, i: number) => tf.slice(P(n), [i, 0], [1, -1]);
  const s = tf.concat(
    [
      emb('task_embeddings.weight', task),
      emb('layer_id_embeddings.weight', layer),
      emb('adapters_block_type.weight', position),
    ],
    1,
  );
  const h = lin('task_hypernet.task_embeding_generator.2', tf.relu(lin('task_hypernet.task_embeding_generator.0', s)));
  const I = layerNormWith(h, P('LayerNorm.weight'), P('LayerNorm.bias'), 1e-6);
  const m = d / 4;
  const D = tf.reshape(lin('down_sampler_hyper_net.weight_generator.0', I), [m, d]);
  const U = tf.reshape(lin('up_sampler_hyper_net.weight_generator.0', I), [d, m]);
  const down = tf.add(tf.matMul(y, D, false, true), lin('down_sampler_hyper_net.bias_generator.0', I));
  const up = tf.add(
    tf.matMul(getActivation('gelu_new')(down) as tf.Tensor2D, U, false, true),
    lin('up_sampler_hyper_net.bias_generator.0', I),
  );
  const a = layerNormWith(
    up,
    lin('post_layernorm_hypernet.weight_generator', I),
    lin('post_layernorm_hypernet.bias_generator', I),
    1e-5,
  );
  return tf.add(y, a);
}

describeEachBackend('generated adapter (Hyperformer++)', () => {
  it('specs: the controller names and shapes; m = d / r', () => {
    const shapes = Object.fromEntries(hypernetSpecs(options).map((s) => [s.name, s.shape]));
    expect(shapes).toEqual({
      'task_embeddings.weight': [3, 64],
      'layer_id_embeddings.weight': [3, 64],
      'adapters_block_type.weight': [2, 64],
      'task_hypernet.task_embeding_generator.0.weight': [128, 192],
      'task_hypernet.task_embeding_generator.0.bias': [128],
      'task_hypernet.task_embeding_generator.2.weight': [64, 128],
      'task_hypernet.task_embeding_generator.2.bias': [64],
      'LayerNorm.weight': [64],
      'LayerNorm.bias': [64],
      'down_sampler_hyper_net.weight_generator.0.weight': [4 * d, 64],
      'down_sampler_hyper_net.weight_generator.0.bias': [4 * d],
      'down_sampler_hyper_net.bias_generator.0.weight': [4, 64],
      'down_sampler_hyper_net.bias_generator.0.bias': [4],
      'up_sampler_hyper_net.weight_generator.0.weight': [d * 4, 64],
      'up_sampler_hyper_net.weight_generator.0.bias': [d * 4],
      'up_sampler_hyper_net.bias_generator.0.weight': [d, 64],
      'up_sampler_hyper_net.bias_generator.0.bias': [d],
      'post_layernorm_hypernet.weight_generator.weight': [d, 64],
      'post_layernorm_hypernet.weight_generator.bias': [d],
      'post_layernorm_hypernet.bias_generator.weight': [d, 64],
      'post_layernorm_hypernet.bias_generator.bias': [d],
    });
    const gen = generatedAdapter(options);
    expect(gen.options.adapterSize).toBe(4);
    expect(generatedAdapter({ ...options, reductionFactor: 32 }).options.adapterSize).toBe(1);
    expect(gen.modelSpecs()[0].name).toBe('adapter_hypernet.task_embeddings.weight');
    const init = Object.fromEntries(gen.specs().map((s) => [s.name, s.init]));
    expect(init['task_embeddings.weight']).toMatchObject({ kind: 'normal', std: 1 });
    expect(init['up_sampler_hyper_net.weight_generator.0.weight']).toMatchObject({ kind: 'normal', std: 0.01 });
    expect(init['up_sampler_hyper_net.weight_generator.0.bias']).toMatchObject({ kind: 'zeros' });
  });

  it('generates [T, …] weights for every task at once', () => {
    const store = instantiate(hypernetSpecs(options), new Rng(1));
    const w = generateAdapterWeights(store.view(), 2, ADAPTER_POSITION.attention, options);
    expect([
      w.downWeight.shape,
      w.downBias.shape,
      w.upWeight.shape,
      w.upBias.shape,
      w.normWeight!.shape,
      w.normBias!.shape,
    ]).toEqual([
      [3, 4, d],
      [3, 4],
      [3, d, 4],
      [3, d],
      [3, d],
      [3, d],
    ]);
    store.dispose();
  });

  it('matches the adapter written out per example, and a mixed batch equals each example alone', () => {
    const gen = generatedAdapter(options);
    const store = randomStore(gen.modelSpecs(), 2);
    const y = randn([B, 5, d], 3) as tf.Tensor3D;
    const t = ids();
    for (const [layer, position] of [
      [0, 0],
      [2, 1],
    ]) {
      const adapter = gen.adapter(layer, position as 0 | 1);
      const out = adapter.apply(store.view('bert.encoder.layer.0.output.adapter'), y, evalContext({ taskIds: t }));
      [0, 2, 1, 0].forEach((task, b) => {
        const manual = manualAdapter(
          store,
          'adapter_hypernet',
          tf.squeeze(row(y, b), [0]) as tf.Tensor2D,
          task,
          layer,
          position,
        );
        expect(maxAbsDiff(tf.squeeze(row(out, b), [0]).dataSync(), manual.dataSync()), `row ${b}`).toBeLessThan(1e-4);
      });
      expectRowByRow(B, (pick) => adapter.apply(store.view(), pick(y), evalContext({ taskIds: pick(t) })));
    }
    store.dispose();
  });

  it('starts close to the identity: small generated weights give y + A(y) ≈ y', () => {
    const gen = generatedAdapter(options);
    const store = instantiate(gen.modelSpecs(), new Rng(4));
    const y = randn([B, 5, d], 3) as tf.Tensor3D;
    const { attentionAdapter, outputAdapter } = gen.adapters(1);
    for (const adapter of [attentionAdapter, outputAdapter]) {
      // The generated LN scale and shift have std ≈ 0.01·√d_p = 0.08 (I is layer-normalised,
      // d_p = 64), so |A(y)| ≈ 0.1 per entry whatever y is: small next to |y| ≈ 0.8.
      const a = tf.sub(adapter.apply(store.view(), y, evalContext({ taskIds: ids() })), y);
      const ratio = tf.div(tf.mean(tf.abs(a)), tf.mean(tf.abs(y))).dataSync()[0];
      expect(ratio).toBeLessThan(0.2);
    }
    for (const n of ['weight_generator.weight', 'bias_generator.weight']) {
      const v = store.get(`adapter_hypernet.post_layernorm_hypernet.${n}`);
      v.assign(tf.zerosLike(v));
    }
    expect(
      maxAbsDiff(outputAdapter.apply(store.view(), y, evalContext({ taskIds: ids() })).dataSync(), y.dataSync()),
    ).toBe(0);
    store.dispose();
  });

  it('needs ctx.taskIds of the batch size, and refuses a layer outside numLayers', () => {
    const gen = generatedAdapter(options);
    const store = instantiate(gen.modelSpecs(), new Rng(4));
    const y = randn([2, 3, d], 3) as tf.Tensor3D;
    const a = gen.adapter(0, 0);
    expect(() => a.apply(store.view(), y, evalContext())).toThrowError(/ctx\.taskIds/);
    expect(() => a.apply(store.view(), y, evalContext({ taskIds: tf.tensor1d([0, 1, 2], 'int32') }))).toThrowError(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
    expect(() => gen.adapters(3)).toThrowError(expect.objectContaining({ code: 'BAD_CONFIG' }));
    expect(() => generatedAdapter({ ...options, activation: 'nope' })).toThrowError(
      expect.objectContaining({ code: 'BAD_CONFIG' }),
    );
    store.dispose();
  });

  it('inside a core BertModel: per-example rows, gradients reach the hypernetwork, no leaks', () => {
    const config = parseBertConfig({
      vocab_size: 30,
      hidden_size: d,
      num_hidden_layers: 3,
      num_attention_heads: 2,
      intermediate_size: 32,
      max_position_embeddings: 16,
      num_labels: 2,
    });
    const gen = generatedAdapter(options);
    const definition = new BertDefinition(config, { adapters: (i) => gen.adapters(i) });
    // Core allocates only definition.specs(); the shared hypernetwork is added here.
    const store = instantiate([...definition.specs(), ...gen.modelSpecs()], new Rng(5));
    const model = new BertModel(definition, store);
    const inputIds = tf.tensor2d(
      [
        [2, 5, 6, 3],
        [2, 7, 3, 0],
        [2, 9, 9, 3],
        [2, 4, 8, 3],
      ],
      [B, 4],
      'int32',
    );
    const t = ids();
    expectRowByRow(
      B,
      (pick) => model.forward({ inputIds: pick(inputIds) }, evalContext({ taskIds: pick(t) })).lastHiddenState,
    );

    const plain = new BertModel(new BertDefinition(config), store);
    const diff = maxAbsDiff(
      model.forward({ inputIds }, evalContext({ taskIds: t })).lastHiddenState.dataSync(),
      plain.forward({ inputIds }).lastHiddenState.dataSync(),
    );
    expect(diff).toBeGreaterThan(0); // the adapters are really in the layers

    const labels = tf.tensor1d([0, 1, 1, 0], 'int32');
    const hyper = [...store.vars].filter(([n]) => n.startsWith('adapter_hypernet.'));
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => model.forward({ inputIds, labels }, evalContext({ taskIds: t })).loss!,
        hyper.map(([, v]) => v),
      );
      const zero = hyper
        .filter(([, v]) => tf.tidy(() => tf.max(tf.abs(grads[v.name])).dataSync()[0]) === 0)
        .map(([n]) => n);
      expect(zero).toEqual([]);
      tf.dispose([value, ...Object.values(grads)]);
    }, 2);
    model.dispose();
  });
});
