import { expect, it } from 'vitest';
import { memoryFileSystem } from '../io/fs';
import { AdamW, GradientAccumulator } from '../optim';
import { Rng } from '../rng';
import { describeEachBackend } from '../testing/backends';
import { TOY_TASKS, ToyModel, toyData } from '../testing/toy-multitask';
import { latestCheckpoint, loadTrainingCheckpoint } from './checkpoint';
import type { Draw, SamplerFactory } from './sampler';
import { gradientNames, trainStep, type StepContext } from './train-step';
import { Trainer } from './trainer';

const CLS_ONLY: Draw[] = [
  { task: 0, index: 1 },
  { task: 0, index: 4 },
];
const MIXED: Draw[] = [
  { task: 0, index: 2 },
  { task: 1, index: 3 },
];

function context(model: ToyModel, accumulation = 1): StepContext {
  const vars = model.store.trainable();
  return {
    model,
    train: [toyData(12, 1, 0), toyData(9, 2, 1)],
    vars,
    names: gradientNames(vars),
    optimizer: new AdamW(vars, { missingGrads: 'zeroIfSeen' }),
    accumulator: new GradientAccumulator(accumulation),
    rng: new Rng(0),
    padTo: 'longest',
    maxGradNorm: 100, // no clipping: the momentum step below is checked by formula
  };
}

const read = async (model: ToyModel, name: string) => Array.from(await model.store.get(name).data());
const steps = async (c: StepContext) => (await c.optimizer.readState()).paramSteps!;

describeEachBackend('absent task heads', () => {
  it('get no gradient: untouched (step count 0) before the task appears, moved by momentum after', async () => {
    const model = new ToyModel(3, { taskHeads: true });
    const c = context(model);
    const reg0 = await read(model, 'heads.reg.weight');
    for (const step of [1, 2]) await trainStep(c, CLS_ONLY, step, 0.1);
    expect(await read(model, 'heads.reg.weight')).toEqual(reg0);
    expect((await steps(c)).get('heads.reg.weight')).toBe(0);
    expect((await steps(c)).get('heads.cls.weight')).toBe(2);
    expect((await steps(c)).get('emb.weight')).toBe(2);

    await trainStep(c, MIXED, 3, 0.1);
    expect((await steps(c)).get('heads.reg.weight')).toBe(1);
    // Absent again: a zero gradient, so p −= lr·√(1−β2^t)/(1−β1^t) · β1·m / (√(β2·v) + eps) with t = 2.
    const before = await c.optimizer.readState();
    const p = await read(model, 'heads.reg.weight');
    await trainStep(c, CLS_ONLY, 4, 0.1);
    expect((await steps(c)).get('heads.reg.weight')).toBe(2);
    const size = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const m = before.m.get('heads.reg.weight')!;
    const v = before.v.get('heads.reg.weight')!;
    const expected = p.map((x, i) => x - (size * 0.9 * m[i]) / (Math.sqrt(0.999 * v[i]) + 1e-8));
    const after = await read(model, 'heads.reg.weight');
    after.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
    expect(after).not.toEqual(p);
    c.optimizer.dispose();
    model.store.dispose();
  });

  it('with accumulation, a task present in one micro-batch of the group keeps its gradient', async () => {
    const model = new ToyModel(4, { taskHeads: true });
    const c = context(model, 2);
    await trainStep(c, CLS_ONLY, 1, 0.1);
    await trainStep(c, CLS_ONLY, 2, 0.1);
    expect((await steps(c)).get('heads.reg.weight')).toBe(0); // absent from the whole group
    await trainStep(c, MIXED, 3, 0.1);
    await trainStep(c, CLS_ONLY, 4, 0.1);
    expect((await steps(c)).get('heads.reg.weight')).toBe(1);
    await trainStep(c, CLS_ONLY, 5, 0.1);
    await trainStep(c, CLS_ONLY, 6, 0.1);
    expect((await steps(c)).get('heads.reg.weight')).toBe(2); // seen: zero gradient, the count advances
    c.optimizer.dispose();
    c.accumulator.dispose();
    model.store.dispose();
  });

  it('the Trainer drops them and builds its AdamW with zeroIfSeen (step counts in the checkpoint)', async () => {
    const fs = memoryFileSystem();
    const model = new ToyModel(5, { taskHeads: true });
    const reg0 = await read(model, 'heads.reg.weight');
    // cls only for 3 steps, one mixed step, then cls only again.
    const plan = [CLS_ONLY, CLS_ONLY, CLS_ONLY, MIXED, CLS_ONLY, CLS_ONLY];
    const sampler: SamplerFactory = ({ tasks }) => {
      let k = 0;
      return {
        specificationVersion: 'v1',
        kind: 'plan',
        epochLength: () => plan.length,
        next: async () => plan[k++],
        usage: () => ({ overall: 0, perTask: tasks.map(() => 0) }),
        getState: async () => ({ k }),
        setState: async (s) => void (k = s.k as number),
      };
    };
    const train = [toyData(12, 1, 0), toyData(9, 2, 1)];
    const trainer = new Trainer({ model, tasks: TOY_TASKS, train, dev: [], sampler, outputDir: 'run', fs, epochs: 1 });
    await trainer.run();
    const { state } = await loadTrainingCheckpoint((await latestCheckpoint('run/checkpoints', fs))!, fs);
    expect(state.optimizer.paramSteps['heads.cls.weight']).toBe(6);
    expect(state.optimizer.paramSteps['heads.reg.weight']).toBe(3); // steps 4, 5, 6
    expect(await read(model, 'heads.reg.weight')).not.toEqual(reg0);
    model.store.dispose();
  });
});
