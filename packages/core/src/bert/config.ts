import * as z from 'zod/mini';
import { CamtlError } from '../errors';
import { activationNames } from '../modules/basic';
import { checkSchema, describeValue } from '../schema';

/** The fields of a HF BertConfig that camtl uses (camelCase), plus the raw JSON. */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  initializerRange: number;
  layerNormEps: number;
  padTokenId: number;
  /** Classifier outputs; 1 means regression (MSE), as in HF. */
  numLabels: number;
  id2label?: Record<string, string>;
  /** The config.json as read, written back on save with updated fields. */
  raw: Record<string, unknown>;
}

type Raw = Record<string, unknown>;

/**
 * Upper bounds well above any published BERT (bert-large: 24 layers, 1024
 * hidden, 4096 intermediate; multilingual vocabularies ~250k) but low enough
 * that a typo or a hostile file fails here instead of exhausting memory.
 */
export const BERT_CONFIG_LIMITS = {
  vocab_size: 1_000_000,
  hidden_size: 16_384,
  num_hidden_layers: 256,
  num_attention_heads: 1_024,
  intermediate_size: 65_536,
  max_position_embeddings: 65_536,
  type_vocab_size: 1_024,
  num_labels: 100_000,
  /** Elements of the largest single weight (word embeddings, say): 2 GiB of float32. */
  tensor_elements: 2 ** 29,
} as const;

const L = BERT_CONFIG_LIMITS;
// Bounds first: the first issue is the one reported, and z.int() alone would cite 2^53 - 1.
const int = (max: number) => z.number().check(z.maximum(max), z.minimum(1), z.int());
const probability = z.number().check(z.minimum(0), z.lt(1));

let schema: ReturnType<typeof buildSchema> | undefined;

/** Only the fields camtl reads are checked; anything else HF writes passes through untouched. */
function buildSchema() {
  const [first, ...rest] = activationNames();
  return z.looseObject({
    vocab_size: int(L.vocab_size),
    hidden_size: z.optional(int(L.hidden_size)),
    num_hidden_layers: z.optional(int(L.num_hidden_layers)),
    num_attention_heads: z.optional(int(L.num_attention_heads)),
    intermediate_size: z.optional(int(L.intermediate_size)),
    hidden_act: z.optional(z.enum([first, ...rest])),
    hidden_dropout_prob: z.optional(probability),
    attention_probs_dropout_prob: z.optional(probability),
    max_position_embeddings: z.optional(int(L.max_position_embeddings)),
    type_vocab_size: z.optional(int(L.type_vocab_size)),
    initializer_range: z.optional(z.number().check(z.minimum(0))),
    // Above float32's smallest normal: a smaller eps is 0 in float32, and a constant row gives NaN.
    layer_norm_eps: z.optional(z.number().check(z.gte(1e-38), z.maximum(1))),
    pad_token_id: z.optional(z.nullable(z.number().check(z.int(), z.minimum(0)))),
    num_labels: z.optional(int(L.num_labels)),
    id2label: z.optional(
      z
        .record(z.string(), z.string())
        .check(z.refine((m) => Object.keys(m).length <= L.num_labels, `must have at most ${L.num_labels} labels`)),
    ),
    architectures: z.optional(z.array(z.string()).check(z.maxLength(64))),
  });
}

function checkSupported(r: Raw, source: string): void {
  if (r.model_type !== undefined && r.model_type !== 'bert') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: model_type ${describeValue(r.model_type)} is not supported (only "bert")`,
    );
  }
  const pet = r.position_embedding_type ?? 'absolute';
  if (pet !== 'absolute') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: position_embedding_type ${describeValue(pet)} is not supported (only "absolute")`,
    );
  }
}

function numLabelsOf(r: { num_labels?: number; id2label?: Record<string, string> }): number {
  if (r.num_labels !== undefined) return r.num_labels;
  if (r.id2label) return Math.max(1, Object.keys(r.id2label).length);
  return 2; // HF's PretrainedConfig default
}

/** Relations between fields, and the size of the largest weight, which no single bound covers. */
function checkRelations(cfg: BertConfig, source: string): void {
  const fail = (message: string): never => {
    throw new CamtlError('BAD_CONFIG', `${source}: ${message}`, `fix that field in ${source}`);
  };
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0) {
    fail(`hidden_size: ${cfg.hiddenSize} is not a multiple of num_attention_heads ${cfg.numAttentionHeads}`);
  }
  if (cfg.padTokenId >= cfg.vocabSize) {
    fail(`pad_token_id: ${cfg.padTokenId} is not below vocab_size ${cfg.vocabSize}`);
  }
  const largest = Math.max(cfg.vocabSize, cfg.maxPositionEmbeddings, cfg.intermediateSize) * cfg.hiddenSize;
  if (largest > L.tensor_elements) {
    fail(
      `hidden_size: ${cfg.hiddenSize} times vocab_size, max_position_embeddings or intermediate_size gives a weight of ${largest} elements, over the ${L.tensor_elements} camtl allows`,
    );
  }
}

/** Validates a HF BERT config.json; every error names `source` and the field's JSON path. */
export function parseBertConfig(raw: unknown, source = 'config.json'): BertConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CamtlError('BAD_CONFIG', `${source}: expected a JSON object, got ${describeValue(raw)}`);
  }
  checkSupported(raw as Raw, source);
  schema ??= buildSchema();
  const r = checkSchema(schema, raw, source);
  const cfg: BertConfig = {
    vocabSize: r.vocab_size,
    hiddenSize: r.hidden_size ?? 768,
    numHiddenLayers: r.num_hidden_layers ?? 12,
    numAttentionHeads: r.num_attention_heads ?? 12,
    intermediateSize: r.intermediate_size ?? 3072,
    hiddenAct: r.hidden_act ?? 'gelu',
    hiddenDropoutProb: r.hidden_dropout_prob ?? 0.1,
    attentionProbsDropoutProb: r.attention_probs_dropout_prob ?? 0.1,
    maxPositionEmbeddings: r.max_position_embeddings ?? 512,
    typeVocabSize: r.type_vocab_size ?? 2,
    initializerRange: r.initializer_range ?? 0.02,
    layerNormEps: r.layer_norm_eps ?? 1e-12,
    padTokenId: r.pad_token_id ?? 0,
    numLabels: numLabelsOf(r),
    id2label: r.id2label,
    raw: raw as Raw,
  };
  checkRelations(cfg, source);
  return cfg;
}

function labelMaps(cfg: BertConfig): { id2label: Record<string, string>; label2id: Record<string, number> } {
  const given = cfg.id2label && Object.keys(cfg.id2label).length === cfg.numLabels ? cfg.id2label : undefined;
  const id2label: Record<string, string> = {};
  const label2id: Record<string, number> = {};
  for (let i = 0; i < cfg.numLabels; i++) {
    const name = given?.[String(i)] ?? `LABEL_${i}`;
    id2label[String(i)] = name;
    label2id[name] = i;
  }
  return { id2label, label2id };
}

/** Back to HF's config.json form (raw fields kept, known fields updated). */
export function bertConfigToJson(cfg: BertConfig): Record<string, unknown> {
  return {
    ...cfg.raw,
    ...labelMaps(cfg),
    model_type: 'bert',
    vocab_size: cfg.vocabSize,
    hidden_size: cfg.hiddenSize,
    num_hidden_layers: cfg.numHiddenLayers,
    num_attention_heads: cfg.numAttentionHeads,
    intermediate_size: cfg.intermediateSize,
    hidden_act: cfg.hiddenAct,
    hidden_dropout_prob: cfg.hiddenDropoutProb,
    attention_probs_dropout_prob: cfg.attentionProbsDropoutProb,
    max_position_embeddings: cfg.maxPositionEmbeddings,
    type_vocab_size: cfg.typeVocabSize,
    initializer_range: cfg.initializerRange,
    layer_norm_eps: cfg.layerNormEps,
    pad_token_id: cfg.padTokenId,
  };
}
