// What `bench mtu` and `bench leak` share: task pools of GLUE-like examples,
// and an MT-Uncertainty sampler over them (scored by core's makeScorer).
import type { EncodedExample, Sampler } from '@camtl/core';
import { mtUncertainty } from '@camtl/sampler';
import type { CaMtlModel } from '@camtl/ca-mtl';
import { randomRows } from './epoch-data';
import { glueLengths, sampleLengths } from './lengths';

export type PadTo = 'longest' | number;

/** `size` examples per task with modelled GLUE lengths (capped at `maxSeqLength`); sts-b targets are scores. */
export function taskPools(
  tasks: string[],
  size: number,
  vocab: number,
  maxSeqLength: number,
  seed: number,
): EncodedExample[][] {
  return tasks.map((task, t) => {
    const lengths = sampleLengths(glueLengths(task), size, seed + 31 * t).map((n) => Math.min(n, maxSeqLength));
    const rows = randomRows(lengths, t, vocab, task !== 'cola' && task !== 'sst-2', seed + 31 * t + 1);
    if (task === 'sts-b') rows.forEach((r, i) => (r.target = (i * 37) % 6));
    return rows;
  });
}

function variance(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
}

/** The MT-U sampler as the trainer builds it (residual regression uncertainty needs the target variance). */
export function mtuSampler(
  model: CaMtlModel,
  pools: EncodedExample[][],
  batchSize: number,
  candidates: number,
  seed: number,
): Sampler {
  const tasks = model.taskNames.map((name, t) => ({
    name,
    size: pools[t].length,
    kind: model.numLabelsPerTask[t] === 1 ? ('regression' as const) : ('classification' as const),
    targetVariance: variance(pools[t].map((r) => r.target)),
  }));
  return mtUncertainty({ candidatesPerTask: candidates })({ tasks, batchSize, seed, epochs: 1 });
}
