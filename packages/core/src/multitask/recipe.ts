/**
 * The training recipe: the hyper-parameters of a run. One definition that
 * the Trainer's defaults, the CLI's defaults and the built-in synthetic
 * default (`@camtl/synthetic`, which overrides some for training from
 * scratch) all use.
 */
export interface TrainingRecipe {
  /** Peak AdamW learning rate. */
  learningRate: number;
  epochs: number;
  /** Examples per step. */
  batchSize: number;
  /** Fraction of the optimiser updates spent warming the learning rate up. */
  warmupRatio: number;
  /** AdamW weight decay (never on biases and LayerNorm weights). */
  weightDecay: number;
  /** Global-norm gradient clipping. */
  maxGradNorm: number;
  /** Micro-batches per optimiser update. */
  gradientAccumulation: number;
  /** Tokens per example after truncation (the reference's max_seq_length; CA-MTL's attention-bias length L). */
  maxSeqLength: number;
  seed: number;
}

/**
 * The reference's GLUE recipe (spec §5): lr 2e-5, 5 epochs, batch 32, 10 %
 * warmup with linear decay, clipping at 1.0, no weight decay, max length 128.
 */
export const REFERENCE_RECIPE: Readonly<TrainingRecipe> = Object.freeze({
  learningRate: 2e-5,
  epochs: 5,
  batchSize: 32,
  warmupRatio: 0.1,
  weightDecay: 0,
  maxGradNorm: 1,
  gradientAccumulation: 1,
  maxSeqLength: 128,
  seed: 12,
});
