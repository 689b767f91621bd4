import * as tf from '@tensorflow/tfjs-core';
import {
  BertDefinition,
  BertModel,
  Rng,
  bertAttention,
  bertLayer,
  evalContext,
  instantiate,
  layerNormWith,
  parseBertConfig,
} from '@camtl/core';
import { expect, it } from 'vitest';
import { describeEachBackend, expectNoLeak, expectRowByRow, maxAbsDiff, randn, randomStore } from '@camtl/core/testing';
import {
  conditionalLayerNorm,
  conditionalLayerNormApply,
  conditionalLayerNormSpecs,
  firstRowOfTask,
  type ConditionalLayerNormOptions,
} from './conditional-layer-norm';
import { film } from '@camtl/core';

const H = 8;
const B = 5;
const base: ConditionalLayerNormOptions = { hiddenSize: H, conditionSize: 6, eps: 1e-12 };
const ids = () => tf.tensor1d([0, 2, 1, 0, 2], 'int32');

describeEachBackend('conditional LayerNorm', () => {
  it('specs: reference names, weight 1, bias 0, generator bias 0; conditionShift adds ln_bias_modulation', () => {
    expect(conditionalLayerNormSpecs(base).map((s) => [s.name, s.shape, s.init.kind])).toEqual([
      ['weight', [H], 'ones'],
      ['bias', [H], 'zeros'],
      ['ln_weight_modulation.gb_weights.weight', [2 * H, 6], 'normal'],
      ['ln_weight_modulation.gb_weights.bias', [2 * H], 'zeros'],
    ]);
    expect(
      conditionalLayerNormSpecs({ ...base, conditionShift: true })
        .map((s) => s.name)
        .slice(4),
    ).toEqual(['ln_bias_modulation.gb_weights.weight', 'ln_bias_modulation.gb_weights.bias']);
  });

  it('firstRowOfTask gives the first example of each task, exactly', () => {
    const cases: [number[], number[]][] = [
      [
        [0, 2, 1, 0],
        [0, 1, 2, 0],
      ],
      [
        [3, 3, 3],
        [0, 0, 0],
      ],
      [
        [1, 0, 0, 1, 2, 0],
        [0, 1, 1, 0, 4, 1],
      ],
      [[7], [0]],
    ];
    for (const [input, want] of cases)
      expect(Array.from(firstRowOfTask(tf.tensor1d(input, 'int32')).dataSync())).toEqual(want);
  });

  it("'per-example' is LN(x) ⊙ ((1 + γ(z)) ⊙ w + β(z)) + b row by row", () => {
    const store = randomStore(conditionalLayerNormSpecs(base));
    const x = randn([B, 3, H], 1, 2);
    const z = randn([B, 6], 2) as tf.Tensor2D;
    const out = conditionalLayerNormApply(store.view(), x, z, undefined, { ...base, conditionRows: 'per-example' });
    const w = film(store.view('ln_weight_modulation'), store.get('weight'), z); // [B, H]
    const manual = layerNormWith(x, tf.reshape(w, [B, 1, H]), store.get('bias'), 1e-12);
    expect(maxAbsDiff(out.dataSync(), manual.dataSync())).toBeLessThan(1e-5);
    store.dispose();
  });

  it('conditionShift: b_t = (1 + γ_b(z)) ⊙ b + β_b(z); a zero bias generator gives the scale-only result', () => {
    const options = { ...base, conditionShift: true, conditionRows: 'per-example' as const };
    const store = randomStore(conditionalLayerNormSpecs(options));
    const x = randn([B, 3, H], 1, 2);
    const z = randn([B, 6], 2) as tf.Tensor2D;
    const out = conditionalLayerNormApply(store.view(), x, z, undefined, options);
    const w = film(store.view('ln_weight_modulation'), store.get('weight'), z);
    const b = film(store.view('ln_bias_modulation'), store.get('bias'), z);
    const manual = layerNormWith(x, tf.reshape(w, [B, 1, H]), tf.reshape(b, [B, 1, H]), 1e-12);
    expect(maxAbsDiff(out.dataSync(), manual.dataSync())).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(
        out.dataSync(),
        conditionalLayerNormApply(store.view(), x, z, undefined, { ...options, conditionShift: false }).dataSync(),
      ),
    ).toBeGreaterThan(1e-3);
    for (const n of ['ln_bias_modulation.gb_weights.weight', 'ln_bias_modulation.gb_weights.bias'])
      store.get(n).assign(tf.zerosLike(store.get(n)));
    const shifted = conditionalLayerNormApply(store.view(), x, z, undefined, options);
    const scaleOnly = conditionalLayerNormApply(store.view(), x, z, undefined, { ...options, conditionShift: false });
    expect(maxAbsDiff(shifted.dataSync(), scaleOnly.dataSync())).toBeLessThan(1e-6);
    store.dispose();
  });

  it('a mixed batch equals each example alone (task-constant conditions, both row modes, with shift)', () => {
    const store = randomStore(conditionalLayerNormSpecs({ ...base, conditionShift: true }));
    const table = randn([3, 6], 3);
    const t = ids();
    const z = tf.gather(table, t) as tf.Tensor2D;
    const x = randn([B, 4, H], 4, 3);
    for (const conditionRows of ['first-of-task', 'per-example'] as const) {
      for (const conditionShift of [false, true]) {
        const o = { ...base, conditionRows, conditionShift };
        expectRowByRow(B, (pick) => conditionalLayerNormApply(store.view(), pick(x), pick(z), pick(t), o));
      }
    }
    store.dispose();
  });

  it('the NormModule reads ctx.taskEmbedding and ctx.taskIds, and says so when they are missing', () => {
    const norm = conditionalLayerNorm(base);
    expect(norm.kind).toBe('conditional-layer-norm');
    const store = randomStore(norm.paramSpecs());
    const x = randn([B, 2, H], 1);
    const z = randn([B, 6], 2) as tf.Tensor2D;
    const viaCtx = norm.apply(store.view(), x, evalContext({ taskEmbedding: z, taskIds: ids() }));
    const direct = conditionalLayerNormApply(store.view(), x, z, ids(), base);
    expect(maxAbsDiff(viaCtx.dataSync(), direct.dataSync())).toBe(0);
    expect(() => norm.apply(store.view(), x, evalContext({ taskIds: ids() }))).toThrowError(/ctx\.taskEmbedding/);
    expect(() => norm.apply(store.view(), x, evalContext({ taskEmbedding: z }))).toThrowError(/task ids/);
    const perExample = conditionalLayerNorm({ ...base, conditionRows: 'per-example' });
    expect(() => perExample.apply(store.view(), x, evalContext({ taskEmbedding: z }))).not.toThrow();
    store.dispose();
  });

  it('works as both LayerNorms of a core BERT layer, per example', () => {
    const config = parseBertConfig({
      vocab_size: 30,
      hidden_size: H,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 16,
      max_position_embeddings: 16,
      num_labels: 2,
    });
    const norm = conditionalLayerNorm({ hiddenSize: H, conditionSize: H, eps: config.layerNormEps });
    const definition = new BertDefinition(config, {
      layer: (i, c) =>
        bertLayer(c, {
          attention: bertAttention({
            hiddenSize: H,
            numHeads: 2,
            attentionDropout: 0,
            initializerRange: 0.02,
            layerIndex: i,
          }),
          attentionNorm: norm,
          outputNorm: norm,
        }),
    });
    const store = instantiate(definition.specs(), new Rng(3));
    expect(store.has('bert.encoder.layer.1.output.LayerNorm.ln_weight_modulation.gb_weights.weight')).toBe(true);
    const model = new BertModel(definition, store);
    const inputIds = tf.tensor2d(
      [
        [2, 5, 6, 3],
        [2, 7, 3, 0],
        [2, 9, 9, 3],
      ],
      [3, 4],
      'int32',
    );
    const t = tf.tensor1d([1, 0, 1], 'int32');
    const zt = randn([2, H], 5, 1);
    expectRowByRow(3, (pick) => {
      const taskIds = pick(t);
      return model.forward(
        { inputIds: pick(inputIds) },
        evalContext({ taskIds, taskEmbedding: tf.gather(zt, taskIds) as tf.Tensor2D }),
      ).lastHiddenState;
    });
    model.dispose();
  });

  it('no tensors leak across forward and backward', () => {
    const o = { ...base, conditionShift: true };
    const store = randomStore(conditionalLayerNormSpecs(o));
    const x = randn([B, 3, H], 1);
    const z = randn([B, 6], 2) as tf.Tensor2D;
    const t = ids();
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(conditionalLayerNormApply(store.view(), x, z, t, o))) as tf.Scalar,
      );
      expect(Object.keys(grads)).toHaveLength(6);
      tf.dispose([value, ...Object.values(grads)]);
    });
    store.dispose();
  });
});
