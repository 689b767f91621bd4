// Real Trainer runs compared with cpu: core's Trainer (collate, dropout,
// AdamW with clipping, the JSONL log, checkpoints to memory) driven by
// MT-Uncertainty, which scores candidates with the model on the active
// backend and reads its top k back, and by proportional sampling. The rows
// each step trains on must be the ones cpu chose, and the step losses,
// per-task losses and gradient norms must agree with cpu's.
import {
  Trainer,
  memoryFileSystem,
  type Draw,
  type FileSystem,
  type MultiTaskModel,
  type SamplerFactory,
} from '@camtl/core';
import { mtUncertainty, proportional } from '@camtl/sampler';
import { fmt, measure } from '../compare';
import type { Measure, ParityCheck, Tolerance } from '../types';
import { ScoreRecorder, stepMargin, type StepMargin } from './mt-margins';
import { TASK_DEFINITIONS, TRAINER_RUN, trainerModel, trainerRows } from './trainer-setup';

const SAMPLERS: Record<string, () => SamplerFactory> = {
  'mt-uncertainty': () => mtUncertainty(),
  proportional: () => proportional(),
};

export interface TrainerTrace {
  /** The rows of every step, as the sampler returned them. */
  selections: Draw[][];
  losses: number[];
  /** Per step and task: the task's mean loss in the batch, or null when absent. */
  perTaskLosses: Array<Array<number | null>>;
  gradNorms: number[];
  /** MT-U only, on cpu: the score gap at rank k of every step. */
  margins?: StepMargin[];
}

interface Recording {
  selections: Draw[][];
  margins: StepMargin[];
  recorder?: ScoreRecorder;
}

const rows = trainerRows();
const variance = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
};
const marginTasks = {
  rows,
  regression: TASK_DEFINITIONS.map((t) => t.kind === 'regression'),
  variance: rows.map((r) => variance(r.map((x) => x.target))),
};

/**
 * The sampler, recording what every `next` returns. With a recorder, the
 * sampler scores through it and each step's score gap is computed too.
 */
function recording(factory: SamplerFactory, rec: Recording): SamplerFactory {
  return (context) => {
    const model: MultiTaskModel | undefined = rec.recorder?.model() ?? context.model;
    const inner = factory({ ...context, model });
    return {
      specificationVersion: inner.specificationVersion,
      kind: inner.kind,
      epochLength: () => inner.epochLength(),
      usage: () => inner.usage(),
      getState: () => inner.getState(),
      setState: (s) => inner.setState(s),
      dispose: () => inner.dispose?.(),
      async next(request) {
        const draws = await inner.next(request);
        rec.selections.push(draws.map((d) => ({ task: d.task, index: d.index })));
        if (rec.recorder) rec.margins.push(stepMargin(await rec.recorder.take(), draws, marginTasks));
        return draws;
      },
    };
  };
}

interface StepRecord {
  type: string;
  loss: number;
  gradNorm: number;
  perTaskLoss: Record<string, number | null>;
}

/** The Trainer of one run: no dev set (nothing to evaluate), no warmup (every step moves the weights). */
function newTrainer(model: MultiTaskModel, sampler: SamplerFactory, fs: FileSystem): Trainer {
  return new Trainer({
    model,
    tasks: TASK_DEFINITIONS,
    train: rows,
    dev: [],
    sampler,
    outputDir: 'run',
    fs,
    maxSteps: TRAINER_RUN.steps,
    batchSize: TRAINER_RUN.batchSize,
    learningRate: TRAINER_RUN.learningRate,
    warmupRatio: 0,
    weightDecay: 0.01,
    maxGradNorm: 1,
    seed: TRAINER_RUN.seed,
    keepCheckpoints: 1,
  });
}

/** TRAINER_RUN.steps steps of a fresh model with `sampler`, every quantity read from the Trainer's log. */
async function trainerRun(sampler: string, margins: boolean): Promise<TrainerTrace> {
  const model = await trainerModel();
  const rec: Recording = { selections: [], margins: [], recorder: margins ? new ScoreRecorder(model) : undefined };
  const fs = memoryFileSystem();
  try {
    // run() frees the trainer's own state (AdamW moments): the runners check nothing is left.
    await newTrainer(model, recording(SAMPLERS[sampler](), rec), fs).run();
    const log = (await fs.readText('run/train.jsonl')).split('\n').filter(Boolean);
    const steps = log.map((l) => JSON.parse(l) as StepRecord).filter((r) => r.type === 'step');
    return {
      selections: rec.selections,
      losses: steps.map((r) => r.loss),
      perTaskLosses: steps.map((r) => model.taskNames.map((n) => r.perTaskLoss[n])),
      gradNorms: steps.map((r) => r.gradNorm),
      ...(margins ? { margins: rec.margins } : {}),
    };
  } finally {
    rec.recorder?.dispose();
    model.dispose();
  }
}

const describeDraw = (d?: Draw) => (d ? `task ${d.task} row ${d.index}` : 'nothing');

/** Throws at the first step whose rows differ from cpu's, naming the first differing row. */
export function checkSelections(sampler: string, backend: string, ref: Draw[][], got: Draw[][]): void {
  for (let s = 0; s < Math.max(ref.length, got.length); s++) {
    const a = ref[s] ?? [];
    const b = got[s] ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i]?.task === b[i]?.task && a[i]?.index === b[i]?.index) continue;
      throw new Error(
        `${sampler} step ${s + 1}: the rows differ from cpu's at batch position ${i}: cpu chose ${describeDraw(a[i])}, ${backend} ${describeDraw(b[i])}`,
      );
    }
  }
}

function measures(sampler: string, got: TrainerTrace, ref: TrainerTrace, tolerance: Tolerance): Measure[] {
  const out = got.losses.map((l, i) =>
    measure('trainLoss', `${sampler} step ${i + 1} loss`, [l], [ref.losses[i]], tolerance),
  );
  // Absent tasks (null) are at the same places: the rows are the same.
  const present = (xs: Array<Array<number | null>>) => xs.flat().filter((x): x is number => x !== null);
  out.push(
    measure(
      'trainLoss',
      `${sampler} per-task losses`,
      present(got.perTaskLosses),
      present(ref.perTaskLosses),
      tolerance,
    ),
  );
  out.push(measure('trainLoss', `${sampler} grad norms (pre-clip)`, got.gradNorms, ref.gradNorms, tolerance));
  return out;
}

function marginNote(margins: StepMargin[] | undefined): string[] {
  if (!margins) return [];
  const gaps = margins.map((m) => `${fmt(m.gap)} (${fmt(m.gap / m.kth)})`).join(', ');
  const smallest = Math.min(...margins.map((m) => m.gap / m.kth));
  const agree = margins.every((m) => m.agrees)
    ? 'the recomputed top k is what MT-U chose at every step'
    : 'the recomputed top k differs from what MT-U chose at some step';
  return [
    `mt-uncertainty on cpu: score gap s_k − s_(k+1) (relative to s_k) at steps 1–${margins.length}: ${gaps}; smallest relative gap ${fmt(smallest)}; ${agree}`,
  ];
}

export const trainerSamplers: ParityCheck = {
  name: 'trainer-samplers',
  description: `core's Trainer, ${TRAINER_RUN.steps} steps × {mt-uncertainty, proportional}, fresh 3-layer H16 CA-MTL-base, dropout 0.1, 3 generated tasks (2 classification, 1 regression), batch ${TRAINER_RUN.batchSize}: selected rows identical to cpu's; step losses, per-task losses and grad norms vs cpu`,
  async cpuReference({ log }) {
    const out: Record<string, TrainerTrace> = {};
    for (const s of Object.keys(SAMPLERS)) out[s] = await trainerRun(s, s === 'mt-uncertainty');
    for (const line of marginNote(out['mt-uncertainty'].margins)) log(line);
    return out;
  },
  async run({ backend, tolerance, reference, log }) {
    const ref = reference as Record<string, TrainerTrace> | undefined;
    if (!ref) throw new Error('trainer-samplers needs the cpu reference run');
    const all: Measure[] = [];
    const notes: string[] = [];
    for (const s of Object.keys(SAMPLERS)) {
      const t0 = performance.now();
      const got = await trainerRun(s, false);
      log(`${backend} trainer-samplers, ${s}: ${Math.round(performance.now() - t0)} ms`);
      checkSelections(s, backend, ref[s].selections, got.selections);
      all.push(...measures(s, got, ref[s], tolerance));
      notes.push(
        `${s}: cpu losses ${ref[s].losses.map((l) => l.toFixed(6)).join(', ')}; here ${got.losses.map((l) => l.toFixed(6)).join(', ')}`,
      );
    }
    return { measures: all, notes: [...notes, ...marginNote(ref['mt-uncertainty'].margins)] };
  },
};
