// Worker side of `bench mtu`: what MT-Uncertainty's scoring pass costs next to
// the train step on the batch it selects, at camtl-mini size with 8 GLUE-like
// tasks. Scoring = the sampler's next(): T × c candidates forward without a
// tape, the on-device scores, top-k and the read of the chosen indices.
import type * as tf from '@tensorflow/tfjs-core';
import type { CaMtlModel } from '@camtl/ca-mtl';
import {
  Rng,
  collate,
  disposeBatch,
  trainContext,
  type Draw,
  type EncodedExample,
  type MultiTaskModel,
  type Sampler,
} from '@camtl/core';
import { CONFIGS, type BenchConfig } from './configs';
import { GLUE_LENGTHS, MAX_LENGTH } from './lengths';
import { caMtl, makeUpdate, torchLikeAdamW } from './models';
import { mtuSampler, taskPools, type PadTo } from './mt-setup';
import type { BackendInfo, MtuJob } from './protocol';
import { peakRssMb } from './speed';
import { median, round } from './stats';

export interface MtuResult {
  backend: string;
  config: string;
  tasks: number;
  candidates_per_task: number;
  batch: number;
  padding: 'longest' | 'max';
  /** Candidates per scoring forward; 0: MT-U's default, chunks cut where padding plus a per-forward cost is least. */
  score_group: number;
  /** Scoring forwards per step (median). */
  score_forwards: number | null;
  steps: number;
  scoring_median_ms: number | null;
  /** The scorer's forward alone (exact on synchronous backends: cpu, wasm). */
  score_forward_median_ms: number | null;
  train_median_ms: number | null;
  fraction: number | null;
  fraction_median_per_step: number | null;
  mean_train_length: number | null;
  peak_rss_mb: number;
  threads: number | null;
  notes: string[];
}

/**
 * The model as the sampler sees it, with each forward's wall time added to
 * `spent`: the scoring forwards, exact on synchronous backends (cpu, wasm).
 */
function timed(model: CaMtlModel, spent: Spent): MultiTaskModel {
  return {
    store: model.store,
    taskNames: model.taskNames,
    numLabelsPerTask: model.numLabelsPerTask,
    maxSeqLength: model.maxSeqLength,
    save: (dir, fs) => model.save(dir, fs),
    forward(batch, ctx) {
      const t0 = performance.now();
      const out = model.forward(batch, ctx);
      spent.ms += performance.now() - t0;
      spent.calls++;
      return out;
    },
  };
}

/** The scoring forwards of a step: their wall time and number. */
interface Spent {
  ms: number;
  calls: number;
}

interface StepTimes {
  scoring: number;
  forward: number;
  forwards: number;
  train: number;
  length: number;
}

interface Setup {
  model: CaMtlModel;
  pools: EncodedExample[][];
  sampler: Sampler;
  spent: Spent;
  update: (loss: () => tf.Scalar) => Promise<number>;
  padTo: PadTo;
  rng: Rng;
}

/** One step: the sampler's next() (scoring and selection), then a train step on what it chose. */
async function step(s: Setup, i: number): Promise<StepTimes> {
  Object.assign(s.spent, { ms: 0, calls: 0 });
  const t0 = performance.now();
  const draws: Draw[] = await s.sampler.next({ step: i, epoch: 1 });
  const t1 = performance.now();
  const rows = draws.map((d) => s.pools[d.task][d.index]);
  const batch = collate(rows, { padTo: s.padTo, labels: true });
  await s.update(() => s.model.forward(batch, trainContext(s.rng)).loss!);
  const length = batch.inputIds.shape[1];
  disposeBatch(batch);
  return { scoring: t1 - t0, forward: s.spent.ms, forwards: s.spent.calls, train: performance.now() - t1, length };
}

export async function runMtu(
  job: MtuJob,
  info: BackendInfo,
  report: (key: string, value: unknown) => void,
): Promise<MtuResult> {
  const tasks = GLUE_LENGTHS.map((t) => t.task);
  const config: BenchConfig = { ...CONFIGS[job.config], tasks };
  const model = await caMtl(config, job.seed);
  const pools = taskPools(tasks, job.pool, config.vocab, MAX_LENGTH, job.seed);
  const padTo: PadTo = job.padding === 'max' ? MAX_LENGTH : 'longest';
  const rng = new Rng(job.seed + 3);
  const spent = { ms: 0, calls: 0 };
  const optimizer = torchLikeAdamW(model.store.trainable());
  const sampler = mtuSampler(timed(model, spent), pools, {
    batchSize: config.batch,
    candidates: job.candidates,
    seed: job.seed,
    padTo,
    // 0 = MT-U's own default (chunks cut where padding plus a per-forward cost is least).
    scoreChunkSize: job.scoreGroup > 0 ? job.scoreGroup : undefined,
  });
  const s: Setup = {
    model,
    pools,
    sampler,
    spent,
    padTo,
    rng,
    update: makeUpdate(model.store.trainable(), optimizer),
  };
  const warmup = Math.max(1, job.warmup);
  for (let i = 0; i < warmup; i++) await step(s, i);
  const times: StepTimes[] = [];
  for (let i = 0; i < job.steps; i++) {
    times.push(await step(s, warmup + i));
    report(`step_${i}`, times[i]);
  }
  sampler.dispose?.();
  optimizer.dispose();
  model.dispose();
  return summarise(job, info, config, times);
}

function summarise(job: MtuJob, info: BackendInfo, config: BenchConfig, times: StepTimes[]): MtuResult {
  const scoring = median(times.map((t) => t.scoring));
  const train = median(times.map((t) => t.train));
  const notes = [...info.notes];
  if (info.choice === 'webgpu') notes.push('score_forward_median_ms only times command submission on WebGPU');
  return {
    backend: info.backend,
    config: config.name,
    tasks: config.tasks!.length,
    candidates_per_task: job.candidates,
    batch: config.batch,
    padding: job.padding,
    score_group: job.scoreGroup,
    score_forwards: median(times.map((t) => t.forwards)),
    steps: times.length,
    scoring_median_ms: round(scoring),
    score_forward_median_ms: round(median(times.map((t) => t.forward))),
    train_median_ms: round(train),
    fraction: round(scoring / train, 3),
    fraction_median_per_step: round(median(times.map((t) => t.scoring / t.train)), 3),
    mean_train_length: round(times.reduce((a, t) => a + t.length, 0) / times.length, 1),
    peak_rss_mb: peakRssMb(),
    threads: info.threads,
    notes,
  };
}
