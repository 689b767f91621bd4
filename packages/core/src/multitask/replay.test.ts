import { expect, it } from 'vitest';
import { useBackend } from '../backend';
import { memoryFileSystem, type FileSystem } from '../io/fs';
import { lrAt, warmupStepsFromRatio } from '../optim';
import { TEST_BACKENDS, describeEachBackend } from '../testing/backends';
import { TOY_TASKS, ToyModel, toyData, toySampler } from '../testing/toy-multitask';
import type { EncodedExample } from './data';
import type { SamplerFactory } from './sampler';
import { parseSchedule, type ScheduleLine } from './schedule-log';
import { Trainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

// Training rows whose index is not their array position (as after a
// --data-fraction subset): the schedule must name the split's index.
function train(): EncodedExample[][] {
  return [toyData(40, 1, 0), toyData(30, 2, 1)].map((rows) =>
    rows.map((r, i) => ({ ...r, index: 100 + 2 * i })).reverse(),
  );
}

/** Test-only replay: each line's (task name, index) back to the training row with that index. */
function replayOf(lines: readonly ScheduleLine[]): SamplerFactory {
  return ({ tasks, train }) => {
    let next = 0;
    const position = (task: number, index: number) => train![task].findIndex((r, p) => (r.index ?? p) === index);
    return {
      specificationVersion: 'v1',
      kind: 'test-replay',
      epochLength: () => lines.length,
      totalSteps: () => lines.length,
      next: async () =>
        lines[next++].rows.map((r) => {
          const task = tasks.findIndex((t) => t.name === r.task);
          return { task, index: position(task, r.index) };
        }),
      usage: () => ({ overall: 0, perTask: tasks.map(() => 0) }),
      getState: async () => ({ next }),
      setState: async (s) => void (next = s.next as number),
    };
  };
}

function options(model: ToyModel, fs: FileSystem, extra: Partial<TrainerOptions>): TrainerOptions {
  return {
    model,
    tasks: TOY_TASKS,
    train: train(),
    dev: [],
    sampler: toySampler(),
    outputDir: 'run',
    fs,
    batchSize: 6,
    epochs: 3,
    learningRate: 0.05,
    seed: 5,
    ...extra,
  };
}

const text = (fs: FileSystem, file: string) => fs.readText(file);

async function steps(fs: FileSystem): Promise<Array<Record<string, number>>> {
  return (await text(fs, 'run/train.jsonl'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'step');
}

/** A run of `extra`, then its schedule replayed on a fresh model of the same init: both logs' steps. */
async function runAndReplay(extra: Partial<TrainerOptions>, replayBackend?: string) {
  const fs = memoryFileSystem();
  const model = new ToyModel(2, { taskHeads: true });
  await new Trainer(options(model, fs, extra)).run();
  model.store.dispose();
  const schedule = parseSchedule(await text(fs, 'run/schedule.jsonl'), 'schedule.jsonl');
  if (replayBackend) await useBackend(replayBackend);
  const again = memoryFileSystem();
  const copy = new ToyModel(2, { taskHeads: true });
  await new Trainer(options(copy, again, { ...extra, sampler: replayOf(schedule), maxSteps: undefined })).run();
  copy.store.dispose();
  return { fs, again, schedule, original: await steps(fs), replayed: await steps(again) };
}

describeEachBackend('schedule.jsonl and replay', () => {
  it('names each step’s rows by task and split index, in batch order, and replays to the same losses exactly', async () => {
    const { fs, again, schedule, original, replayed } = await runAndReplay({ maxSteps: 7 });
    expect(schedule).toHaveLength(7);
    const rows = train();
    const drawn = schedule[0].rows;
    expect(drawn).toHaveLength(6);
    // toySampler: round-robin over tasks; the index is the row's own, not its array position.
    expect(drawn.map((r) => r.task)).toEqual(['cls', 'reg', 'cls', 'reg', 'cls', 'reg']);
    for (const r of drawn) expect(rows[r.task === 'cls' ? 0 : 1].some((x) => x.index === r.index)).toBe(true);
    expect(replayed.map((s) => s.loss)).toEqual(original.map((s) => s.loss));
    expect(replayed.map((s) => s.lr)).toEqual(original.map((s) => s.lr));
    expect(replayed.map((s) => s.gradNorm)).toEqual(original.map((s) => s.gradNorm));
    // The replay writes the schedule it trained on: the same file.
    expect(await text(again, 'run/schedule.jsonl')).toEqual(await text(fs, 'run/schedule.jsonl'));
  });

  it('a replay of N lines runs N steps whatever the epochs, and its learning rate spans N', async () => {
    const { replayed } = await runAndReplay({ maxSteps: 5, epochs: 4, warmupRatio: 0.3 });
    expect(replayed).toHaveLength(5);
    const spec = { baseLr: 0.05, warmupSteps: warmupStepsFromRatio(5, 0.3), totalSteps: 5, decay: 'linear' as const };
    expect(replayed.map((s) => s.lr)).toEqual([0, 1, 2, 3, 4].map((k) => lrAt(k, spec)));
    expect(replayed.at(-1)!.lr).toBeGreaterThan(0); // spanning 4 × the epoch length would leave it near the peak
  });

  it('maxSteps shorter than the planned epochs: the run and the learning-rate schedule both span maxSteps', async () => {
    const fs = memoryFileSystem();
    const model = new ToyModel(2);
    const trainer = new Trainer(options(model, fs, { maxSteps: 8, warmupRatio: 0.1 }));
    expect(trainer.totalSteps).toBe(8); // epochs × epoch length = 3 × 12
    await trainer.run();
    const lrs = (await steps(fs)).map((s) => s.lr);
    const spec = { baseLr: 0.05, warmupSteps: 0.8, totalSteps: 8, decay: 'linear' as const };
    expect(lrs).toEqual(Array.from({ length: 8 }, (_, k) => lrAt(k, spec)));
    // Longer than planned: the run ends with its epochs.
    expect(new Trainer(options(model, memoryFileSystem(), { maxSteps: 1000 })).totalSteps).toBe(36);
    model.store.dispose();
  });
});

it.skipIf(!(TEST_BACKENDS.includes('cpu') && TEST_BACKENDS.includes('wasm')))(
  'a run on cpu replayed on wasm gives the same step losses to 1e-4',
  async () => {
    await useBackend('cpu');
    const { original, replayed } = await runAndReplay({ maxSteps: 8 }, 'wasm');
    expect(replayed).toHaveLength(8);
    replayed.forEach((s, i) => expect(Math.abs(s.loss - original[i].loss)).toBeLessThan(1e-4));
  },
);
