/**
 * Multi-task fine-tuning in the page: the synthetic suite generated here
 * (deterministic in its seed), tokenized with the model's tokenizer, and
 * camtl's own Trainer (sampler-driven mixed batches, AdamW, warmup/decay,
 * clipping) writing its log and checkpoints to memory. Each step's log line
 * is handed to the page, and the page gets a frame between steps.
 */
import {
  bertConfigToJson,
  encodeExamples,
  memoryFileSystem,
  Trainer,
  type EncodedExample,
  type FileSystem,
  type TaskDefinition,
} from '@camtl/core';
import { createCaMtl, type CaMtlModel } from '@camtl/ca-mtl';
import { createSampler, type SamplerName } from '@camtl/sampler';
import { findSyntheticTask, generateSuite, taskSpec } from '@camtl/synthetic';
import type { LoadedModel } from './model';

export interface SuiteData {
  tasks: TaskDefinition[];
  train: EncodedExample[][];
  /** A few dev examples per task, for "try an example". */
  samples: Record<string, Array<{ textA: string; textB?: string; label: string }>>;
  seed: number;
}

/** Why the model cannot be fine-tuned on the synthetic suite, or undefined when it can. */
export function cannotFineTune(loaded: LoadedModel): string | undefined {
  const foreign = loaded.model.taskNames.filter((t) => !taskSpec(t));
  if (foreign.length > 0)
    return `its tasks (${foreign.join(', ')}) are not in the synthetic suite, the only training data the page has`;
  return undefined;
}

/** Generates the suite and tokenizes its training splits for the model's tasks (a second or so). */
export function prepareSuite(loaded: LoadedModel, seed = 0): SuiteData {
  const suite = generateSuite({ seed });
  const tasks: TaskDefinition[] = [];
  const train: EncodedExample[][] = [];
  const samples: SuiteData['samples'] = {};
  loaded.model.taskNames.forEach((name, t) => {
    const generated = suite.tasks.find((x) => x.name === name);
    const task = findSyntheticTask(name);
    if (!generated || !task) throw new Error(`task ${name} is not in the synthetic suite`);
    tasks.push(task);
    train.push(encodeExamples(loaded.tokenizer, generated.splits.train, task, t, loaded.model.maxSeqLength));
    samples[name] = generated.splits.dev.slice(0, 200);
  });
  return { tasks, train, samples, seed };
}

/** A new model of the same shape and tasks with fresh random weights. */
export async function freshModel(model: CaMtlModel, seed: number): Promise<CaMtlModel> {
  const c = model.config;
  const { model: fresh } = await createCaMtl({
    bertConfig: bertConfigToJson(c.bert) as Record<string, unknown>,
    tasks: [...c.tasks],
    numLabels: [...c.numLabelsPerTask],
    variant: c.variant,
    maxSeqLength: c.maxSeqLength,
    options: c.options,
    seed,
  });
  return fresh;
}

/** A step record of the trainer's JSONL log (the fields the page uses). */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  perTaskLoss: Record<string, number | null>;
  examplesPerTask: Record<string, number>;
  examplesPerSecond: number;
}

export interface FineTuneOptions {
  steps: number;
  batchSize: number;
  learningRate: number;
  sampler: SamplerName;
  seed: number;
  warmupRatio?: number;
  onStep(record: StepRecord, totalSteps: number): void;
  /** Set `stopped` to end at the next step boundary. */
  signal: { stopped: boolean };
}

export interface FineTuneResult {
  steps: number;
  reason: string;
  seconds: number;
}

/** Lets the browser paint (and handle clicks) between steps; rAF alone stalls in background tabs. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (!done) ((done = true), resolve());
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(finish, 0));
    setTimeout(finish, 50);
  });
}

/** A memory FileSystem that reports the trainer's log lines and yields a frame after each. */
function observedFileSystem(onRecord: (r: Record<string, unknown>) => void): FileSystem {
  const mem = memoryFileSystem();
  return {
    ...mem,
    async appendText(path, text) {
      await mem.appendText(path, text);
      if (path.endsWith('train.jsonl')) {
        for (const line of text.split('\n')) if (line.trim()) onRecord(JSON.parse(line) as Record<string, unknown>);
        await nextFrame();
      }
    },
  };
}

export async function fineTune(loaded: LoadedModel, data: SuiteData, o: FineTuneOptions): Promise<FineTuneResult> {
  const started = performance.now();
  let total = o.steps;
  const fs = observedFileSystem((r) => {
    if (r.type === 'step') o.onStep(r as unknown as StepRecord, total);
  });
  const trainer = new Trainer({
    model: loaded.model,
    tasks: data.tasks,
    train: data.train,
    dev: [],
    fs,
    outputDir: 'run',
    sampler: createSampler(o.sampler),
    maxSteps: o.steps,
    batchSize: o.batchSize,
    learningRate: o.learningRate,
    warmupRatio: o.warmupRatio ?? 0.1,
    weightDecay: 0.01,
    maxGradNorm: 1,
    seed: o.seed,
    keepCheckpoints: 1,
    stopSignal: o.signal,
    runInfo: { backend: 'browser' },
  });
  try {
    total = trainer.totalSteps;
    await nextFrame();
    const result = await trainer.run();
    return { steps: result.steps, reason: result.reason, seconds: (performance.now() - started) / 1000 };
  } finally {
    trainer.dispose(); // the optimiser moments, also when the page stops before run() starts
  }
}
