// Worker side of `bench epoch`: the cost of one training epoch per GLUE task
// with the reference's fixed padding to 128 against dynamic padding with
// length bucketing, and a check that bucketing leaves the real tokens' outputs
// unchanged.
import * as tf from '@tensorflow/tfjs-core';
import type { CaMtlModel } from '@camtl/ca-mtl';
import { Rng, collate, disposeBatch, evalContext, trainContext, type EncodedExample } from '@camtl/core';
import { bucketedPlan, fixedPlan, paddingEfficiency, planCost, shapeCounts, type PlannedBatch } from './buckets';
import { CONFIGS, type BenchConfig } from './configs';
import { presentTasks, taskSamples, type TaskSample } from './epoch-data';
import { MAX_LENGTH } from './lengths';
import { caMtl, makeUpdate, torchLikeAdamW } from './models';
import type { BackendInfo, EpochJob } from './protocol';
import { peakRssMb } from './speed';
import { median, round } from './stats';
import { cutNote, runPhase } from './timing';

interface Plans {
  fixed: PlannedBatch[];
  bucketed: PlannedBatch[];
}

export interface EpochTaskResult {
  task: string;
  source: 'modelled' | 'measured';
  train_size: number;
  sample: number;
  mean_length: number | null;
  fixed_epoch_ms: number | null;
  bucketed_epoch_ms: number | null;
  speedup: number | null;
  fixed_efficiency: number | null;
  bucketed_efficiency: number | null;
  check_rows: number;
  max_abs_diff_pooled: number | null;
  max_abs_diff_logits: number | null;
  /** Rows of the sample per padded length in each plan: what prices the epoch from per-shape step times. */
  fixed_shapes: Record<string, number>;
  bucketed_shapes: Record<string, number>;
}

export interface EpochResult {
  backend: string;
  config: string;
  batch: number;
  step_ms: Record<string, number | null>;
  tasks: EpochTaskResult[];
  overall: { fixed_epoch_ms: number | null; bucketed_epoch_ms: number | null; speedup: number | null };
  max_abs_diff: number | null;
  peak_rss_mb: number;
  threads: number | null;
  notes: string[];
}

function makePlans(s: TaskSample, c: BenchConfig, job: EpochJob): Plans {
  const lengths = s.rows.map((r) => r.ids.length);
  return {
    fixed: fixedPlan(lengths, c.batch, MAX_LENGTH, job.seed),
    bucketed: bucketedPlan(lengths, {
      batchSize: c.batch,
      chunkBatches: job.chunkBatches,
      multipleOf: job.multipleOf,
      maxSeqLength: MAX_LENGTH,
      seed: job.seed,
    }),
  };
}

/** A full batch of real rows for each padded length the plans use (rows repeat when too few). */
function shapeBatches(samples: TaskSample[], plans: Plans[], batch: number): Map<number, EncodedExample[]> {
  const byLength = new Map<number, EncodedExample[]>();
  plans.forEach((p, t) => {
    for (const b of [...p.bucketed, ...p.fixed]) {
      const rows = byLength.get(b.length) ?? [];
      if (rows.length < batch) rows.push(...b.rows.map((i) => samples[t].rows[i]));
      byLength.set(b.length, rows);
    }
  });
  for (const [len, rows] of byLength)
    byLength.set(
      len,
      Array.from({ length: batch }, (_, i) => rows[i % rows.length]),
    );
  return byLength;
}

/** Median train-step time per padded length, longest first (the 128 shape also warms up the process). */
async function timeShapes(
  model: CaMtlModel,
  batches: Map<number, EncodedExample[]>,
  job: EpochJob,
  notes: string[],
  report: (key: string, value: unknown) => void,
): Promise<Map<number, number>> {
  const optimizer = torchLikeAdamW(model.store.trainable());
  const update = makeUpdate(model.store.trainable(), optimizer);
  const rng = new Rng(job.seed + 7);
  const out = new Map<number, number>();
  const options = { warmup: job.warmup, steps: job.steps, budgetMs: job.budgetMs };
  for (const len of [...batches.keys()].sort((a, b) => b - a)) {
    const batch = collate(batches.get(len)!, { padTo: len, labels: true });
    const r = await runPhase(
      async () => void (await update(() => model.forward(batch, trainContext(rng)).loss!)),
      options,
    );
    disposeBatch(batch);
    out.set(len, median(r.warmMs));
    report(`step_${len}`, round(median(r.warmMs)));
    const cut = cutNote(`length ${len}`, r, options);
    if (cut) notes.push(cut);
  }
  optimizer.dispose();
  return out;
}

async function outputsAt(model: CaMtlModel, rows: EncodedExample[], padTo: number) {
  const batch = collate(rows, { padTo });
  const [pooled, logits] = tf.tidy(() => {
    const out = model.forward(batch, evalContext());
    return [out.pooledOutput, out.logits];
  });
  disposeBatch(batch);
  const values = { pooled: await pooled.data(), logits: await logits.data() };
  tf.dispose([pooled, logits]);
  return values;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Eval-mode [CLS] pooled output and logits of the first bucketed batch: padded to 128 vs to its bucket. */
async function checkTask(model: CaMtlModel, s: TaskSample, p: Plans, rows: number) {
  const b = p.bucketed[0];
  const chosen = b.rows.slice(0, rows).map((i) => s.rows[i]);
  const full = await outputsAt(model, chosen, MAX_LENGTH);
  const bucket = await outputsAt(model, chosen, b.length);
  return {
    rows: chosen.length,
    pooled: maxAbsDiff(full.pooled, bucket.pooled),
    logits: maxAbsDiff(full.logits, bucket.logits),
  };
}

function taskResult(
  s: TaskSample,
  p: Plans,
  stepMs: Map<number, number>,
  batch: number,
  check: Awaited<ReturnType<typeof checkTask>>,
): EpochTaskResult {
  const lengths = s.rows.map((r) => r.ids.length);
  const scale = s.trainSize / s.rows.length;
  const fixed = planCost(p.fixed, stepMs, batch) * scale;
  const bucketed = planCost(p.bucketed, stepMs, batch) * scale;
  return {
    task: s.task,
    source: s.source,
    train_size: s.trainSize,
    sample: s.rows.length,
    mean_length: round(s.meanLength, 1),
    fixed_epoch_ms: round(fixed, 0),
    bucketed_epoch_ms: round(bucketed, 0),
    speedup: round(fixed / bucketed, 3),
    fixed_efficiency: round(paddingEfficiency(p.fixed, lengths), 3),
    bucketed_efficiency: round(paddingEfficiency(p.bucketed, lengths), 3),
    check_rows: check.rows,
    max_abs_diff_pooled: check.pooled,
    max_abs_diff_logits: check.logits,
    fixed_shapes: Object.fromEntries(shapeCounts(p.fixed)),
    bucketed_shapes: Object.fromEntries(shapeCounts(p.bucketed)),
  };
}

export async function runEpoch(
  job: EpochJob,
  info: BackendInfo,
  report: (key: string, value: unknown) => void,
): Promise<EpochResult> {
  const base = CONFIGS[job.config];
  const glue = job.glueDir ? { dir: job.glueDir, tokenizer: job.tokenizer! } : undefined;
  const present = glue ? presentTasks(job.tasks, glue.dir, job.skipMissing) : { tasks: job.tasks, notes: [] };
  const samples = await taskSamples(present.tasks, job.sample, base.vocab, job.seed, glue);
  const vocab = Math.max(base.vocab, ...samples.map((s) => s.vocabSize ?? 0));
  const config: BenchConfig = { ...base, vocab, tasks: present.tasks };
  const model = await caMtl(config, job.seed);
  const plans = samples.map((s) => makePlans(s, config, job));
  const notes = [...info.notes, ...present.notes];
  const stepMs = await timeShapes(model, shapeBatches(samples, plans, config.batch), job, notes, report);
  const tasks: EpochTaskResult[] = [];
  for (const [t, s] of samples.entries()) {
    tasks.push(taskResult(s, plans[t], stepMs, config.batch, await checkTask(model, s, plans[t], job.checkRows)));
  }
  model.dispose();
  const fixed = tasks.reduce((a, t) => a + (t.fixed_epoch_ms ?? 0), 0);
  const bucketed = tasks.reduce((a, t) => a + (t.bucketed_epoch_ms ?? 0), 0);
  return {
    backend: info.backend,
    config: config.name,
    batch: config.batch,
    step_ms: Object.fromEntries([...stepMs].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), round(v)])),
    tasks,
    overall: { fixed_epoch_ms: fixed, bucketed_epoch_ms: bucketed, speedup: round(fixed / bucketed, 3) },
    max_abs_diff: Math.max(...tasks.map((t) => Math.max(t.max_abs_diff_pooled ?? 0, t.max_abs_diff_logits ?? 0))),
    peak_rss_mb: peakRssMb(),
    threads: info.threads,
    notes,
  };
}
