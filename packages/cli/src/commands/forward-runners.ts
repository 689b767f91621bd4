import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, loadBertModel, normalizedEntropy, toJsonTensorAsync, type FileSystem } from '@camtl/core';
import { loadCaMtl } from '@camtl/ca-mtl';
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
  const { model } = await loadBertModel(dir, fs);
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

/** A CA-MTL checkpoint: adds per_task {rows, logits, normalized_entropy} and pooled_output; loss with labels. */
export async function forwardCaMtl(
  dir: string,
  raw: unknown,
  inputFile: string,
  fs: FileSystem,
): Promise<ForwardResult> {
  const { model } = await loadCaMtl(dir, fs);
  const cfg = model.config;
  const inputs = parseForwardInputs(raw, inputFile, cfg.bert, { numTasks: cfg.tasks.length, floatLabels: true });
  if (!inputs.taskId)
    throw new CamtlError(
      'BAD_INPUT',
      `${inputFile}: "task_id" is required for a CA-MTL model (tasks: ${cfg.tasks.join(', ')})`,
    );
  try {
    const out = model.forward({ ...inputs, taskIds: inputs.taskId });
    const taskIds = Array.from(await inputs.taskId.data());
    const logits = (await out.logits.array()) as number[][];
    const h = normalizedEntropy(out.logits, inputs.taskId, model.numLabelsPerTask); // what MT-U scores by
    const entropy = Array.from(await h.data());
    h.dispose();
    const perTask: Record<string, unknown> = {};
    const summary = [`sequence_output [${out.sequenceOutput.shape}]`, `pooled_output [${out.pooledOutput.shape}]`];
    cfg.tasks.forEach((task, t) => {
      const rows = taskIds.flatMap((id, b) => (id === t ? [b] : []));
      if (rows.length === 0) return;
      const c = cfg.numLabelsPerTask[t];
      const data = rows.flatMap((b) => logits[b].slice(0, c));
      perTask[task] = {
        rows,
        logits: { shape: [rows.length, c], dtype: 'float32', data },
        normalized_entropy: rows.map((b) => entropy[b]),
      };
      summary.push(
        `${task}: rows [${rows}]`,
        ...rows.map(
          (b) =>
            `  ${b}: ${logits[b]
              .slice(0, c)
              .map((v) => v.toFixed(4))
              .join(' ')}`,
        ),
      );
    });
    const pooled = await toJsonTensorAsync(out.pooledOutput);
    const json: Record<string, unknown> = {
      last_hidden_state: await toJsonTensorAsync(out.sequenceOutput),
      pooled_output: pooled,
      pooler_output: pooled,
      per_task: perTask,
    };
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
