import * as tf from '@tensorflow/tfjs-core';
import {
  CamtlError,
  IGNORE_INDEX,
  bertTaskArchitecture,
  validateJsonTensor,
  type BertConfig,
  type BertTaskHead,
  type BertTaskInputs,
  type JsonTensor,
} from '@camtl/core';

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

/** Integer class ids in [0, numClasses), or −100 (ignored, as torch's CrossEntropyLoss does). */
function labelRange(t: JsonTensor, what: string, numClasses: number): void {
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v) || (v !== IGNORE_INDEX && (v < 0 || v >= numClasses))) {
      throw new CamtlError(
        'BAD_INPUT',
        `${what}: value ${v} at flat index ${i} is neither -100 nor in [0, ${numClasses})`,
      );
    }
  }
}

function shapeIs(t: JsonTensor, want: number[], desc: string, what: string): void {
  if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
    throw new CamtlError('BAD_INPUT', `${what}: expected shape ${desc} = [${want}], got [${t.shape}]`);
  }
}

function integers(t: JsonTensor, what: string): void {
  const i = t.data.findIndex((v) => !Number.isInteger(v));
  if (i >= 0) throw new CamtlError('BAD_INPUT', `${what}: value ${t.data[i]} at flat index ${i} is not an integer`);
}

/** input_ids [B, S] ([B, C, S] for multiple choice) and its same-shaped token types and mask. */
function encoderFields(r: Record<string, unknown>, file: string, config: BertConfig, head: BertTaskHead) {
  const ids = field(r, 'input_ids', file);
  if (!ids) throw new CamtlError('BAD_INPUT', `${file}: "input_ids" is required`);
  const mc = head === 'multiple-choice';
  if (ids.shape.length !== (mc ? 3 : 2)) {
    const want = mc ? '[batch, choices, seq]' : '[batch, seq]';
    throw new CamtlError(
      'BAD_INPUT',
      `${file}: input_ids must be ${want} for ${bertTaskArchitecture(head)}, got [${ids.shape}]`,
    );
  }
  intRange(ids, `${file}: input_ids`, 0, config.vocabSize);
  const types = field(r, 'token_type_ids', file);
  const mask = field(r, 'attention_mask', file);
  if (types) sameShapeAs(types, ids.shape, `${file}: token_type_ids`);
  if (types) intRange(types, `${file}: token_type_ids`, 0, config.typeVocabSize);
  if (mask) sameShapeAs(mask, ids.shape, `${file}: attention_mask`);
  if (mask) intRange(mask, `${file}: attention_mask`, 0, 2);
  return { ids, types, mask };
}

/** The targets of a head: labels [B, S] (token), start/end positions [B] (QA), labels [B] (multiple choice). */
function targetFields(
  r: Record<string, unknown>,
  file: string,
  config: BertConfig,
  head: BertTaskHead,
  ids: JsonTensor,
) {
  const [B, second] = ids.shape;
  const labels = field(r, 'labels', file);
  if (head === 'question-answering') {
    if (labels)
      throw new CamtlError('BAD_INPUT', `${file}: a QA model takes start_positions/end_positions, not labels`);
    const start = field(r, 'start_positions', file);
    const end = field(r, 'end_positions', file);
    if (!start !== !end) {
      throw new CamtlError('BAD_INPUT', `${file}: give both start_positions and end_positions, or neither`);
    }
    for (const [t, name] of [
      [start, 'start_positions'],
      [end, 'end_positions'],
    ] as const) {
      if (t) (shapeIs(t, [B], '[batch]', `${file}: ${name}`), integers(t, `${file}: ${name}`)); // any value: HF clamps
    }
    return { start, end };
  }
  if (labels && head === 'token-classification') {
    shapeIs(labels, [B, second], '[batch, seq]', `${file}: labels`);
    labelRange(labels, `${file}: labels`, config.numLabels);
  }
  if (labels && head === 'multiple-choice') {
    shapeIs(labels, [B], '[batch]', `${file}: labels`);
    labelRange(labels, `${file}: labels`, second); // a choice index
  }
  return { labels };
}

/**
 * Validates the IN.json of a token-classification, QA or multiple-choice
 * model. Integer tensors may be int32 or int64 (all read as int32).
 */
export function parseTaskForwardInputs(
  raw: unknown,
  file: string,
  config: BertConfig,
  head: BertTaskHead,
): BertTaskInputs {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CamtlError('BAD_INPUT', `${file}: expected an object {input_ids, token_type_ids?, attention_mask?, ...}`);
  }
  const r = raw as Record<string, unknown>;
  if (r.task_id !== undefined) {
    throw new CamtlError('BAD_INPUT', `${file}: task_id given, but the model is a ${bertTaskArchitecture(head)}`);
  }
  const { ids, types, mask } = encoderFields(r, file, config, head);
  const { labels, start, end } = targetFields(r, file, config, head, ids) as Record<string, JsonTensor | undefined>;
  const int = (t: JsonTensor | undefined) => t && tf.tensor(t.data, t.shape, 'int32');
  return {
    inputIds: int(ids)!,
    tokenTypeIds: int(types),
    attentionMask: int(mask),
    labels: int(labels),
    startPositions: int(start),
    endPositions: int(end),
  };
}
