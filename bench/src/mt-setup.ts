// What `bench mtu` and `bench leak` share: task pools of GLUE-like examples,
// and an MT-Uncertainty sampler over them (it scores with the model itself).
import type { EncodedExample, MultiTaskModel, Sampler } from '@camtl/core';
import { mtUncertainty } from '@camtl/sampler';
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

export interface MtuSetup {
  batchSize: number;
  candidates: number;
  seed: number;
  padTo?: PadTo;
  /** Candidates per scoring forward (default: MT-U's planned chunks). */
  scoreChunkSize?: number;
}

/** The MT-U sampler as the trainer builds it (residual regression uncertainty needs the target variance). */
export function mtuSampler(model: MultiTaskModel, pools: EncodedExample[][], o: MtuSetup): Sampler {
  const tasks = model.taskNames.map((name, t) => ({
    name,
    size: pools[t].length,
    kind: model.numLabelsPerTask[t] === 1 ? ('regression' as const) : ('classification' as const),
    targetVariance: variance(pools[t].map((r) => r.target)),
  }));
  const sampler = mtUncertainty({ candidatesPerTask: o.candidates, scoreChunkSize: o.scoreChunkSize });
  return sampler({ tasks, batchSize: o.batchSize, seed: o.seed, epochs: 1, model, train: pools, padTo: o.padTo });
}
