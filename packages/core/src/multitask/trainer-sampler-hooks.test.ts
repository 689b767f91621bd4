// The Trainer tells its sampler about each evaluation (Sampler.onEvaluate),
// before the checkpoint that saves the sampler's state, so the flag resumes.
import { expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { describeEachBackend } from '../testing/backends';
import { TOY_TASKS, ToyModel, toyData, toySampler } from '../testing/toy-multitask';
import type { SamplerFactory } from './sampler';
import { Trainer } from './trainer';

describeEachBackend('Trainer sampler hooks', () => {
  it('calls onEvaluate after each evaluation, before the sampler state is saved', async () => {
    const events: string[] = [];
    const sampler: SamplerFactory = (ctx) => {
      const inner = toySampler()(ctx);
      const save = inner.getState.bind(inner);
      return Object.assign(inner, {
        onEvaluate: () => events.push('evaluate'),
        getState: async () => (events.push('save'), save()),
      });
    };
    const model = new ToyModel();
    const train = [toyData(40, 1, 0), toyData(30, 2, 1)];
    const dev = [{ key: 'cls', task: TOY_TASKS[0], taskIndex: 0, split: 'dev' as const, rows: toyData(10, 3, 0) }];
    const fs = memoryFileSystem();
    const result = await new Trainer({
      model,
      tasks: TOY_TASKS,
      train,
      dev,
      sampler,
      outputDir: 'run2',
      fs,
      batchSize: 8,
      epochs: 1,
      evalEvery: 3,
      maxSteps: 7,
      learningRate: 0.01,
      seed: 1,
    }).run();
    expect(result.steps).toBe(7);
    // Evaluations at steps 3, 6 and 7 (the end): each followed by its checkpoint's save.
    expect(events).toEqual(['evaluate', 'save', 'evaluate', 'save', 'evaluate', 'save']);
    model.store.dispose();
  });
});
