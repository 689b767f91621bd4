// Worker side of the default benchmark: one (config, backend) per process, so
// peak RSS and the tensor counts belong to that backend alone.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@camtl/core';
import { CONFIGS } from './configs';
import {
  buildModel,
  disposeBench,
  makeInferStep,
  makeTrainStep,
  syntheticBatch,
  torchLikeAdamW,
  type BenchBatch,
  type BenchModel,
} from './models';
import type { BackendInfo, SpeedJob } from './protocol';
import { peakRssMb } from './rss';
import { median, round } from './stats';
import { profileSteps, type StepProfile } from './profile';
import { cutNote, runPhase, type PhaseOptions, type PhaseResult } from './timing';

/** What one worker measured; the parent adds the PyTorch columns and ratios. */
export interface SpeedResult {
  backend: string;
  config: string;
  train_median_ms: number | null;
  infer_median_ms: number | null;
  train_first_ms: number | null;
  infer_first_ms: number | null;
  train_steps: number;
  infer_steps: number;
  peak_rss_mb: number;
  num_tensors_before: number;
  num_tensors_after: number;
  threads: number | null;
  batch: number;
  seq: number;
  params: number;
  device: string;
  notes: string[];
  /** With --profile: where one train step and one inference step spend their time. */
  profile?: { train: StepProfile; infer: StepProfile };
}

type Report = (key: string, value: unknown) => void;

// Re-exported: the epoch, MT-U and leak workers import it from here.
export { peakRssMb };

function phaseFields(prefix: 'train' | 'infer', r: PhaseResult) {
  return {
    [`${prefix}_median_ms`]: round(median(r.warmMs)),
    [`${prefix}_first_ms`]: round(r.firstMs),
    [`${prefix}_steps`]: r.warmMs.length,
  };
}

interface Measured {
  train: PhaseResult;
  infer: PhaseResult;
  /** Taken before any profiling, which adds work of its own. */
  peakRssMb: number;
  numTensorsAfter: number;
  profile?: { train: StepProfile; infer: StepProfile };
}

async function measure(job: SpeedJob, model: BenchModel, batch: BenchBatch, report: Report): Promise<Measured> {
  const optimizer = torchLikeAdamW(model.vars);
  const options: PhaseOptions = { warmup: job.warmup, steps: job.steps, budgetMs: job.budgetMs };
  const trainStep = makeTrainStep(model, optimizer, new Rng(job.seed + 2));
  const onTrain = (r: PhaseResult) => report('train', { ...phaseFields('train', r), peak_rss_mb: peakRssMb() });
  const train = await runPhase(async () => void (await trainStep(batch)), { ...options, onStep: onTrain });
  const inferStep = makeInferStep(model);
  const onInfer = (r: PhaseResult) => report('infer', { ...phaseFields('infer', r), peak_rss_mb: peakRssMb() });
  const infer = await runPhase(() => inferStep(batch), { ...options, onStep: onInfer });
  const peak = peakRssMb();
  const numTensorsAfter = tf.memory().numTensors;
  const profile = job.profile
    ? await profileSteps(
        () => trainStep(batch),
        () => inferStep(batch),
      )
    : undefined;
  optimizer.dispose();
  return { train, infer, peakRssMb: peak, numTensorsAfter, profile };
}

export async function runSpeed(job: SpeedJob, info: BackendInfo, report: Report): Promise<SpeedResult> {
  const config = CONFIGS[job.config];
  const model = await buildModel(config, job.seed);
  const batch = syntheticBatch(config, job.seed + 1);
  // Counted with the optimiser's moments absent; `measure` disposes them before it returns.
  const numTensorsBefore = tf.memory().numTensors;
  const notes = [...info.notes];
  report('info', { threads: info.threads, device: info.device, notes, params: model.parameterCount() });
  const m = await measure(job, model, batch, report);
  const options = { warmup: job.warmup, steps: job.steps, budgetMs: job.budgetMs };
  for (const note of [cutNote('train', m.train, options), cutNote('inference', m.infer, options)])
    if (note) notes.push(note);
  const numTensorsAfter = tf.memory().numTensors;
  if (numTensorsAfter !== numTensorsBefore) {
    notes.push(`numTensors changed by ${numTensorsAfter - numTensorsBefore} over the run: a leak (see \`bench leak\`)`);
  }
  const result: SpeedResult = {
    backend: info.backend,
    config: config.name,
    ...phaseFields('train', m.train),
    ...phaseFields('infer', m.infer),
    peak_rss_mb: m.peakRssMb,
    num_tensors_before: numTensorsBefore,
    num_tensors_after: numTensorsAfter,
    threads: info.threads,
    batch: config.batch,
    seq: config.seq,
    params: model.parameterCount(),
    device: info.device,
    notes,
    ...(m.profile ? { profile: m.profile } : {}),
  } as SpeedResult;
  disposeBench(batch);
  model.dispose();
  return result;
}
