// MT-Uncertainty inside core's Trainer, as `camtl train` runs it: the trainer
// hands the sampler its model and rows, and a stopped run resumes exactly
// (streams, running statistics and dropout generator in the sampler state).
import * as tf from '@tensorflow/tfjs-core';
import { Trainer, memoryFileSystem, type FileSystem, type TrainerOptions } from '@camtl/core';
import { TOY_TASKS, ToyModel, describeEachBackend, toyData } from '@camtl/core/testing';
import { expect, it } from 'vitest';
import { mtUncertainty, type MtUncertaintyOptions } from './mt-uncertainty';

function options(model: ToyModel, fs: FileSystem, mtu: MtUncertaintyOptions, extra: Partial<TrainerOptions> = {}) {
  return {
    model,
    tasks: TOY_TASKS,
    train: [toyData(40, 1, 0), toyData(30, 2, 1)],
    dev: [],
    sampler: mtUncertainty(mtu),
    outputDir: 'run',
    fs,
    batchSize: 4,
    maxSteps: 12,
    learningRate: 0.05,
    seed: 3,
    saveEvery: 4,
    ...extra,
  } satisfies TrainerOptions;
}

const weights = async (m: ToyModel) =>
  (await Promise.all(m.store.names().map((n) => m.store.get(n).data()))).map((d) => Array.from(d));

const stepLosses = (fs: ReturnType<typeof memoryFileSystem>) =>
  new TextDecoder()
    .decode(fs.files.get('run/train.jsonl'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'step')
    .map((r) => [r.step, r.loss, r.examplesPerTask]);

describeEachBackend('MT-Uncertainty in the Trainer', () => {
  const variants: MtUncertaintyOptions[] = [{}, { scoreWithDropout: true, regression: { kind: 'mc-dropout' } }];
  for (const mtu of variants) {
    it(`a stopped run resumes exactly (${JSON.stringify(mtu)})`, async () => {
      const before = tf.memory().numTensors;
      const straightFs = memoryFileSystem();
      const straight = new ToyModel();
      await new Trainer(options(straight, straightFs, mtu)).run();

      const fs = memoryFileSystem();
      const first = new ToyModel();
      const stop = { stopped: false };
      const cut = { stopSignal: stop, onProgress: (p: { step: number }) => (stop.stopped = p.step >= 6) };
      expect((await new Trainer(options(first, fs, mtu, cut)).run()).reason).toBe('interrupted');
      const second = new ToyModel(99); // a fresh process: other init, then --resume
      await new Trainer(options(second, fs, mtu, { resume: true })).run();

      expect(await weights(second)).toEqual(await weights(straight));
      expect(stepLosses(fs)).toEqual(stepLosses(straightFs));
      [straight, first, second].forEach((m) => m.store.dispose());
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
