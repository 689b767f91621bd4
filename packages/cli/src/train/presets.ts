import { REFERENCE_TASKS } from '@camtl/ca-mtl';
import type { ConfigLayer } from './config-flat';

/**
 * A preset: options applied over the defaults and under the config file and
 * the flags, so anything given explicitly wins. Two fields are not plain
 * options: `freezeByVariant` (the range depends on the variant, and applies
 * only from a pretrained checkpoint, as the default does) and `glueTasks`
 * (the task list, for a data folder only: the synthetic suite has its own).
 */
export interface Preset {
  description: string;
  layer: ConfigLayer;
  freezeByVariant?: { base: [number, number]; large: [number, number] };
  glueTasks?: readonly string[];
}

export const PRESET_NAMES = ['reference', 'paper', 'mtl-bert'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * `--preset reference`: every behaviour of the official code's README command
 * (spec §4.2, §5; transformers 2.11). `--preset paper`: the paper's (spec §1.2,
 * §4.1, §5), with camtl's choice, said in a comment, where the paper is silent.
 */
export const PRESETS: Record<PresetName, Preset> = {
  reference: {
    description: "the official code's README command under transformers 2.11",
    layer: {
      model: { variant: 'base', cln: { conditionShift: false }, alignment: { mode: 'film' }, headDropout: 0.1 },
      freeze: { fixQuirk: false }, // the whitelist matches no generator name: they stay at their init (§1.4)
      sampler: {
        name: 'mt-uncertainty',
        score: 'reference', // ĥ · H̄_t / Ĥ
        scoreMode: 'reference', // train mode, except at the first step and after each evaluation (§4.2 item 3)
        regression: { kind: 'borrow', from: 'mrpc' }, // STS-B takes MRPC's scores (§4.2 item 6)
        streams: 'restart-each-epoch', // its task loaders restart every epoch
        // sampler branch: streams: 'restart-each-epoch' (each task's loader restarts every epoch)
      },
      trainer: {
        batchSize: 8, // the HF 2.11 per-device default; the README command does not set it
        learningRate: 2e-5,
        epochs: 5,
        seed: 12,
        warmupRatio: 0.1,
        weightDecay: 0,
        maxGradNorm: 1,
        gradientAccumulation: 1,
        adamEpsilon: 1e-8,
        decay: 'linear',
        maxSeqLength: 128,
        padding: 'max', // every batch padded to max_seq_length
        // selectBy stays the default: the reference selects no checkpoint (it reports each metric's best)
      },
      tokenizer: { truncation: 'longest-first-reference' }, // the slow tokenizer trims the second text on a tie
    },
    freezeByVariant: { base: [0, 4], large: [0, 11] }, // the README's --freeze_encoder_layers
    glueTasks: REFERENCE_TASKS, // 9 tasks, WNLI included, in the reference's id order
  },
  paper: {
    description: 'the CA-MTL paper (ICLR 2021) where it says, camtl where it does not',
    layer: {
      model: {
        variant: 'base',
        cln: { conditionShift: true }, // scale and shift conditioned (§3.4)
        alignment: { mode: 'matrix' }, // R̂(z) = R·γ(z) + β(z) (§3.2)
        headDropout: 0.1, // not stated: BERT's classifier dropout
      },
      freeze: { fixQuirk: true }, // the whitelist's evident intent: frozen layers keep trainable generators
      sampler: {
        name: 'mt-uncertainty',
        score: 'paper', // U(x) = H(x) / (Ĥ · log C) (§4.1)
        scoreMode: 'eval', // an uncertainty estimate of the model itself: eval mode
        regression: { kind: 'quantile' }, // the paper does not say how STS-B is scored: camtl's own
        streams: 'continue',
        // sampler branch: streams: 'continue'
      },
      trainer: {
        batchSize: 32, // the paper's b
        learningRate: 2e-5, // not stated for GLUE: the code's
        epochs: 5, // not stated for GLUE (3 for the 24-task runs): the code's
        seed: 12,
        warmupRatio: 0.1,
        weightDecay: 0,
        maxGradNorm: 1,
        decay: 'linear',
        maxSeqLength: 128,
        padding: 'longest', // the same results at real tokens as padding to 128 (spec §1.3), faster
        selectBy: 'paper', // BERT's GLUE convention, WNLI left out
      },
      tokenizer: { truncation: 'longest-first' },
    },
    freezeByVariant: { base: [0, 5], large: [0, 11] }, // "the bottom half of the layers frozen"
    glueTasks: REFERENCE_TASKS.filter((t) => t !== 'wnli'), // the paper's GLUE model has 8 tasks
  },
  'mtl-bert': {
    description: "the paper's MTL baseline: a shared BERT (every pretrained layer) with one head per task",
    layer: { model: { architecture: 'mtl-bert' } },
  },
};
