import * as tf from '@tensorflow/tfjs-core';
import {
  CamtlError,
  isSentenceKind,
  loadBertModel,
  normalizedEntropy,
  toJsonTensorAsync,
  type FileSystem,
  type TaskKind,
} from '@camtl/core';
import { loadMultiTaskModel } from '@camtl/ca-mtl';
import { parseForwardInputs } from '../inputs';

/** What a forward run produces: the OUT.json object and a human summary. */
export interface ForwardResult {
  json: Record<string, unknown>;
  summary: string[];
}

/** Reads are asynchronous throughout: WebGPU in Node has no synchronous read path. */
async function logitRows(logits: tf.Tensor2D): Promise<string[]> {
  return ((await logits.array()) as number[][]).map((r, i) => `  ${i}: ${r.map((v) => v.toFixed(4)).join(' ')}`);
}

async function scalar(t: tf.Tensor): Promise<number> {
  return (await t.data())[0];
}

/** A plain HF BERT: last_hidden_state, pooler_output, logits (with a classifier), loss (with labels). */
export async function forwardBert(
  dir: string,
  raw: unknown,
  inputFile: string,
  fs: FileSystem,
): Promise<ForwardResult> {
  // Running a model on weights it lacks would print outputs of random tensors: every one must be there.
  const { model } = await loadBertModel(dir, fs, { strict: true });
  const numLabels = model.definition.classifier ? model.config.numLabels : undefined;
  const inputs = parseForwardInputs(raw, inputFile, model.config, { numLabels });
  if (inputs.taskId) {
    throw new CamtlError(
      'BAD_INPUT',
      `${inputFile}: task_id given, but ${dir} is a plain BERT (its config.json has no "ca_mtl_model")`,
    );
  }
  try {
    const out = model.forward(inputs);
    const json: Record<string, unknown> = { last_hidden_state: await toJsonTensorAsync(out.lastHiddenState) };
    const summary = [`last_hidden_state [${out.lastHiddenState.shape}]`];
    if (out.pooledOutput) json.pooler_output = await toJsonTensorAsync(out.pooledOutput);
    if (out.logits) {
      json.logits = await toJsonTensorAsync(out.logits);
      summary.push(`logits [${out.logits.shape}]`, ...(await logitRows(out.logits)));
    }
    if (out.loss) {
      json.loss = await scalar(out.loss);
      summary.push(`loss ${(json.loss as number).toFixed(6)}`);
    }
    tf.dispose(out as unknown as tf.TensorContainer);
    return { json, summary };
  } finally {
    tf.dispose(Object.values(inputs).filter(Boolean) as tf.Tensor[]);
    model.dispose();
  }
}

/** per_task {rows, logits, normalized_entropy} of each task present, and the summary lines. */
function perTaskOutputs(
  cfg: { tasks: readonly string[]; numLabelsPerTask: readonly number[]; taskKinds?: readonly TaskKind[] },
  taskIds: number[],
  logits: number[][],
  entropy: number[],
): { perTask: Record<string, unknown>; lines: string[] } {
  const perTask: Record<string, unknown> = {};
  const lines: string[] = [];
  cfg.tasks.forEach((task, t) => {
    const rows = taskIds.flatMap((id, b) => (id === t ? [b] : []));
    if (rows.length === 0) return;
    if (cfg.taskKinds && !isSentenceKind(cfg.taskKinds[t])) {
      // Token, span and choice heads: their logits are the top-level token_logits, start/end_logits, choice_logits.
      perTask[task] = { rows, normalized_entropy: rows.map((b) => entropy[b]) };
      lines.push(`${task}: rows [${rows}] (${cfg.taskKinds[t]}: see its own logits)`);
      return;
    }
    const own = (b: number) => logits[b].slice(0, cfg.numLabelsPerTask[t]);
    perTask[task] = {
      rows,
      logits: { shape: [rows.length, cfg.numLabelsPerTask[t]], dtype: 'float32', data: rows.flatMap(own) },
      normalized_entropy: rows.map((b) => entropy[b]),
    };
    lines.push(
      `${task}: rows [${rows}]`,
      ...rows.map(
        (b) =>
          `  ${b}: ${own(b)
            .map((v) => v.toFixed(4))
            .join(' ')}`,
      ),
    );
  });
  return { perTask, lines };
}

/** A CA-MTL checkpoint: adds per_task {rows, logits, normalized_entropy} and pooled_output; loss with labels. */
export async function forwardCaMtl(
  dir: string,
  raw: unknown,
  inputFile: string,
  fs: FileSystem,
): Promise<ForwardResult> {
  const { model } = await loadMultiTaskModel(dir, fs, { strict: true }); // a missing tensor is an error, never random weights
  const cfg = model.config;
  const inputs = parseForwardInputs(raw, inputFile, cfg.bert, { numTasks: cfg.tasks.length, floatLabels: true });
  try {
    if (!inputs.taskId)
      throw new CamtlError(
        'BAD_INPUT',
        `${inputFile}: "task_id" is required for a CA-MTL model (tasks: ${cfg.tasks.join(', ')})`,
      );
    const out = model.forward({ ...inputs, taskIds: inputs.taskId });
    // What MT-U scores by: the model's own uncertainty when it has token, span or choice heads.
    const h = out.normalizedEntropy ?? normalizedEntropy(out.logits, inputs.taskId, model.numLabelsPerTask);
    const [taskIds, entropy] = await Promise.all([inputs.taskId.data(), h.data()]).then((r) =>
      r.map((x) => Array.from(x)),
    );
    const { perTask, lines } = perTaskOutputs(cfg, taskIds, (await out.logits.array()) as number[][], entropy);
    const pooled = await toJsonTensorAsync(out.pooledOutput);
    const json: Record<string, unknown> = {
      last_hidden_state: await toJsonTensorAsync(out.sequenceOutput),
      pooled_output: pooled,
      pooler_output: pooled,
      per_task: perTask,
    };
    const kinds = { token_logits: out.tokenLogits, start_logits: out.startLogits, end_logits: out.endLogits };
    for (const [key, t] of Object.entries({ ...kinds, choice_logits: out.choiceLogits }))
      if (t) json[key] = await toJsonTensorAsync(t);
    const summary = [
      `sequence_output [${out.sequenceOutput.shape}]`,
      `pooled_output [${out.pooledOutput.shape}]`,
      ...lines,
    ];
    if (out.loss) {
      json.loss = await scalar(out.loss);
      summary.push(`loss ${(json.loss as number).toFixed(6)}`);
    }
    tf.dispose([h, out as unknown as tf.TensorContainer]);
    return { json, summary };
  } finally {
    tf.dispose(Object.values(inputs).filter(Boolean) as tf.Tensor[]);
    model.dispose();
  }
}
