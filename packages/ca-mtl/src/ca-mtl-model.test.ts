import * as tf from '@tensorflow/tfjs-core';
import {
  Rng,
  evalContext,
  loadHfCheckpoint,
  memoryFileSystem,
  normalizedEntropy,
  trainContext,
  type ModuleContext,
} from '@camtl/core';
import { describeEachBackend, maxAbsDiff } from '@camtl/testkit';
import { expect, it } from 'vitest';
import { createCaMtl, loadCaMtl, saveCaMtl, type CaMtlModel } from './ca-mtl-model';
import { batch, row, smallBertCheckpoint } from './test-helpers';

const TASKS = ['mrpc', 'mnli', 'sts-b'];

async function fromBert(
  variant: 'base' | 'large',
  maxSeqLength = 16,
): Promise<{ model: CaMtlModel; bert: Awaited<ReturnType<typeof smallBertCheckpoint>>['bert']; report: any }> {
  const { fs, bert } = await smallBertCheckpoint();
  const { model, report } = await createCaMtl({ base: 'bert', fs, tasks: TASKS, variant, maxSeqLength, seed: 1 });
  return { model, bert, report };
}

/** Zero every FiLM generator weight and every matrix A: all conditioning becomes the identity. */
function zeroConditioning(model: CaMtlModel): void {
  for (const [name, v] of model.store.vars) {
    if (/gb_weights\.weight$|random_weight_matrix$/.test(name)) v.assign(tf.zerosLike(v));
  }
}

describeEachBackend('CA-MTL presets', () => {
  it('a plain HF BERT initialises a base model; the report says what was new and what was set aside', async () => {
    const { model, report } = await fromBert('base');
    expect(report.unexpected).toEqual([]);
    expect(report.ignored.some((n: string) => n.startsWith('classifier.'))).toBe(true);
    expect(report.ignored.some((n: string) => n.startsWith('bert.encoder.layer.3.attention.'))).toBe(true); // the rebuilt top layer
    expect(report.initialized).toContain('bert.encoder.layer.0.attention.self.random_weight_matrix');
    expect(report.initialized).toContain('bert.encoder.layer.3.new_attention.self.query.weight');
    expect(report.initialized).not.toContain('bert.encoder.layer.2.attention.output.LayerNorm.weight'); // CLN from the pretrained LN
    expect(
      model.store
        .get('bert.encoder.layer.0.attention.self.random_weight_matrix')
        .dataSync()
        .every((x) => x === 0),
    ).toBe(true);
    model.dispose();
  });

  for (const variant of ['base', 'large'] as const) {
    it(`${variant}: with zero generators and A, each conditional layer equals its pretrained BERT layer`, async () => {
      const { model, bert } = await fromBert(variant);
      zeroConditioning(model);
      const x = batch([9, 6, 12], [0, 2, 1], 12);
      const out = model.forward(x, evalContext(), true);
      // The same embeddings through the plain BERT layers, one by one.
      let h = out.intermediates!.embeddings_output as tf.Tensor3D;
      expect(maxAbsDiff(out.intermediates!.after_conditional_alignment.dataSync(), h.dataSync())).toBe(0);
      const mask = tf.mul(tf.sub(1, tf.reshape(tf.cast(x.attentionMask!, 'float32'), [3, 1, 1, 12])), -10000);
      const conditional = variant === 'base' ? 3 : 4; // base's top layer is rebuilt, not pretrained
      for (let i = 0; i < conditional; i++) {
        h = bert.definition.layers[i].apply(bert.store.view(`bert.encoder.layer.${i}`), h, mask, evalContext());
        expect(
          maxAbsDiff(out.intermediates![`hidden_states.${i + 1}`].dataSync(), h.dataSync()),
          `layer ${i}`,
        ).toBeLessThan(1e-5);
      }
      model.dispose();
    });
  }

  for (const variant of ['base', 'large'] as const) {
    it(`${variant}: dynamic padding (L′ < L) gives the same logits, entropies and loss as padding to L`, async () => {
      const { model } = await fromBert(variant, 16);
      const randomise = new Rng(4);
      for (const [name, v] of model.store.vars) {
        if (/gb_weights\.weight$|random_weight_matrix$/.test(name))
          v.assign(tf.randomNormal(v.shape, 0, 0.3, 'float32', randomise.int(1e6)));
      }
      const labels = [1, 2.5, 0, 2];
      const xs = batch([7, 9, 4, 9], [0, 2, 0, 1], 9, labels);
      const short = model.forward(xs);
      const full = model.forward(batch([7, 9, 4, 9], [0, 2, 0, 1], 16, labels));
      const entropy = (logits: tf.Tensor2D) => normalizedEntropy(logits, xs.taskIds, model.numLabelsPerTask).dataSync();
      expect(maxAbsDiff(short.logits.dataSync(), full.logits.dataSync())).toBeLessThan(1e-5);
      expect(maxAbsDiff(entropy(short.logits), entropy(full.logits))).toBeLessThan(1e-5);
      expect(Math.abs(short.loss!.dataSync()[0] - full.loss!.dataSync()[0])).toBeLessThan(1e-5);
      expect(() => model.forward(batch([17], [0], 17))).toThrow(/sequence length 17 .* max_seq_length 16/);
      const ragged = { ...xs, attentionMask: tf.ones([4, 8], 'int32') as tf.Tensor2D };
      expect(() => model.forward(ragged)).toThrow(/attention_mask: shape \[4, 8\] differs from input_ids \[4, 9\]/);
      model.dispose();
    });

    it(`${variant}: a mixed-task batch equals each example run alone, row by row`, async () => {
      const { model } = await fromBert(variant);
      const x = batch([8, 5, 11, 3], [2, 0, 1, 2], 11, [3.5, 1, 2, 0.5]);
      const mixed = model.forward(x);
      const logits = mixed.logits.arraySync() as number[][];
      for (let b = 0; b < 4; b++) {
        const alone = model.forward(row(x, b));
        expect(maxAbsDiff((alone.logits.arraySync() as number[][])[0], logits[b]), `row ${b}`).toBeLessThan(1e-5);
        expect(Math.abs(alone.perExampleLoss!.dataSync()[0] - mixed.perExampleLoss!.dataSync()[b])).toBeLessThan(1e-5);
      }
      // loss = unweighted mean over the tasks present of each task's mean loss
      const pe = mixed.perExampleLoss!.dataSync();
      const manual = ((pe[0] + pe[3]) / 2 + pe[1] + pe[2]) / 3;
      expect(Math.abs(mixed.loss!.dataSync()[0] - manual)).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it('large: the output is the bottleneck side chain, one ConditionalBottleNeck per layer', async () => {
    const { model } = await fromBert('large');
    expect(model.store.has('bert.encoder.adapter_layer.3.down_proj_layer.weight')).toBe(true);
    expect(model.store.get('bert.encoder.adapter_layer.0.down_proj_layer.weight').shape).toEqual([10, 32]);
    expect(
      model.store.has('bert.encoder.layer.1.attention.output.LayerNorm.ln_weight_modulation.gb_weights.weight'),
    ).toBe(false);
    expect(
      model.store.has('bert.encoder.layer.2.attention.output.LayerNorm.ln_weight_modulation.gb_weights.weight'),
    ).toBe(true);
    const out = model.forward(batch([5, 6], [0, 1], 6), evalContext(), true);
    expect(maxAbsDiff(out.sequenceOutput.dataSync(), out.intermediates!['hidden_states.4'].dataSync())).toBeGreaterThan(
      1e-3,
    );
    model.dispose();
  });

  it('freezing follows the reference rule (quirk by default) and the summary counts per component', async () => {
    const { model } = await fromBert('base');
    model.freeze([0, 1]);
    expect(model.store.get('bert.encoder.layer.0.attention.self.random_weight_matrix').trainable).toBe(true);
    expect(
      model.store.get('bert.encoder.layer.0.attention.self.cond_block_diag_attn.gb_weights.weight').trainable,
    ).toBe(false);
    expect(model.store.get('bert.encoder.layer.2.attention.self.query.weight').trainable).toBe(true);
    expect(model.store.get('bert.embeddings.word_embeddings.weight').trainable).toBe(false);
    expect(model.store.get('decoders.2.model.weight').trainable).toBe(true);
    const s = model.summary();
    expect(s.groups.embeddings.trainable).toBe(0);
    expect(s.groups.heads.frozen).toBe(0);
    expect(s.trainable + s.frozen).toBe(s.total);
    model.freeze([0, 1], { fixQuirk: true });
    expect(
      model.store.get('bert.encoder.layer.0.attention.self.cond_block_diag_attn.gb_weights.weight').trainable,
    ).toBe(true);
    model.dispose();
  });

  it('camtl checkpoints save and load under the reference names, with the config convention', async () => {
    const { model } = await fromBert('large');
    const fs = memoryFileSystem();
    await saveCaMtl(model, 'out', fs);
    const config = JSON.parse(await fs.readText('out/config.json'));
    expect(config).toMatchObject({
      ca_mtl_model: 'CA-MTL-large',
      max_seq_length: 16,
      tasks: TASKS,
      num_labels_per_task: [2, 3, 1],
    });
    const ckpt = await loadHfCheckpoint('out', fs);
    expect([...ckpt.tensors.keys()].sort()).toEqual(model.store.names().sort());
    const again = (await loadCaMtl('out', fs)).model;
    const x = batch([5, 6], [0, 2], 6);
    expect(maxAbsDiff(again.forward(x).logits.dataSync(), model.forward(x).logits.dataSync())).toBe(0);
    model.dispose();
    again.dispose();
  });

  it('tf.memory().numTensors stays flat over training steps (dropout on)', async () => {
    const { model } = await fromBert('base');
    const x = batch([8, 5], [0, 2], 8, [1, 2.5]);
    const vars = [...model.store.trainable().values()];
    const rng = new Rng(2);
    const step = () => {
      const ctx: ModuleContext = trainContext(rng);
      const { value, grads } = tf.variableGrads(() => model.forward(x, ctx).loss!, vars);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
