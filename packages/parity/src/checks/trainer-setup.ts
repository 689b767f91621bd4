// What the trainer check trains: a fresh, tiny CA-MTL-base (3 layers, so
// the bias-only, CLN and rebuilt top layers all run; every dropout at 0.1),
// and three small tasks whose rows are generated here from a seed: two
// classifications and a regression. No Node API and no fixture: the same
// code runs in the browser page.
import { Rng, type EncodedExample, type TaskDefinition, type TaskKind } from '@camtl/core';
import { createCaMtl, type CaMtlModel } from '@camtl/ca-mtl';

/** The run every backend repeats. Tiny: WebGPU on SwiftShader pays tens of ms per op. */
export const TRAINER_RUN = {
  steps: 5,
  batchSize: 4,
  rowsPerTask: 20,
  // High for fine-tuning, so that five steps move the MT-U scores.
  learningRate: 3e-3,
  seed: 7,
  modelSeed: 1,
} as const;

const BERT = {
  model_type: 'bert',
  vocab_size: 32,
  hidden_size: 16,
  num_hidden_layers: 3,
  num_attention_heads: 2,
  intermediate_size: 32,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  max_position_embeddings: 16,
  type_vocab_size: 2,
  initializer_range: 0.1,
  layer_norm_eps: 1e-12,
};

/** The longest row (CLS + up to 8 tokens + SEP), also CA-MTL's attention-bias length. */
const MAX_LEN = 10;
const CLS = 2;
const SEP = 3;
/** Ordinary tokens are FIRST_TOKEN … vocab_size − 1. */
const FIRST_TOKEN = 4;

interface TaskShape {
  name: string;
  kind: TaskKind;
  numLabels: number;
  /** The target of a row's ordinary tokens. */
  target(tokens: number[]): number;
}

/** Two classifications and a regression, each a simple function of the tokens. */
const TASKS: TaskShape[] = [
  { name: 'has-five', kind: 'classification', numLabels: 2, target: (t) => (t.includes(5) ? 1 : 0) },
  { name: 'small-count', kind: 'regression', numLabels: 1, target: (t) => t.filter((x) => x < 12).length / 2 },
  { name: 'first-mod-3', kind: 'classification', numLabels: 3, target: (t) => t[0] % 3 },
];

export const TASK_NAMES = TASKS.map((t) => t.name);

/** A TaskDefinition for rows made in code: the trainer reads no file and evaluates nothing here. */
function definition(t: TaskShape): TaskDefinition {
  return {
    specificationVersion: 'v1',
    name: t.name,
    kind: t.kind,
    numLabels: t.numLabels,
    labels: t.kind === 'regression' ? undefined : Array.from({ length: t.numLabels }, (_, i) => String(i)),
    splits: {},
    devSplits: [],
    read: async () => ({ file: '', examples: [], skipped: [] }),
    target: Number,
    formatPrediction: String,
    metrics: () => ({}),
    score: () => null,
  };
}

export const TASK_DEFINITIONS: TaskDefinition[] = TASKS.map(definition);

/**
 * `rowsPerTask` distinct rows per task, of 3–8 ordinary tokens (so batches
 * pad), sentence pairs (token types 0 then 1) for the last task.
 */
export function trainerRows(): EncodedExample[][] {
  return TASKS.map((shape, task) => {
    const rng = new Rng(1000 + task);
    const seen = new Set<string>();
    const rows: EncodedExample[] = [];
    while (rows.length < TRAINER_RUN.rowsPerTask) {
      const tokens = Array.from({ length: 3 + rng.int(6) }, () => FIRST_TOKEN + rng.int(BERT.vocab_size - FIRST_TOKEN));
      const key = tokens.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      const ids = [CLS, ...tokens, SEP];
      const half = shape.name === 'first-mod-3' ? Math.ceil(ids.length / 2) : ids.length;
      const typeIds = ids.map((_, j) => (j < half ? 0 : 1));
      rows.push({ ids, typeIds, task, target: shape.target(tokens) });
    }
    return rows;
  });
}

/** The fresh model every run starts from (the same weights on every backend: initialised on the host). */
export async function trainerModel(): Promise<CaMtlModel> {
  const { model } = await createCaMtl({
    bertConfig: BERT,
    tasks: TASK_NAMES,
    numLabels: TASKS.map((t) => t.numLabels),
    variant: 'base',
    maxSeqLength: MAX_LEN,
    seed: TRAINER_RUN.modelSeed,
  });
  return model;
}
