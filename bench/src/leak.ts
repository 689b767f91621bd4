// Worker side of `bench leak`: the whole training path (MT-U scoring, collate,
// forward, backward, AdamW) for many steps on a small CA-MTL model, or the
// plain BERT step, recording tfjs's live tensor count. Any growth after the
// first step is a leak: over an epoch of GLUE it would exhaust memory.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, collate, disposeBatch, trainContext } from '@camtl/core';
import { LEAK_CONFIG } from './configs';
import { buildModel, caMtl, disposeBench, makeTrainStep, makeUpdate, syntheticBatch, torchLikeAdamW } from './models';
import { mtuSampler, taskPools } from './mt-setup';
import type { BackendInfo, LeakJob } from './protocol';
import { peakRssMb } from './speed';

export interface LeakPoint {
  step: number;
  num_tensors: number;
  num_bytes: number;
}

export interface LeakResult {
  backend: string;
  model: string;
  shape: string;
  points: LeakPoint[];
  /** numTensors after the last step minus after the first (the first may allocate lazily). */
  growth: number;
  ok: boolean;
  peak_rss_mb: number;
  notes: string[];
}

type Step = (i: number) => Promise<void>;

async function camtlSteps(job: LeakJob): Promise<{ step: Step; dispose: () => void }> {
  const c = LEAK_CONFIG;
  const model = await caMtl(c, job.seed);
  const pools = taskPools(c.tasks!, 64, c.vocab, c.seq, job.seed);
  const rng = new Rng(job.seed + 1);
  const sampler = mtuSampler(model, pools, { batchSize: c.batch, candidates: c.batch, seed: job.seed });
  const optimizer = torchLikeAdamW(model.store.trainable());
  const update = makeUpdate(model.store.trainable(), optimizer);
  const step: Step = async (i) => {
    const draws = await sampler.next({ step: i, epoch: 1 });
    const batch = collate(
      draws.map((d) => pools[d.task][d.index]),
      { padTo: 'longest', labels: true },
    );
    await update(() => model.forward(batch, trainContext(rng)).loss!);
    disposeBatch(batch);
  };
  return { step, dispose: () => (sampler.dispose?.(), optimizer.dispose(), model.dispose()) };
}

async function bertSteps(job: LeakJob): Promise<{ step: Step; dispose: () => void }> {
  const c = { ...LEAK_CONFIG, kind: 'bert' as const, tasks: undefined };
  const model = await buildModel(c, job.seed);
  const optimizer = torchLikeAdamW(model.vars);
  const train = makeTrainStep(model, optimizer, new Rng(job.seed + 1));
  const batch = syntheticBatch(c, job.seed + 2);
  return {
    step: async () => void (await train(batch)),
    dispose: () => (disposeBench(batch), optimizer.dispose(), model.dispose()),
  };
}

function point(step: number): LeakPoint {
  const m = tf.memory();
  return { step, num_tensors: m.numTensors, num_bytes: m.numBytes };
}

export async function runLeak(
  job: LeakJob,
  info: BackendInfo,
  report: (key: string, value: unknown) => void,
): Promise<LeakResult> {
  const { step, dispose } = job.model === 'bert' ? await bertSteps(job) : await camtlSteps(job);
  const points = [point(0)];
  for (let i = 1; i <= job.steps; i++) {
    await step(i);
    if (i === 1 || i % job.every === 0 || i === job.steps) {
      points.push(point(i));
      report(`step_${i}`, points[points.length - 1]);
    }
  }
  dispose();
  const afterFirst = points[1].num_tensors;
  const growth = points[points.length - 1].num_tensors - afterFirst;
  const c = LEAK_CONFIG;
  return {
    backend: info.backend,
    model: job.model,
    shape: `H${c.hidden} L${c.layers} A${c.heads} I${c.intermediate}, vocab ${c.vocab}, batch ${c.batch} × ≤${c.seq}`,
    points,
    growth,
    ok: points.slice(1).every((p) => p.num_tensors <= afterFirst),
    peak_rss_mb: peakRssMb(),
    notes: info.notes,
  };
}
