import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, validateJsonTensor, type BertConfig, type JsonTensor } from '@camtl/core';

/** The tensors of a forward IN.json, checked against the model's config. */
export interface ForwardInputs {
  inputIds: tf.Tensor2D;
  tokenTypeIds?: tf.Tensor2D;
  attentionMask?: tf.Tensor2D;
  labels?: tf.Tensor1D;
  taskId?: tf.Tensor1D;
}

function intRange(t: JsonTensor, what: string, lo: number, hi: number): void {
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v) || v < lo || v >= hi) {
      throw new CamtlError('BAD_INPUT', `${what}: value ${v} at flat index ${i} is outside [${lo}, ${hi})`);
    }
  }
}

function sameShapeAs(t: JsonTensor, shape: number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new CamtlError('BAD_INPUT', `${what}: shape [${t.shape}] differs from input_ids [${shape}]`);
  }
}

function field(raw: Record<string, unknown>, key: string, file: string): JsonTensor | undefined {
  return raw[key] === undefined || raw[key] === null ? undefined : validateJsonTensor(raw[key], `${file}: ${key}`);
}

/** Validates IN.json ({input_ids, token_type_ids?, attention_mask?, labels?, task_id?}). */
export function parseForwardInputs(
  raw: unknown,
  file: string,
  config: BertConfig,
  limits: { numLabels?: number; numTasks?: number; floatLabels?: boolean } = {},
): ForwardInputs {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CamtlError('BAD_INPUT', `${file}: expected an object {input_ids, token_type_ids?, attention_mask?}`);
  }
  const r = raw as Record<string, unknown>;
  const ids = field(r, 'input_ids', file);
  if (!ids) throw new CamtlError('BAD_INPUT', `${file}: "input_ids" is required`);
  if (ids.shape.length !== 2)
    throw new CamtlError('BAD_INPUT', `${file}: input_ids must be [batch, seq], got [${ids.shape}]`);
  intRange(ids, `${file}: input_ids`, 0, config.vocabSize);
  const types = field(r, 'token_type_ids', file);
  const mask = field(r, 'attention_mask', file);
  const labels = field(r, 'labels', file);
  const task = field(r, 'task_id', file);
  if (types)
    (sameShapeAs(types, ids.shape, `${file}: token_type_ids`),
      intRange(types, `${file}: token_type_ids`, 0, config.typeVocabSize));
  if (mask) (sameShapeAs(mask, ids.shape, `${file}: attention_mask`), intRange(mask, `${file}: attention_mask`, 0, 2));
  for (const [t, name] of [
    [labels, 'labels'],
    [task, 'task_id'],
  ] as const) {
    if (t) sameShapeAs(t, [ids.shape[0]], `${file}: ${name}`);
  }
  if (task && limits.numTasks !== undefined) intRange(task, `${file}: task_id`, 0, limits.numTasks);
  if (labels && limits.numLabels !== undefined && limits.numLabels > 1) {
    intRange(labels, `${file}: labels`, 0, limits.numLabels);
  }
  const t2 = (t: JsonTensor) => tf.tensor2d(t.data, t.shape as [number, number], 'int32');
  return {
    inputIds: t2(ids),
    tokenTypeIds: types && t2(types),
    attentionMask: mask && t2(mask),
    labels: labels && tf.tensor1d(labels.data, limits.numLabels === 1 || limits.floatLabels ? 'float32' : 'int32'),
    taskId: task && tf.tensor1d(task.data, 'int32'),
  };
}
