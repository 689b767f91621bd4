// The benchmark shapes. The three BERT configs are exactly those of
// torch/torch_train_bench.py (its CONFIGS), so every ratio compares the same
// model at the same batch and sequence length.

export const VOCAB = 30522;
export const MAX_POSITION = 512;
export const NUM_LABELS = 2;
export const DROPOUT = 0.1;
/** The torch script pads the last 16 positions of every second row. */
export const PADDED_TAIL = 16;

export interface BenchConfig {
  name: string;
  kind: 'bert' | 'camtl';
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
  batch: number;
  seq: number;
  vocab: number;
  /** The torch script's config with the same backbone (CA-MTL has no torch port). */
  torchConfig: string;
  /** CA-MTL only: the tasks that share each mixed batch. */
  tasks?: string[];
}

function bert(
  name: string,
  hidden: number,
  layers: number,
  heads: number,
  intermediate: number,
  batch: number,
): BenchConfig {
  return { name, kind: 'bert', hidden, layers, heads, intermediate, batch, seq: 128, vocab: VOCAB, torchConfig: name };
}

export const CONFIGS: Record<string, BenchConfig> = {
  'bert-tiny': bert('bert-tiny', 128, 2, 2, 512, 32),
  'bert-mini': bert('bert-mini', 256, 4, 4, 1024, 16),
  'bert-small': bert('bert-small', 512, 4, 8, 2048, 8),
  // CA-MTL-base layout (bias-only bottom half, CLN middle, rebuilt top layer)
  // on the bert-mini backbone; four 2-label GLUE tasks mixed in every batch.
  'camtl-mini': {
    ...bert('camtl-mini', 256, 4, 4, 1024, 16),
    kind: 'camtl',
    torchConfig: 'bert-mini',
    tasks: ['cola', 'sst-2', 'mrpc', 'qnli'],
  },
};

/** The small shape of `bench leak`: fast enough for 500 steps on wasm. */
export const LEAK_CONFIG: BenchConfig = {
  name: 'camtl-leak',
  kind: 'camtl',
  hidden: 64,
  layers: 2,
  heads: 2,
  intermediate: 128,
  batch: 8,
  seq: 32,
  vocab: 1000,
  torchConfig: '',
  tasks: ['cola', 'sst-2', 'mrpc', 'sts-b'],
};

export function configNames(): string[] {
  return Object.keys(CONFIGS);
}

/** HF config.json fields of a config's backbone (what createCaMtl and parseBertConfig read). */
export function hfBertConfig(c: BenchConfig): Record<string, unknown> {
  return {
    model_type: 'bert',
    vocab_size: c.vocab,
    hidden_size: c.hidden,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    intermediate_size: c.intermediate,
    max_position_embeddings: MAX_POSITION,
    type_vocab_size: 2,
    hidden_dropout_prob: DROPOUT,
    attention_probs_dropout_prob: DROPOUT,
    layer_norm_eps: 1e-12,
    hidden_act: 'gelu',
    num_labels: NUM_LABELS,
  };
}
