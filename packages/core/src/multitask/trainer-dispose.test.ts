import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { describeEachBackend } from '../testing/backends';
import { TOY_TASKS, ToyModel, toyData, toySampler } from '../testing/toy-multitask';
import type { EvalSet } from './evaluate';
import { Trainer } from './trainer';
import type { TrainProgress, TrainerOptions } from './trainer-options';

function options(model: ToyModel, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  const dev: EvalSet[] = [
    { key: 'cls', task: TOY_TASKS[0], taskIndex: 0, split: 'dev', rows: toyData(12, 3, 0) },
    { key: 'reg', task: TOY_TASKS[1], taskIndex: 1, split: 'dev', rows: toyData(8, 4, 1) },
  ];
  return {
    model,
    tasks: TOY_TASKS,
    train: [toyData(16, 1, 0), toyData(16, 2, 1)],
    dev,
    sampler: toySampler(),
    outputDir: 'run',
    fs: memoryFileSystem(),
    batchSize: 8,
    epochs: 2,
    learningRate: 0.05,
    seed: 5,
    ...extra,
  };
}

describeEachBackend('Trainer.dispose', () => {
  it('three trainers in sequence on one model leave tf.memory().numTensors flat', async () => {
    const model = new ToyModel();
    const counts = [tf.memory().numTensors];
    for (let run = 0; run < 3; run++) {
      const trainer = new Trainer(options(model, { seed: run }));
      try {
        expect((await trainer.run()).reason).toBe('done');
      } finally {
        trainer.dispose(); // idempotent after run()
      }
      counts.push(tf.memory().numTensors);
    }
    console.log(`trainer dispose: numTensors ${counts.join(' → ')}`);
    expect(new Set(counts).size).toBe(1);
    model.store.dispose();
  });

  it('frees its state when run() fails, and when it is built and never run; run() after dispose is refused', async () => {
    const model = new ToyModel();
    const start = tf.memory().numTensors;
    const failing = new Trainer(options(model, { onProgress: (p) => (model.poison = p.step === 1) }));
    await expect(failing.run()).rejects.toThrow(/the loss is NaN/);
    model.poison = false;
    expect(tf.memory().numTensors).toBe(start);
    const idle = new Trainer(options(model));
    expect(tf.memory().numTensors).toBeGreaterThan(start); // AdamW's moments
    idle.dispose();
    expect(tf.memory().numTensors).toBe(start);
    await expect(idle.run()).rejects.toThrow(/Trainer: run\(\) after dispose\(\)/);
    model.store.dispose();
  });

  it('evaluation progress carries no loss (never NaN); training progress a finite one', async () => {
    const model = new ToyModel();
    const seen: TrainProgress[] = [];
    await new Trainer(options(model, { onProgress: (p) => seen.push({ ...p }) })).run();
    const evals = seen.filter((p) => p.phase === 'eval');
    expect(evals.map((p) => p.step)).toEqual([4, 8]); // each epoch's end
    for (const p of evals) expect(Object.keys(p).sort()).toEqual(['epoch', 'phase', 'step', 'totalSteps']);
    for (const p of seen) if (p.phase === 'train') expect(Number.isFinite(p.loss)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('null'); // JSON writes NaN as null
    model.store.dispose();
  });
});
