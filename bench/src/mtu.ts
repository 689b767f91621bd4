// Worker side of `bench mtu`: what MT-Uncertainty's scoring pass costs next to
// the train step on the batch it selects, at camtl-mini size with 8 GLUE-like
// tasks. Scoring = the sampler's next(): T × c candidates forward without a
// tape, the on-device scores, top-k and the read of the chosen indices.
import type * as tf from '@tensorflow/tfjs-core';
import type { CaMtlModel } from '@camtl/ca-mtl';
import {
  Rng,
  collate,
  makeScorer,
  disposeBatch,
  trainContext,
  type Draw,
  type EncodedExample,
  type Sampler,
  type Scorer,
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
  score_group: number;
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

/** A scorer that adds its own wall time to `spent` (the forward, on synchronous backends). */
function timed(scorer: Scorer, spent: { ms: number }): Scorer {
  return (draws, options) => {
    const t0 = performance.now();
    const out = scorer(draws, options);
    spent.ms += performance.now() - t0;
    return out;
  };
}

interface StepTimes {
  scoring: number;
  forward: number;
  train: number;
  length: number;
}

interface Setup {
  model: CaMtlModel;
  pools: EncodedExample[][];
  sampler: Sampler;
  scorer: Scorer;
  spent: { ms: number };
  update: (loss: () => tf.Scalar) => Promise<number>;
  padTo: PadTo;
  rng: Rng;
}

/** One step: the sampler's next() (scoring and selection), then a train step on what it chose. */
async function step(s: Setup, i: number): Promise<StepTimes> {
  s.spent.ms = 0;
  const t0 = performance.now();
  const draws: Draw[] = s.sampler.next({ step: i, epoch: 1 }, s.scorer);
  const t1 = performance.now();
  const rows = draws.map((d) => s.pools[d.task][d.index]);
  const batch = collate(rows, { padTo: s.padTo, labels: true });
  await s.update(() => s.model.forward(batch, trainContext(s.rng)).loss!);
  const length = batch.inputIds.shape[1];
  disposeBatch(batch);
  return { scoring: t1 - t0, forward: s.spent.ms, train: performance.now() - t1, length };
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
  const grouped = job.scoreGroup > 0 && padTo === 'longest';
  const spent = { ms: 0 };
  const base = makeScorer(model, pools, padTo, rng, grouped ? job.scoreGroup : Number.POSITIVE_INFINITY);
  const optimizer = torchLikeAdamW(model.store.trainable());
  const sampler = mtuSampler(model, pools, config.batch, job.candidates, job.seed);
  const s: Setup = {
    model,
    pools,
    sampler,
    scorer: timed(base, spent),
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
  if (job.scoreGroup > 0 && job.padding === 'max')
    notes.push('--score-group is ignored with --padding max (every group would pad to 128)');
  if (info.choice === 'webgpu') notes.push('score_forward_median_ms only times command submission on WebGPU');
  return {
    backend: info.backend,
    config: config.name,
    tasks: config.tasks!.length,
    candidates_per_task: job.candidates,
    batch: config.batch,
    padding: job.padding,
    score_group: job.padding === 'max' ? 0 : job.scoreGroup,
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
