import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { camtlErrorOf } from '../testing/errors';
import { loadHfCheckpoint } from '../io/checkpoint';
import { memoryFileSystem } from '../io/fs';
import { evalContext, trainContext } from '../modules/context';
import { AdamW } from '../optim';
import { Rng } from '../rng';
import { TINY_BERT_CONFIG } from '../testing/backend-cases';
import { describeEachBackend } from '../testing/backends';
import { maxAbsDiff } from '../testing/compare';
import { TOY_TASKS, toyData, toySampler } from '../testing/toy-multitask';
import { collate, disposeBatch } from './data';
import { evaluate } from './evaluate';
import {
  loadMultiTaskBert,
  multiTaskBert,
  multiTaskBertWithReport,
  type MultiTaskBertOptions,
} from './multi-task-bert';
import { Trainer } from './trainer';

const OPTIONS: MultiTaskBertOptions = {
  bertConfig: { ...TINY_BERT_CONFIG },
  tasks: ['cls', 'reg'],
  numLabels: [2, 1],
  maxSeqLength: 16,
  seed: 1,
};

/** A labelled batch mixing both toy tasks. */
function mixedBatch() {
  return collate([...toyData(3, 1, 0), ...toyData(3, 2, 1)], { labels: true });
}

describeEachBackend('multiTaskBert (shared BERT + per-task heads, composed from core alone)', () => {
  it('trains 2 steps with AdamW fed tf.variableGrads output, saves, reloads and predicts identically', async () => {
    const model = multiTaskBert(OPTIONS);
    const batch = mixedBatch();
    const vars = [...model.store.trainable().values()];
    const opt = new AdamW(model.store.trainable(), { lr: 1e-2 });
    const rng = new Rng(3);
    const head0 = model.store.get('decoders.0.model.weight').dataSync().slice();
    const losses: number[] = [];
    for (let step = 0; step < 2; step++) {
      const { value, grads } = tf.variableGrads(() => model.forward(batch, trainContext(rng)).loss!, vars);
      opt.step(grads);
      losses.push(value.dataSync()[0]);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(model.store.get('decoders.0.model.weight').dataSync(), head0)).toBeGreaterThan(0);
    expect(opt.stepCount).toBe(2);

    const fs = memoryFileSystem();
    await model.save('saved', fs);
    const { model: loaded } = await loadMultiTaskBert('saved', fs);
    const [a, b] = [model.forward(batch, evalContext()), loaded.forward(batch, evalContext())];
    expect(maxAbsDiff(a.logits.dataSync(), b.logits.dataSync())).toBe(0);
    expect(a.loss!.dataSync()[0]).toBe(b.loss!.dataSync()[0]);
    const dev = [{ key: 'cls', task: TOY_TASKS[0], taskIndex: 0, split: 'dev', rows: toyData(10, 5, 0) }];
    expect((await evaluate(loaded, dev)).metrics).toEqual((await evaluate(model, dev)).metrics);
    disposeBatch(batch);
    [opt, model, loaded].forEach((x) => x.dispose());
  });

  it('from a base checkpoint: its BERT tensors, new heads; bad options are one-line errors', async () => {
    const fs = memoryFileSystem();
    const first = multiTaskBert(OPTIONS);
    await first.save('first', fs);
    const saved = await loadHfCheckpoint('first', fs);
    const base = { ...saved, tensors: new Map([...saved.tensors].filter(([n]) => !n.startsWith('decoders.'))) }; // a plain BERT
    const { model, report } = multiTaskBertWithReport({ ...OPTIONS, bertConfig: undefined, base, numLabels: [3, 1] });
    expect(report.initialized.every((n) => n.startsWith('decoders.'))).toBe(true);
    expect(model.store.get('decoders.0.model.weight').shape).toEqual([3, 16]);
    const word = 'bert.embeddings.word_embeddings.weight';
    expect(model.store.get(word).dataSync()).toEqual(first.store.get(word).dataSync());
    expect(model.taskParameters[1]).toEqual(['decoders.1.model.weight', 'decoders.1.model.bias']);
    expect(camtlErrorOf(() => multiTaskBert({ ...OPTIONS, numLabels: [2] })).message).toMatch(/numLabels.*2.*\[2\]/);
    expect(camtlErrorOf(() => multiTaskBert({ ...OPTIONS, bertConfig: undefined })).message).toMatch(/bertConfig/);
    [first, model].forEach((m) => m.dispose());
  });

  it('three Trainer runs on one multiTaskBert keep tf.memory().numTensors flat', async () => {
    const model = multiTaskBert(OPTIONS);
    const counts = [tf.memory().numTensors];
    for (let run = 0; run < 3; run++) {
      const trainer = new Trainer({
        model,
        tasks: TOY_TASKS,
        train: [toyData(8, 1, 0), toyData(8, 2, 1)],
        dev: [],
        sampler: toySampler(),
        outputDir: `run${run}`,
        fs: memoryFileSystem(),
        batchSize: 4,
        maxSteps: 2,
        learningRate: 1e-3,
        seed: run,
      });
      try {
        await trainer.run();
      } finally {
        trainer.dispose();
      }
      counts.push(tf.memory().numTensors);
    }
    console.log(`multiTaskBert trainers: numTensors ${counts.join(' → ')} (${model.store.size} parameters)`);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
  });
});
