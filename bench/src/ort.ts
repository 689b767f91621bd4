// Worker side of the onnxruntime-node column: eval-mode inference of the torch
// script's model (exported by torch/export_onnx.py) in onnxruntime-node, the
// engine transformers.js runs on in Node, on the same batch shape and threads
// as PyTorch. The batch follows the torch script's rules (random ids, token
// type 1 on the second half, the last 16 positions of every second row padded).
import { readFileSync } from 'node:fs';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { PADDED_TAIL, VOCAB } from './configs';
import type { OrtJob } from './protocol';
import { peakRssMb } from './rss';
import { median, round } from './stats';
import { cutNote, runPhase } from './timing';

type Ort = typeof import('onnxruntime-node');

export interface OrtResult {
  ort_infer_median_ms: number | null;
  ort_infer_first_ms: number | null;
  ort_infer_steps: number;
  ort_peak_rss_mb: number;
  /** max |Δ| of ORT's logits against PyTorch's on the export's check batch. */
  ort_max_abs_diff: number;
  ort_version: string;
  notes: string[];
}

interface Check {
  shape: [number, number];
  input_ids: number[];
  token_type_ids: number[];
  attention_mask: number[];
  logits: number[];
}

function int64(ort: Ort, values: ArrayLike<number>, dims: number[]): Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);
}

/** The torch script's batch at [B, S], from a small seeded generator (only the shape matters to the time). */
export function torchLikeInputs(B: number, S: number, seed: number) {
  let state = (seed * 2654435761 + 1) >>> 0;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const ids = Array.from({ length: B * S }, () => 5 + Math.floor(next() * (VOCAB - 5)));
  const types = Array.from({ length: B * S }, (_, i) => (i % S >= S >> 1 ? 1 : 0));
  const pad = Math.min(PADDED_TAIL, S >> 1);
  const mask = Array.from({ length: B * S }, (_, i) => (Math.floor(i / S) % 2 === 0 && i % S >= S - pad ? 0 : 1));
  return { ids, types, mask };
}

async function checkAgainstTorch(ort: Ort, session: InferenceSession, path: string): Promise<number> {
  const c = JSON.parse(readFileSync(path, 'utf8')) as Check;
  const out = await session.run({
    input_ids: int64(ort, c.input_ids, c.shape),
    token_type_ids: int64(ort, c.token_type_ids, c.shape),
    attention_mask: int64(ort, c.attention_mask, c.shape),
  });
  const logits = out.logits.data as Float32Array;
  let m = 0;
  for (let i = 0; i < c.logits.length; i++) m = Math.max(m, Math.abs(logits[i] - c.logits[i]));
  return m;
}

export async function runOrt(job: OrtJob): Promise<OrtResult> {
  const ort: Ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(job.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: job.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const maxAbsDiff = await checkAgainstTorch(ort, session, job.check);
  const { ids, types, mask } = torchLikeInputs(job.batch, job.seq, job.seed);
  const dims = [job.batch, job.seq];
  const feeds = {
    input_ids: int64(ort, ids, dims),
    token_type_ids: int64(ort, types, dims),
    attention_mask: int64(ort, mask, dims),
  };
  const options = { warmup: job.warmup, steps: job.steps, budgetMs: job.budgetMs };
  // session.run returns when the outputs are computed: nothing is queued.
  const r = await runPhase(async () => void (await session.run(feeds)), options);
  await session.release();
  const cut = cutNote('onnxruntime-node inference', r, options);
  return {
    ort_infer_median_ms: round(median(r.warmMs)),
    ort_infer_first_ms: round(r.firstMs),
    ort_infer_steps: r.warmMs.length,
    ort_peak_rss_mb: peakRssMb(),
    ort_max_abs_diff: maxAbsDiff,
    ort_version: ort.env.versions.node ?? '?',
    notes: cut ? [cut] : [],
  };
}
