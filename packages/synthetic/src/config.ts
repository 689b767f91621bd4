/**
 * Starting points for the built-in default run (`camtl train` with no
 * arguments): a tiny BERT sized for the suite's vocabulary and sentence
 * lengths, and training settings for learning from scratch on 2 CPU cores.
 * Plain data, so the trainer can copy, override and write them out.
 */
import { VOCAB_SIZE } from './vocab';

/**
 * A HF `BertConfig` (config.json fields). Sentences are ≤ 25 words and pairs ≤
 * 40 tokens, so 64 positions leave headroom; H = 64 with 4 heads of 16 is the
 * smallest shape the core fixtures exercise.
 */
export const DEFAULT_MODEL_CONFIG = {
  model_type: 'bert',
  architectures: ['BertForSequenceClassification'],
  vocab_size: VOCAB_SIZE,
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 256,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 64,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
} as const;

export interface DefaultTraining {
  epochs: number;
  batchSize: number;
  /** Peak AdamW learning rate; from scratch, far above fine-tuning's 2e-5. */
  learningRate: number;
  warmupRatio: number;
  weightDecay: number;
  maxGradNorm: number;
  /** Every generated example fits (tested), so nothing is truncated. */
  maxSeqLength: number;
  seed: number;
}

export const DEFAULT_TRAINING: Readonly<DefaultTraining> = {
  epochs: 6,
  batchSize: 32,
  learningRate: 1e-3,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  maxGradNorm: 1.0,
  maxSeqLength: 48,
  seed: 0,
};
