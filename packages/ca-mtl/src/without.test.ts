// Ablations (`options.without`): each removed component computes what plain BERT computes there.
import * as tf from '@tensorflow/tfjs-core';
import {
  Rng,
  bertAttention,
  evalContext,
  layerNorm,
  memoryFileSystem,
  paramsFromRecord,
  trainContext,
  type BertModel,
} from '@camtl/core';
import { expectNoLeak } from '@camtl/core/testing';
import { describeEachBackend, maxAbsDiff } from '@camtl/testkit';
import { expect, it } from 'vitest';
import { CONDITIONAL_COMPONENTS, type CaMtlVariant, type ConditionalComponent } from './config';
import { createCaMtl, loadCaMtl, saveCaMtl, type CaMtlModel } from './ca-mtl-model';
import { caMtlAttention, caMtlLayerNorm } from './layers';
import { batch, smallBertCheckpoint } from './test-helpers';

const TASKS = ['mrpc', 'mnli', 'sts-b'];
const ALL = [...CONDITIONAL_COMPONENTS];
const GENERATED = /gb_weights\.weight$|random_weight_matrix$/;

async function fromBert(variant: CaMtlVariant, without: ConditionalComponent[]) {
  const { fs, bert } = await smallBertCheckpoint();
  const args = { base: 'bert', fs, tasks: TASKS, variant, maxSeqLength: 16, seed: 1, options: { without } };
  const { model, report } = await createCaMtl(args);
  return { model, bert, report };
}

/** Random generators and A everywhere they remain: any conditioning left shows in the outputs. */
function randomiseConditioning(model: CaMtlModel, scale = 0.3): void {
  const rng = new Rng(4);
  for (const [name, v] of model.store.vars) {
    if (GENERATED.test(name)) v.assign(tf.randomNormal(v.shape, 0, scale, 'float32', rng.int(1e6)));
  }
}

/**
 * The model's weights under plain BERT names (base's rebuilt `new_*` top layer as
 * that layer), plus the BERT's classifier so its definition runs to the end.
 */
function asPlainBert(model: CaMtlModel, bert: BertModel) {
  const record: Record<string, tf.Tensor> = {};
  for (const [name, v] of model.store.vars) record[name.replace('.new_', '.')] = v;
  for (const name of ['classifier.weight', 'classifier.bias']) record[name] = bert.store.get(name);
  return paramsFromRecord(record);
}

/** The mask the model builds, for running BERT layers one by one. */
const additive = (x: ReturnType<typeof batch>, S: number) =>
  tf.mul(tf.sub(1, tf.reshape(tf.cast(x.attentionMask!, 'float32'), [x.inputIds.shape[0], 1, 1, S])), -10000);

describeEachBackend('CA-MTL ablations compute plain BERT where a component is removed', () => {
  for (const variant of ['base', 'large'] as const) {
    it(`${variant} without attention: every non-CLN layer is exactly its pretrained BERT layer, other conditioning random`, async () => {
      const { model, bert } = await fromBert(variant, ['conditional-attention']);
      randomiseConditioning(model);
      const x = batch([9, 6, 12], [0, 2, 1], 12);
      const out = model.forward(x, evalContext(), true);
      let h = out.intermediates!.after_conditional_alignment as tf.Tensor3D;
      for (let i = 0; i < 2; i++) {
        h = bert.definition.layers[i].apply(
          bert.store.view(`bert.encoder.layer.${i}`),
          h,
          additive(x, 12),
          evalContext(),
        );
        expect(
          maxAbsDiff(out.intermediates![`hidden_states.${i + 1}`].dataSync(), h.dataSync()),
          `layer ${i}`,
        ).toBeLessThan(1e-5);
      }
      model.dispose();
    });
  }

  it("the removed attention is core's BERT self-attention on the same query/key/value weights", async () => {
    const { model } = await fromBert('base', ['conditional-attention']);
    const attention = caMtlAttention(model.config, 2);
    expect(attention.kind).toBe('bert');
    const hidden = tf.randomNormal([2, 7, 32], 0, 1, 'float32', 5) as tf.Tensor3D;
    const mask = additive(batch([7, 4], [0, 1], 7), 7);
    const plain = bertAttention({
      hiddenSize: 32,
      numHeads: 2,
      attentionDropout: 0,
      initializerRange: 0.02,
      layerIndex: 2,
    });
    for (const prefix of ['bert.encoder.layer.2.attention.self', 'bert.encoder.layer.3.new_attention.self']) {
      const p = model.store.view(prefix);
      const got = attention.apply(p, { hidden, mask }, evalContext());
      expect(maxAbsDiff(got.dataSync(), plain.apply(p, { hidden, mask }, evalContext()).dataSync()), prefix).toBe(0);
    }
    model.dispose();
  });

  it('without CLN: plain LayerNorms with the pretrained weight and bias; with zero attention bias every layer is BERT', async () => {
    const { model, bert, report } = await fromBert('large', ['conditional-layer-norm']);
    expect(report.initialized).not.toContain('bert.encoder.layer.3.output.LayerNorm.weight');
    const norm = caMtlLayerNorm(model.config);
    expect([norm.kind, norm.paramSpecs().map((s) => s.name)]).toEqual(['layer-norm', ['weight', 'bias']]);
    const x3 = tf.randomNormal([2, 5, 32], 0, 1, 'float32', 6);
    const p = model.store.view('bert.encoder.layer.3.output.LayerNorm');
    expect(maxAbsDiff(norm.apply(p, x3, evalContext()).dataSync(), layerNorm(p, x3, 1e-12).dataSync())).toBe(0);
    randomiseConditioning(model); // the alignment and bottleneck stay random ...
    for (const [name, v] of model.store.vars)
      if (/attention\.self\.(random_weight_matrix|cond_block)/.test(name)) v.assign(tf.zerosLike(v)); // ... M(z′) = 0
    const x = batch([8, 5], [1, 2], 8);
    const out = model.forward(x, evalContext(), true);
    let h = out.intermediates!.after_conditional_alignment as tf.Tensor3D;
    for (let i = 0; i < 4; i++) {
      h = bert.definition.layers[i].apply(bert.store.view(`bert.encoder.layer.${i}`), h, additive(x, 8), evalContext());
      expect(
        maxAbsDiff(out.intermediates![`hidden_states.${i + 1}`].dataSync(), h.dataSync()),
        `layer ${i}`,
      ).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('without alignment: the embeddings pass through unchanged (the same tensor), with every generator random', async () => {
    for (const variant of ['base', 'large'] as const) {
      const { model } = await fromBert(variant, ['conditional-alignment']);
      randomiseConditioning(model);
      const out = model.forward(batch([5, 7], [0, 1], 7), evalContext(), true);
      expect(out.intermediates!.after_conditional_alignment).toBe(out.intermediates!.embeddings_output);
      expect(out.intermediates!.task_embedding_transformed).toBeDefined(); // z′ still feeds the layers
      model.dispose();
    }
  });

  it('base without all four: plain BERT whose top layer is the rebuilt one (a layout choice, kept)', async () => {
    const { model, bert } = await fromBert('base', ALL);
    const x = batch([9, 6, 12], [0, 2, 1], 12);
    const out = model.forward(x, evalContext(), true);
    const ref = bert.definition.forward(asPlainBert(model, bert), x, evalContext());
    expect(maxAbsDiff(out.sequenceOutput.dataSync(), ref.lastHiddenState.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.pooledOutput.dataSync(), ref.pooledOutput!.dataSync())).toBeLessThan(1e-5);
    expect(out.intermediates!.task_embedding_transformed).toBeUndefined();
    // The rebuilt top layer is fresh, not the pretrained one.
    const fresh = model.store.get('bert.encoder.layer.3.new_output.dense.weight');
    expect(
      maxAbsDiff(fresh.dataSync(), bert.store.get('bert.encoder.layer.3.output.dense.weight').dataSync()),
    ).toBeGreaterThan(1e-2);
    model.dispose();
  });

  it('large without all four: exactly the pretrained BERT encoder and pooler', async () => {
    const { model, bert } = await fromBert('large', ALL);
    const x = batch([9, 6, 12], [0, 2, 1], 12);
    const out = model.forward(x);
    const ref = bert.forward(x);
    expect(maxAbsDiff(out.sequenceOutput.dataSync(), ref.lastHiddenState.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.pooledOutput.dataSync(), ref.pooledOutput!.dataSync())).toBeLessThan(1e-5);
    model.dispose();
  });

  it('without the bottleneck: base ends its top layer at the second norm; large outputs the last layer', async () => {
    const base = await fromBert('base', ['conditional-bottleneck']);
    for (const [name, v] of base.model.store.vars) if (GENERATED.test(name)) v.assign(tf.zerosLike(v)); // the rest: identity
    const x = batch([9, 6, 12], [0, 2, 1], 12);
    const ref = base.bert.definition.forward(asPlainBert(base.model, base.bert), x, evalContext());
    expect(maxAbsDiff(base.model.forward(x).sequenceOutput.dataSync(), ref.lastHiddenState.dataSync())).toBeLessThan(
      1e-5,
    );
    base.model.dispose();
    const large = await fromBert('large', ['conditional-bottleneck']);
    randomiseConditioning(large.model);
    const out = large.model.forward(x, evalContext(), true);
    expect(out.sequenceOutput).toBe(out.intermediates!['hidden_states.4']);
    large.model.dispose();
  });

  it('freezing follows the reference rule on the names that remain', async () => {
    const { model } = await fromBert('base', ['conditional-attention']);
    const frozen = model.freeze([0, 1]);
    expect(frozen.filter((n) => n.includes('layer.0.'))).toEqual(
      model.store.names().filter((n) => n.includes('layer.0.')),
    );
    expect(
      model.store.get('bert.encoder.layer.2.attention.output.LayerNorm.ln_weight_modulation.gb_weights.weight')
        .trainable,
    ).toBe(true);
    expect(model.store.get('bert.embeddings.word_embeddings.weight').trainable).toBe(false);
    model.dispose();
  });

  it('a training step of the all-removed model frees every tensor', async () => {
    const { model } = await fromBert('base', ALL);
    const x = batch([8, 5], [0, 2], 8, [1, 2.5]);
    const vars = [...model.store.trainable().values()];
    const rng = new Rng(2);
    expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() => model.forward(x, trainContext(rng)).loss!, vars);
      tf.dispose([value, ...Object.values(grads)]);
    }, 2);
    model.dispose();
  });
});

describeEachBackend('CA-MTL ablations: checkpoints', () => {
  it('save → load keeps `without` (canonical order, in camtl_options) and the weights', async () => {
    const { model } = await fromBert('base', ['conditional-layer-norm', 'conditional-attention']);
    const fs = memoryFileSystem();
    await saveCaMtl(model, 'out', fs);
    const config = JSON.parse(await fs.readText('out/config.json'));
    expect(config.camtl_options).toEqual({ without: ['conditional-attention', 'conditional-layer-norm'] });
    const { model: again, report } = await loadCaMtl('out', fs);
    expect([report.initialized, report.unexpected]).toEqual([[], []]);
    expect(again.config.options.without).toEqual(['conditional-attention', 'conditional-layer-norm']);
    expect(again.store.names()).toEqual(model.store.names());
    const x = batch([5, 6], [0, 2], 6);
    expect(maxAbsDiff(again.forward(x).logits.dataSync(), model.forward(x).logits.dataSync())).toBe(0);
    model.dispose();
    again.dispose();
  });

  it("a full checkpoint loads into an ablated model, listing the removed component's tensors as unexpected", async () => {
    const { model } = await fromBert('large', []);
    const fs = memoryFileSystem();
    await saveCaMtl(model, 'full', fs);
    const { model: ablated, report } = await loadCaMtl('full', fs, { without: ['conditional-bottleneck'] });
    const chain = model.store.names().filter((n) => n.startsWith('bert.encoder.adapter_layer.'));
    expect(chain.length).toBe(4 * 8);
    expect(report.unexpected.sort()).toEqual(chain.sort());
    expect(report.initialized).toEqual([]);
    expect(ablated.config.options.without).toEqual(['conditional-bottleneck']);
    // The other way round is a missing-tensor error, as for any incomplete checkpoint.
    await saveCaMtl(ablated, 'ablated', fs);
    await expect(loadCaMtl('ablated', fs, { without: [] })).rejects.toThrow(/missing 32 tensor\(s\)/);
    const loose = await loadCaMtl('ablated', fs, { without: [], strict: false });
    expect(loose.report.initialized.sort()).toEqual(chain.sort());
    model.dispose();
    ablated.dispose();
    loose.model.dispose();
  });

  it('an unknown component in config.json or the options is a one-line error listing the valid ones', async () => {
    const { model } = await fromBert('base', []);
    const fs = memoryFileSystem();
    await saveCaMtl(model, 'm', fs);
    const config = JSON.parse(await fs.readText('m/config.json'));
    await fs.writeFileAtomic(
      'm/config.json',
      JSON.stringify({ ...config, camtl_options: { without: ['bottleneck'] } }),
    );
    await expect(loadCaMtl('m', fs)).rejects.toThrow(
      'm/config.json: camtl_options.without: unknown component "bottleneck"; valid: conditional-attention, conditional-alignment, conditional-layer-norm, conditional-bottleneck',
    );
    await expect(fromBert('base', ['conditional-attention', 'conditional-attention'])).rejects.toThrow(/repeated/);
    model.dispose();
  });
});
