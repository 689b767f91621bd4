import { z } from 'zod';
import { activationNames, type TrainerOptions } from '@camtl/core';
import {
  ARCHITECTURES,
  CONDITIONAL_COMPONENTS,
  type Architecture,
  type CaMtlOptions,
  type FreezeOptions,
} from '@camtl/ca-mtl';
import type { SamplerName, SamplerOptionsByName } from '@camtl/sampler';

/**
 * The schema of `camtl train --config run.json`: top-level keys are the
 * flags (camelCase or kebab-case, see config-flat.ts), plus the nested
 * sections `model`, `freeze`, `sampler`, `trainer` and `tokenizer`, which
 * cover every option of the libraries. A new library option is one line in
 * its section; the `Covers` checks at the end make a missing one a type error.
 */

/**
 * Upper bounds on sizes: far above any real run, low enough that a typo
 * (1e12) is a one-line error rather than an allocation that runs away.
 */
export const LIMITS = {
  /** Steps, evaluations, epochs, counters. */
  steps: 1e9,
  /** Examples per batch, candidates, chunk sizes, block counts and widths. */
  batch: 65_536,
  /** Tokens per example (BERT's position table is 512; long-context models reach a few thousand). */
  tokens: 16_384,
  /** Learning rate, weight decay, clipping norm, temperature. */
  scale: 1e6,
} as const;

const count = (max: number = LIMITS.steps) => z.number().int().min(1).max(max);
const nonNegative = () => z.number().min(0).max(LIMITS.scale);
const rate = () => z.number().min(0).lt(1);
const names = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);

/** CaMtlOptions (packages/ca-mtl/src/config.ts), all passed to createCaMtl as they are. */
export const CA_MTL_OPTIONS = {
  attention: z
    .strictObject({
      blocks: count(LIMITS.batch).optional().describe('number of diagonal blocks N (default ⌊H/L⌋ ≥ 1)'),
      blockSize: count(LIMITS.batch).optional().describe('block width c instead of N'),
      perHead: z.boolean().optional().describe('one bias per attention head'),
    })
    .optional(),
  cln: z
    .strictObject({
      conditionShift: z.boolean().optional().describe('condition the shift too (the paper); default scale only'),
      conditionRows: z.enum(['first-of-task', 'per-example']).optional(),
    })
    .optional(),
  alignment: z
    .strictObject({
      mode: z.enum(['film', 'matrix']).optional().describe("'film' (the reference) or 'matrix' R̂(z) (the paper)"),
    })
    .optional(),
  bottleneck: z
    .strictObject({
      size: count(LIMITS.batch).optional().describe('adapter width (default ⌊H/3⌋)'),
      activation: names(activationNames()).optional().describe('between down and up (default none)'),
    })
    .optional(),
  headDropout: rate().optional().describe('dropout before each task head (the reference: 0.1)'),
  without: z
    .array(z.enum(CONDITIONAL_COMPONENTS))
    .optional()
    .describe('ablation: the conditional components removed (plain BERT computes there)'),
  lossWeighting: z
    .enum(['equal', 'uncertainty'])
    .optional()
    .describe("how per-task losses combine: equal (the reference) or Kendall et al.'s learned log-variances"),
};

export const MODEL_SECTION = z
  .strictObject({
    from: z.string().min(1).optional().describe('HF BERT folder to start from (same as --model DIR)'),
    variant: z.enum(['base', 'large']).optional(),
    architecture: z
      .enum(ARCHITECTURES as [Architecture, ...Architecture[]])
      .optional()
      .describe('ca-mtl (default), mtl-bert (the MTL baseline), hyperformer (Hyperformer++ on a frozen BERT)'),
    adapter: z.enum(['hyperformer']).optional().describe('same as architecture: hyperformer'),
    dropout: rate()
      .optional()
      .describe("every dropout: hidden, attention and the heads (0 turns them all off; default: the checkpoint's)"),
    ...CA_MTL_OPTIONS,
  })
  .describe('the model: its layout and every CaMtlOptions field');

export const LAYER_RANGE = z.union([
  z.literal('none'),
  z.string().regex(/^\s*\d+\s*(-\s*\d+\s*)?$/, 'expected a layer range such as 0-4, or "none"'),
  z.tuple([z.number().int().min(0).max(LIMITS.batch), z.number().int().min(0).max(LIMITS.batch)]),
]);

export const FREEZE_SECTION = z
  .strictObject({
    range: LAYER_RANGE.optional().describe('encoder layers A-B (and the embeddings) to freeze, or "none"'),
    fixQuirk: z
      .boolean()
      .optional()
      .describe("keep the frozen layers' attention-bias generators trainable (the reference freezes them)"),
  })
  .describe('the reference freeze_encoder_layers rule');

const EPOCH_LENGTH = { epochLength: count().optional().describe("steps per epoch, overriding the sampler's own") };
const BATCHES = { batches: z.enum(['mixed', 'single-task']).optional() };

const REGRESSION = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('quantile') }),
  z.strictObject({ kind: z.literal('residual') }),
  z.strictObject({ kind: z.literal('prior'), value: z.number().min(0).max(1).optional() }),
  z.strictObject({
    kind: z.literal('mc-dropout'),
    samples: z.number().int().min(2).max(LIMITS.batch).optional(),
    referenceVariance: z.number().positive().max(LIMITS.scale).optional(),
    momentum: rate().optional(),
  }),
  z.strictObject({ kind: z.literal('borrow'), from: z.string().min(1).optional() }),
]);

/** Every sampler's options (packages/sampler/src/registry.ts), by name. */
export const SAMPLER_OPTIONS = {
  'mt-uncertainty': {
    ...EPOCH_LENGTH,
    candidatesPerTask: count(LIMITS.batch)
      .optional()
      .describe('candidates drawn from every task each step (default: the batch)'),
    score: z.enum(['reference', 'paper']).optional(),
    regression: REGRESSION.optional().describe('the uncertainty of regression heads'),
    scoreWithDropout: z.boolean().optional().describe('score with dropout on (the reference scores in train mode)'),
    scoreChunkSize: count(LIMITS.batch)
      .optional()
      .describe('candidates per scoring forward (default: chosen per step to pad least)'),
    scoreMode: z
      .enum(['eval', 'train', 'reference'])
      .optional()
      .describe("the scoring pass: dropout off (eval), on (train), or the reference's (on after the first step)"),
    streams: z
      .enum(['continue', 'restart-each-epoch'])
      .optional()
      .describe("task streams across epochs (the reference's restart)"),
    minRowsPerTask: z
      .number()
      .int()
      .min(0)
      .max(LIMITS.batch)
      .optional()
      .describe("every task's best N candidates are chosen first each step (default 1, camtl; 0 = the plain top-b)"),
  },
  proportional: { ...EPOCH_LENGTH },
  temperature: {
    ...EPOCH_LENGTH,
    ...BATCHES,
    T: z.number().positive().max(LIMITS.scale).optional().describe('p_t ∝ n_t^(1/T)'),
  },
  annealed: { ...EPOCH_LENGTH, ...BATCHES },
  'round-robin': { ...EPOCH_LENGTH, ...BATCHES },
  uniform: { ...EPOCH_LENGTH, ...BATCHES },
  // The CLI takes the schedule as a file (a run's schedule.jsonl); the library takes its parsed lines.
  replay: { schedule: z.string().min(1).describe("a run's schedule.jsonl, whose batches are replayed exactly") },
} satisfies Record<SamplerName, z.ZodRawShape>;

const samplerBranch = <K extends SamplerName>(name: K) =>
  z.strictObject({ name: z.literal(name), ...SAMPLER_OPTIONS[name] });

export const SAMPLER_SECTION = z
  .discriminatedUnion(
    'name',
    (Object.keys(SAMPLER_OPTIONS) as SamplerName[]).map(samplerBranch) as unknown as [
      ReturnType<typeof samplerBranch>,
      ...ReturnType<typeof samplerBranch>[],
    ],
  )
  .describe("the sampler by name, with that sampler's options");

export const TRAINER_SECTION = z
  .strictObject({
    epochs: count().optional(),
    batchSize: count(LIMITS.batch).optional(),
    learningRate: z.number().positive().max(LIMITS.scale).optional(),
    warmupRatio: rate().optional(),
    weightDecay: nonNegative().optional(),
    maxGradNorm: nonNegative().optional(),
    gradientAccumulation: count(LIMITS.batch).optional(),
    maxSeqLength: z
      .number()
      .int()
      .min(3)
      .max(LIMITS.tokens)
      .optional()
      .describe('tokens per example, and the attention-bias length L'),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    maxSteps: count().optional(),
    decay: z.enum(['linear', 'cosine', 'constant']).optional(),
    adamEpsilon: z.number().positive().max(1).optional(),
    padding: z
      .enum(['longest', 'max'])
      .optional()
      .describe("dynamic, or every batch to maxSeqLength (the reference's)"),
    evalEvery: count().optional(),
    evalBatchSize: count(LIMITS.batch).optional(),
    saveEvery: count().optional(),
    keepCheckpoints: count().optional(),
    earlyStoppingPatience: count().optional(),
    earlyStoppingMinDelta: nonNegative().optional(),
    selectBy: z
      .enum(['paper', 'mean'])
      .optional()
      .describe('the score that picks the best checkpoint and drives early stopping (default paper for GLUE tasks)'),
  })
  .describe('the training recipe and the Trainer options');

export const TOKENIZER_SECTION = z.strictObject({
  truncation: z
    .enum(['longest-first', 'longest-first-reference'])
    .optional()
    .describe("pair truncation: HF fast (trims the first text on a tie) or transformers 2.11's (the second)"),
  from: z
    .string()
    .min(1)
    .optional()
    .describe(
      'a tokenizer folder (tokenizer.json or vocab.txt) to train a small BERT from scratch with, without --model',
    ),
  docStride: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.tokens)
    .optional()
    .describe(
      'span extraction: tokens shared by two windows of a long context (default 128, less when it does not fit)',
    ),
  maxQueryLength: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.tokens)
    .optional()
    .describe('span extraction: question tokens kept (default 64)'),
});

export type ModelSection = z.infer<typeof MODEL_SECTION>;
export type FreezeSection = z.infer<typeof FREEZE_SECTION>;
export type SamplerSection = z.infer<typeof SAMPLER_SECTION>;
export type TrainerSection = z.infer<typeof TRAINER_SECTION>;
export type TokenizerSection = z.infer<typeof TOKENIZER_SECTION>;

/** `true` when the section has a key for every option of the library type `T`, else the missing keys. */
type Covers<T, S> = [Exclude<keyof T, keyof S>] extends [never] ? true : Exclude<keyof T, keyof S>;
/** `source` (replay's file name for errors) is the CLI's to give: the schedule file itself. */
type SamplerCoverage = {
  [K in SamplerName]: Covers<
    Omit<SamplerOptionsByName[K], 'source'>,
    z.infer<z.ZodObject<(typeof SAMPLER_OPTIONS)[K]>>
  >;
};
/** Trainer options that the run supplies itself (data, model, files, hooks) rather than the config. */
type RunSupplied = 'model' | 'tasks' | 'train' | 'dev' | 'sampler' | 'outputDir' | 'fs' | 'resume' | 'runInfo';
type HookOptions = 'onProgress' | 'stopSignal';
export const LIBRARY_COVERAGE: {
  model: Covers<CaMtlOptions, ModelSection>;
  freeze: Covers<FreezeOptions, FreezeSection>;
  trainer: Covers<Omit<TrainerOptions, RunSupplied | HookOptions>, TrainerSection>;
  sampler: [Exclude<SamplerCoverage[SamplerName], true>] extends [never]
    ? true
    : Exclude<SamplerCoverage[SamplerName], true>;
} = { model: true, freeze: true, trainer: true, sampler: true };
