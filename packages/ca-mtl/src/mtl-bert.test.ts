import * as tf from '@tensorflow/tfjs-core';
import { LOG_VARS, evalContext } from '@camtl/core';
import { describeEachBackend, expectNoLeak, maxAbsDiff } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import { hyperformerParamCounts, mtlBertParamCounts } from './baseline-counts';
import { createMultiTaskModel, loadMultiTaskModel } from './models';
import { createMtlBert } from './mtl-bert';
import { SMALL_BERT, batch, row, smallBertCheckpoint } from './test-helpers';

const TASKS = ['mrpc', 'mnli', 'sts-b'];

describeEachBackend('MTL-BERT (the reference vanilla MTL baseline)', () => {
  it('is the pretrained BERT, every layer and the pooler, under new per-task heads', async () => {
    const { fs, bert } = await smallBertCheckpoint();
    const { model, report } = await createMtlBert({ base: 'bert', fs, tasks: TASKS, maxSeqLength: 16, seed: 1 });
    expect(report.initialized.every((n) => n.startsWith('decoders.'))).toBe(true);
    expect(report.unexpected).toEqual([]);
    const x = batch([9, 6, 12], [0, 2, 1], 12);
    const out = model.forward(x);
    const plain = bert.forward(x, evalContext());
    expect(maxAbsDiff(out.sequenceOutput.dataSync(), plain.lastHiddenState.dataSync())).toBe(0); // the top layer too
    expect(maxAbsDiff(out.pooledOutput.dataSync(), plain.pooledOutput!.dataSync())).toBe(0);
    const pooled = out.pooledOutput.arraySync() as number[][];
    const logits = out.logits.arraySync() as number[][];
    [0, 2, 1].forEach((t, b) => {
      const w = model.store.get(`decoders.${t}.model.weight`).arraySync() as number[][];
      const bias = model.store.get(`decoders.${t}.model.bias`).arraySync() as number[];
      w.forEach((wc, c) =>
        expect(logits[b][c]).toBeCloseTo(bias[c] + wc.reduce((a, v, k) => a + v * pooled[b][k], 0), 5),
      );
    });
    expect(model.taskParameters[1]).toEqual(['decoders.1.model.weight', 'decoders.1.model.bias']);
    model.dispose();
  });

  it('a mixed batch equals each row alone; loss = mean over present tasks; backward leaks nothing', async () => {
    const { fs } = await smallBertCheckpoint();
    const { model } = await createMtlBert({ base: 'bert', fs, tasks: TASKS, seed: 1 });
    const x = batch([8, 5, 11, 3], [2, 0, 1, 2], 11, [3.5, 1, 2, 0.5]);
    const mixed = model.forward(x);
    const pe = mixed.perExampleLoss!.dataSync();
    for (let b = 0; b < 4; b++) {
      const alone = model.forward(row(x, b));
      expect(maxAbsDiff(alone.logits.dataSync(), (mixed.logits.arraySync() as number[][])[b])).toBeLessThan(1e-5);
    }
    expect(mixed.loss!.dataSync()[0]).toBeCloseTo(((pe[0] + pe[3]) / 2 + pe[1] + pe[2]) / 3, 5);
    const vars = [...model.store.trainable().values()];
    expectNoLeak(() => {
      const r = tf.variableGrads(() => model.forward(x).loss!, vars);
      tf.dispose([r.value, ...Object.values(r.grads)]);
    });
    model.dispose();
  });

  it('freezes layers a..b and the embeddings, as CA-MTL; save + loadMultiTaskModel give it back', async () => {
    const { fs } = await smallBertCheckpoint();
    const { model } = await createMultiTaskModel({
      architecture: 'mtl-bert',
      base: 'bert',
      fs,
      tasks: TASKS,
      freeze: [0, 1],
      lossWeighting: 'uncertainty',
    });
    const trainable = (n: string) => model.store.get(n).trainable;
    expect(trainable('bert.embeddings.word_embeddings.weight')).toBe(false);
    expect(trainable('bert.encoder.layer.1.output.dense.weight')).toBe(false);
    expect(trainable('bert.encoder.layer.2.output.dense.weight')).toBe(true);
    expect(trainable('bert.encoder.layer.3.attention.self.query.weight')).toBe(true);
    expect(trainable('bert.pooler.dense.weight') && trainable('decoders.0.model.weight') && trainable(LOG_VARS)).toBe(
      true,
    );
    model.store.get(LOG_VARS).assign(tf.tensor1d([0.3, -0.2, 0.1]));
    await model.save('saved', fs);
    const config = JSON.parse(await fs.readText('saved/config.json'));
    expect([config.camtl_model, config.tasks, config.camtl_options]).toEqual([
      'mtl-bert',
      TASKS,
      { lossWeighting: 'uncertainty' },
    ]);
    const { model: loaded } = await loadMultiTaskModel('saved', fs);
    expect(loaded.kind).toBe('mtl-bert');
    const x = batch([8, 5, 11], [2, 0, 1], 11, [3.5, 1, 2]);
    const [a, b] = [model.forward(x), loaded.forward(x)];
    expect(maxAbsDiff(a.logits.dataSync(), b.logits.dataSync())).toBe(0);
    expect(a.loss!.dataSync()[0]).toBe(b.loss!.dataSync()[0]);
    model.dispose();
    loaded.dispose();
  });
});

describeEachBackend('baseline counts from shapes equal the instantiated models', () => {
  const numLabels = [2, 3, 1];
  it('mtl-bert (with freezing and loss weighting) and hyperformer', async () => {
    const { fs } = await smallBertCheckpoint();
    const cases = [
      { architecture: 'mtl-bert' as const, count: mtlBertParamCounts, freeze: [0, 1] as [number, number] },
      { architecture: 'hyperformer' as const, count: hyperformerParamCounts, freeze: undefined },
    ];
    for (const { architecture, count, freeze } of cases) {
      const { model } = await createMultiTaskModel({
        architecture,
        base: 'bert',
        fs,
        tasks: TASKS,
        numLabels,
        freeze,
        lossWeighting: 'uncertainty',
      });
      const counted = count({
        backbone: 'base',
        bertConfig: SMALL_BERT,
        tasks: TASKS,
        numLabels,
        freeze,
        lossWeighting: 'uncertainty',
      });
      const { perLayerTotal, ...summary } = counted;
      expect(summary, architecture).toEqual(model.summary());
      expect(Object.keys(perLayerTotal)).toHaveLength(4);
      model.dispose();
    }
  });
});
