import { CamtlError } from '../errors';
import { activationNames } from '../modules/basic';

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

function num(raw: Raw, key: string, source: string, fallback?: number): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new CamtlError('BAD_CONFIG', `${source}: "${key}" must be a number, got ${JSON.stringify(raw[key])}`);
  }
  return v;
}

function positiveInt(raw: Raw, key: string, source: string, fallback?: number): number {
  const v = num(raw, key, source, fallback);
  if (!Number.isInteger(v) || v < 1) {
    throw new CamtlError('BAD_CONFIG', `${source}: "${key}" must be a positive integer, got ${v}`);
  }
  return v;
}

function probability(raw: Raw, key: string, source: string): number {
  const v = num(raw, key, source, 0.1);
  if (v < 0 || v >= 1) throw new CamtlError('BAD_CONFIG', `${source}: "${key}" must be in [0, 1), got ${v}`);
  return v;
}

function numLabelsOf(raw: Raw, source: string): number {
  if (raw.num_labels !== undefined) return positiveInt(raw, 'num_labels', source);
  const id2label = raw.id2label;
  if (id2label && typeof id2label === 'object') return Math.max(1, Object.keys(id2label).length);
  return 2; // HF's PretrainedConfig default
}

/** Validates a HF BERT config.json; every error names `source` and the field. */
export function parseBertConfig(raw: unknown, source = 'config.json'): BertConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CamtlError('BAD_CONFIG', `${source}: expected a JSON object`);
  }
  const r = raw as Raw;
  if (r.model_type !== undefined && r.model_type !== 'bert') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: model_type "${String(r.model_type)}" is not supported (only "bert")`,
    );
  }
  const pet = r.position_embedding_type ?? 'absolute';
  if (pet !== 'absolute') {
    throw new CamtlError(
      'UNSUPPORTED',
      `${source}: position_embedding_type "${String(pet)}" is not supported (only "absolute")`,
    );
  }
  const hiddenAct = String(r.hidden_act ?? 'gelu');
  if (!activationNames().includes(hiddenAct)) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: unknown hidden_act "${hiddenAct}"`,
      `use one of: ${activationNames().join(', ')}`,
    );
  }
  const cfg: BertConfig = {
    vocabSize: positiveInt(r, 'vocab_size', source),
    hiddenSize: positiveInt(r, 'hidden_size', source, 768),
    numHiddenLayers: positiveInt(r, 'num_hidden_layers', source, 12),
    numAttentionHeads: positiveInt(r, 'num_attention_heads', source, 12),
    intermediateSize: positiveInt(r, 'intermediate_size', source, 3072),
    hiddenAct,
    hiddenDropoutProb: probability(r, 'hidden_dropout_prob', source),
    attentionProbsDropoutProb: probability(r, 'attention_probs_dropout_prob', source),
    maxPositionEmbeddings: positiveInt(r, 'max_position_embeddings', source, 512),
    typeVocabSize: positiveInt(r, 'type_vocab_size', source, 2),
    initializerRange: num(r, 'initializer_range', source, 0.02),
    layerNormEps: num(r, 'layer_norm_eps', source, 1e-12),
    padTokenId: num(r, 'pad_token_id', source, 0),
    numLabels: numLabelsOf(r, source),
    id2label: (r.id2label as Record<string, string> | undefined) ?? undefined,
    raw: r,
  };
  if (cfg.hiddenSize % cfg.numAttentionHeads !== 0) {
    throw new CamtlError(
      'BAD_CONFIG',
      `${source}: hidden_size ${cfg.hiddenSize} is not a multiple of num_attention_heads ${cfg.numAttentionHeads}`,
    );
  }
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
