import * as tf from '@tensorflow/tfjs-core';
import {
  CamtlError,
  collate,
  disposeBatch,
  evalContext,
  exampleFirstRows,
  lengthBuckets,
  normalizedEntropy,
  trainContext,
  type CollateOptions,
  type Draw,
  type EncodedExample,
  type ModuleContext,
  type MultiTaskModel,
  type Rng,
  type SamplerContext,
} from '@camtl/core';
import { scoringChunks } from './score-chunks';

/**
 * What MT-Uncertainty needs of each candidate, on the device: the normalised
 * entropy of its own head, its raw prediction (column 0 of the logits: a
 * regression head's output) and its training target.
 */
export interface CandidateScores {
  normalizedEntropy: tf.Tensor1D;
  prediction: tf.Tensor1D;
  /** The candidates' training targets (regression uncertainty by residuals). */
  target?: tf.Tensor1D;
}

/** Scores candidates (inference mode unless `dropout`); the caller disposes the tensors. */
export type Scorer = (draws: Draw[], options: { dropout: boolean }) => CandidateScores;

interface ScoringSource {
  model: MultiTaskModel;
  train: readonly (readonly EncodedExample[])[];
  padTo: CollateOptions['padTo'];
}

/** The model and rows MT-U scores with, from the sampler context (the Trainer gives them). */
export function scoringSource(context: SamplerContext): ScoringSource {
  const { model, train } = context;
  if (!model || !train || train.length !== context.tasks.length) {
    throw new CamtlError(
      'BAD_CONFIG',
      'mt-uncertainty scores candidates with the model being trained: its sampler context needs `model` and `train` (one row list per task)',
      'train with camtl’s Trainer, which passes them, or give them in the SamplerContext',
    );
  }
  return { model, train, padTo: context.padTo ?? 'longest' };
}

/** Forward of one chunk: per row normalised entropy and first logit. */
function scoreRows(
  model: MultiTaskModel,
  rows: EncodedExample[],
  padTo: CollateOptions['padTo'],
  ctx: ModuleContext,
): [tf.Tensor1D, tf.Tensor1D] {
  const batch = collate(rows, { padTo });
  try {
    const out = model.forward(batch, ctx);
    // A multiple-choice candidate is several encoder rows with one score: read its first row.
    const first = rows.some((r) => r.choices) ? tf.tensor1d(exampleFirstRows(rows), 'int32') : undefined;
    const perExample = (t: tf.Tensor1D) => (first ? (tf.gather(t, first) as tf.Tensor1D) : t);
    return [
      // A model whose heads are not softmax classifiers gives its own uncertainty.
      perExample(out.normalizedEntropy ?? normalizedEntropy(out.logits, batch.taskIds, model.numLabelsPerTask)),
      perExample(tf.reshape(tf.slice(out.logits, [0, 0], [-1, 1]), [-1]) as tf.Tensor1D), // [n, 1] → [n]
    ];
  } finally {
    disposeBatch(batch);
  }
}

function inversePermutation(order: readonly number[]): Int32Array {
  const inv = new Int32Array(order.length);
  order.forEach((candidate, position) => (inv[candidate] = position));
  return inv;
}

/** How one scoring runs: its context, its padding and whether the pool is cut into length-sorted chunks. */
interface ScoringPlan {
  ctx: ModuleContext;
  padTo: CollateOptions['padTo'];
  chunked: boolean;
}

/**
 * Without dropout the logits do not depend on the padding (the attention mask
 * hides it), so every chunk pads to its own longest row even when training
 * pads to a fixed length, and the model is asked for its heads' rows only
 * (`headRowsOnly`: a [CLS]-only last layer). With dropout the masks follow
 * the batch's shape: a fixed length keeps its one forward at that length, so
 * the random stream, and the selections, stay as they were.
 */
function scoringPlan(source: ScoringSource, rng: Rng, dropout: boolean): ScoringPlan {
  if (!dropout) return { ctx: evalContext({ headRowsOnly: true }), padTo: 'longest', chunked: true };
  return { ctx: trainContext(rng), padTo: source.padTo, chunked: typeof source.padTo !== 'number' };
}

/** Length-sorted chunks: of `chunkSize` candidates, or cut where padding plus a per-forward cost is least. */
function chunksOf(rows: EncodedExample[], chunkSize: number | undefined): number[][] {
  if (chunkSize === undefined) return scoringChunks(rows);
  return rows.length <= chunkSize ? [rows.map((_, i) => i)] : lengthBuckets(rows, chunkSize);
}

/**
 * The scorer MT-Uncertainty calls: a forward pass of the model without a
 * tape (inference mode unless `dropout`, then with `rng`'s dropout masks).
 * The T·c candidates are sorted by length and scored in chunks, each padded
 * to its own longest row, so short tasks (SST-2) do not pay for long ones
 * (RTE); the scores come back in candidate order. Chunks are by length,
 * never by task: `chunkSize` candidates each, or by default `scoringChunks`
 * (see `scoringPlan` for dropout).
 */
export function modelScorer(source: ScoringSource, rng: Rng, chunkSize?: number): Scorer {
  return (draws, options) => {
    const rows = draws.map((d) => source.train[d.task][d.index]);
    const plan = scoringPlan(source, rng, options.dropout);
    const chunks = plan.chunked ? chunksOf(rows, chunkSize) : [rows.map((_, i) => i)];
    // tidy keeps a list of tensors ([entropy, prediction]); CandidateScores is not a TensorContainer type.
    const [normalizedEntropy, prediction] = tf.tidy(() => {
      const parts = chunks.map((idx) =>
        scoreRows(
          source.model,
          idx.map((i) => rows[i]),
          plan.padTo,
          plan.ctx,
        ),
      );
      const joined = parts.length === 1 ? parts[0] : [0, 1].map((k) => tf.concat(parts.map((p) => p[k])));
      const order = chunks.flat(); // a single chunk is length-sorted too
      if (order.every((candidate, position) => candidate === position)) return joined;
      const inverse = tf.tensor1d(inversePermutation(order), 'int32'); // candidate → chunk position
      return joined.map((t) => tf.gather(t, inverse) as tf.Tensor1D);
    });
    // The targets are host numbers: uploaded once, in candidate order.
    const target = tf.tensor1d(
      rows.map((r) => (Number.isNaN(r.target) ? 0 : r.target)),
      'float32',
    );
    return { normalizedEntropy, prediction, target };
  };
}

export function checkScores(scores: CandidateScores, rows: number): CandidateScores {
  if (!isTensor(scores?.normalizedEntropy) || !isTensor(scores.prediction)) {
    throw new CamtlError('BAD_INPUT', 'scorer must return { normalizedEntropy, prediction } tensors');
  }
  for (const [name, t] of Object.entries(scores)) {
    if (isTensor(t) && (t.rank !== 1 || t.shape[0] !== rows)) {
      throw new CamtlError('SHAPE_MISMATCH', `scorer returned ${name} of shape [${t.shape}], expected [${rows}]`);
    }
  }
  return scores;
}

/** Duck-typed, so tensors from an ESM and a CJS copy of tfjs-core both pass. */
export function isTensor(value: unknown): value is tf.Tensor {
  const t = value as tf.Tensor | undefined;
  return t != null && Array.isArray(t.shape) && typeof t.dispose === 'function' && typeof t.dtype === 'string';
}
