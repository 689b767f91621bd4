import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { memoryFileSystem, type FileSystem } from '../io/fs';
import { describeEachBackend } from '../testing/backends';
import { TOY_TASKS, ToyModel, toyData, toySampler } from '../testing/toy-multitask';
import { latestCheckpoint, loadTrainingCheckpoint } from './checkpoint';
import type { EvalSet } from './evaluate';
import { Trainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

function options(model: ToyModel, fs: FileSystem, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  const train = [toyData(40, 1, 0), toyData(30, 2, 1)];
  const dev: EvalSet[] = [
    { key: 'cls', task: TOY_TASKS[0], taskIndex: 0, split: 'dev', rows: toyData(30, 3, 0) },
    { key: 'reg', task: TOY_TASKS[1], taskIndex: 1, split: 'dev', rows: toyData(20, 4, 1) },
  ];
  return {
    model,
    tasks: TOY_TASKS,
    train,
    dev,
    sampler: toySampler(),
    outputDir: 'run',
    fs,
    batchSize: 8,
    epochs: 3,
    learningRate: 0.05,
    seed: 5,
    ...extra,
  };
}

function weights(model: ToyModel): number[] {
  return model.store.names().flatMap((n) => Array.from(model.store.get(n).dataSync()));
}

function records(fs: ReturnType<typeof memoryFileSystem>): Array<Record<string, any>> {
  return new TextDecoder()
    .decode(fs.files.get('run/train.jsonl'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describeEachBackend('Trainer', () => {
  it('trains, evaluates per epoch, logs JSONL, keeps checkpoints and exports the best model', async () => {
    const fs = memoryFileSystem();
    const model = new ToyModel();
    const trainer = new Trainer(options(model, fs));
    const result = await trainer.run();
    expect(result.steps).toBe(3 * 9);
    expect(result.reason).toBe('done');
    const log = records(fs);
    expect(log[0]).toMatchObject({
      type: 'run',
      seed: 5,
      tasks: [
        { name: 'cls', trainSize: 40 },
        { name: 'reg', trainSize: 30 },
      ],
    });
    const steps = log.filter((r) => r.type === 'step');
    expect(steps).toHaveLength(27);
    expect(steps[0]).toMatchObject({
      step: 1,
      epoch: 1,
      examplesPerTask: { cls: 4, reg: 4 },
      taskMix: { cls: 0.5, reg: 0.5 },
    });
    expect(steps[0].lr).toBe(0); // HF: the first update uses the warmup's step 0
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0].loss);
    expect(log.filter((r) => r.type === 'eval').map((r) => r.step)).toEqual([9, 18, 27]);
    expect(log.at(-1)).toMatchObject({ type: 'end', reason: 'done' });
    expect(result.lastEval!.metrics.cls.accuracy).toBeGreaterThan(0.6);
    const names = await fs.list('run/checkpoints');
    expect(names.filter((n) => n.startsWith('checkpoint-')).length).toBeLessThanOrEqual(3); // 2 newest + the best
    expect(await fs.exists('run/model/model.safetensors')).toBe(true);
    model.store.dispose();
  });

  it('a run stopped and resumed ends with exactly the weights of an uninterrupted run', async () => {
    const straightFs = memoryFileSystem();
    const straight = new ToyModel();
    await new Trainer(options(straight, straightFs, { saveEvery: 4 })).run();

    const fs = memoryFileSystem();
    const first = new ToyModel();
    const stop = { stopped: false };
    const run1 = new Trainer(
      options(first, fs, { saveEvery: 4, stopSignal: stop, onProgress: (p) => (stop.stopped = p.step >= 13) }),
    );
    expect((await run1.run()).reason).toBe('interrupted');
    // A fresh process: new model (other init), new trainer, --resume.
    const second = new ToyModel(99);
    await new Trainer(options(second, fs, { saveEvery: 4, resume: true })).run();
    expect(weights(second)).toEqual(weights(straight));
    const steps = records(fs)
      .filter((r) => r.type === 'step')
      .map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: 27 }, (_, i) => i + 1)); // the log reads as one run
    const schedule = (f: typeof fs) => new TextDecoder().decode(f.files.get('run/schedule.jsonl'));
    expect(schedule(fs)).toEqual(schedule(straightFs)); // so does the schedule
    expect(schedule(fs).trim().split('\n')).toHaveLength(27);
    [straight, first, second].forEach((m) => m.store.dispose());
  });

  it('a crash while writing a checkpoint leaves the last good one and its pointer intact', async () => {
    const fs = memoryFileSystem();
    const model = new ToyModel();
    let failAfter = Infinity;
    const flaky: FileSystem = {
      ...fs,
      writeFileAtomic: async (path, data) => {
        if (path.includes('.tmp-') && path.endsWith('optimizer.safetensors') && --failAfter <= 0) {
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        }
        return fs.writeFileAtomic(path, data);
      },
    };
    const trainer = new Trainer(
      options(model, flaky, { saveEvery: 3, onProgress: (p) => p.step === 7 && (failAfter = 1) }),
    );
    await expect(trainer.run()).rejects.toThrow(/ENOSPC/);
    const latest = await latestCheckpoint('run/checkpoints', fs);
    expect(latest).toBe('run/checkpoints/checkpoint-0000006');
    const { state } = await loadTrainingCheckpoint(latest!, fs);
    expect(state.step).toBe(6);
    expect((await fs.list('run/checkpoints')).some((n) => n.includes('.tmp-'))).toBe(false);
    model.store.dispose();
  });

  it('a NaN loss stops with the step and task named, and nothing is saved after it', async () => {
    const fs = memoryFileSystem();
    const model = new ToyModel();
    const trainer = new Trainer(options(model, fs, { saveEvery: 2, onProgress: (p) => (model.poison = p.step === 4) }));
    await expect(trainer.run()).rejects.toThrow(/step 5: the loss is NaN .*no update was applied/);
    expect(await latestCheckpoint('run/checkpoints', fs)).toBe('run/checkpoints/checkpoint-0000004');
    model.store.dispose();
  });

  it('early stopping, and tf.memory().numTensors stays flat across steps and returns to its start', async () => {
    const fs = memoryFileSystem();
    const model = new ToyModel();
    const start = tf.memory().numTensors;
    let before = -1;
    let after = -1;
    const trainer = new Trainer(
      options(model, fs, {
        learningRate: 1e-9,
        evalEvery: 2,
        earlyStoppingPatience: 2,
        earlyStoppingMinDelta: 1e-3,
        epochs: 10,
        onProgress: (p) => {
          if (p.step === 3 && p.phase === 'train') before = tf.memory().numTensors;
          if (p.step === 5 && p.phase === 'train') after = tf.memory().numTensors;
        },
      }),
    );
    const result = await trainer.run();
    expect(result.reason).toBe('early-stopping');
    expect(result.steps).toBeLessThan(90);
    expect(after).toBe(before);
    // The trainer frees its optimiser moments when run() ends: only the model's weights stay.
    expect(tf.memory().numTensors).toBe(start);
    trainer.dispose(); // idempotent
    model.store.dispose();
  });

  it('checks task ids once, at the data edge: training rows and dev sets', () => {
    const model = new ToyModel();
    const fs = memoryFileSystem();
    const wrong = options(model, fs);
    wrong.train[1][3] = { ...wrong.train[1][3], task: 0 };
    expect(() => new Trainer(wrong)).toThrowError(/training row 3 of task "reg" has task id 0, not 1/);
    const outside = options(model, fs);
    outside.dev[0] = { ...outside.dev[0], taskIndex: 2 };
    expect(() => new Trainer(outside)).toThrowError(/dev set "cls" \(task index 2\).*the model has 2 tasks/);
    model.store.dispose();
  });

  it('a trainer built and never run frees its state with dispose()', () => {
    const model = new ToyModel();
    const start = tf.memory().numTensors;
    new Trainer(options(model, memoryFileSystem())).dispose();
    expect(tf.memory().numTensors).toBe(start);
    model.store.dispose();
  });
});
