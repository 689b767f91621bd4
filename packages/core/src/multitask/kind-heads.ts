import * as tf from '@tensorflow/tfjs-core';
import { dropout } from '../modules/basic';
import type { ModuleContext } from '../modules/context';
import { normal, zeros } from '../params/init';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import type { TaskKind } from './tasks';

/**
 * Heads of the task kinds that do not read one pooled vector per row: token
 * classification (a Linear on every token), span extraction (start/end
 * logits) and multiple choice (one score per choice row). As for the
 * sentence heads, every head of a kind is applied to every row at once and a
 * constant 0/1 selection picks each row's own slice: no loop over tasks.
 * Parameter names follow HF's heads inside each task's `decoders.{t}`.
 */

/** The HF module of each kind's head, its width for a task with `numLabels`, and whether it reads tokens. */
const KIND_HEADS = {
  'token-classification': { module: 'classifier', width: (c: number) => c, tokens: true },
  'span-extraction': { module: 'qa_outputs', width: () => 2, tokens: true },
  'multiple-choice': { module: 'classifier', width: () => 1, tokens: false },
} as const;

export type HeadKind = keyof typeof KIND_HEADS;
export const HEAD_KINDS = Object.keys(KIND_HEADS) as HeadKind[];

export function isSentenceKind(kind: TaskKind): boolean {
  return kind === 'classification' || kind === 'regression';
}

/** Kinds of models saved before kinds existed: one label is regression, more are classification. */
export function defaultKinds(numLabels: readonly number[]): TaskKind[] {
  return numLabels.map((c) => (c === 1 ? 'regression' : 'classification'));
}

/** One kind's heads: which tasks have one, their widths, and the [T][ΣW][W_max] selection of each task's slice. */
export interface KindHeads {
  kind: HeadKind;
  tasks: number[];
  widths: number[];
  maxWidth: number;
  selection: number[][][];
}

export function kindHeads(kind: HeadKind, kinds: readonly TaskKind[], numLabels: readonly number[]): KindHeads {
  const tasks = kinds.flatMap((k, t) => (k === kind ? [t] : []));
  const widths = tasks.map((t) => KIND_HEADS[kind].width(numLabels[t]));
  const total = widths.reduce((a, b) => a + b, 0);
  const maxWidth = Math.max(1, ...widths);
  const selection = kinds.map(() => Array.from({ length: total }, () => new Array<number>(maxWidth).fill(0)));
  let offset = 0;
  tasks.forEach((t, i) => {
    for (let k = 0; k < widths[i]; k++) selection[t][offset + k][k] = 1;
    offset += widths[i];
  });
  return { kind, tasks, widths, maxWidth, selection };
}

export function headPrefix(kind: HeadKind, task: number): string {
  return `decoders.${task}.${KIND_HEADS[kind].module}`;
}

export function kindHeadSpecs(heads: KindHeads, hidden: number, std: number): ParamSpec[] {
  return heads.tasks.flatMap((t, i) => [
    { name: `${headPrefix(heads.kind, t)}.weight`, shape: [heads.widths[i], hidden], init: normal(std) },
    { name: `${headPrefix(heads.kind, t)}.bias`, shape: [heads.widths[i]], init: zeros },
  ]);
}

/** 0/1 float [N]: the rows whose task satisfies `pick`. */
export function rowsOfKind(taskIds: tf.Tensor1D, kinds: readonly TaskKind[], pick: (k: TaskKind) => boolean) {
  return tf.gather(
    tf.tensor1d(
      kinds.map((k) => (pick(k) ? 1 : 0)),
      'float32',
    ),
    taskIds,
  ) as tf.Tensor1D;
}

/**
 * Each row's own head of one kind. x is [N, S, H] (token heads) or [N, H]
 * (choice heads); the result is [N, S, W_max] or [N, W_max], 0 for rows
 * whose task has no head of this kind.
 */
export function applyKindHeads(root: Params, heads: KindHeads, x: tf.Tensor, taskIds: tf.Tensor1D): tf.Tensor {
  const mods = heads.tasks.map((t) => root.at(headPrefix(heads.kind, t)));
  const w = tf.concat(
    mods.map((m) => m.get('weight')),
    0,
  ); // [ΣW, H]
  const b = tf.concat(
    mods.map((m) => m.get('bias')),
    0,
  ); // [ΣW]
  const N = x.shape[0];
  const H = x.shape[x.rank - 1];
  const flat = tf.reshape(x, [-1, H]); // [N·S, H] or [N, H]
  const all = tf.fused.matMul({ a: flat as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias: b }); // [N·S, ΣW]
  const select = tf.gather(tf.tensor3d(heads.selection), taskIds); // [N, ΣW, W_max]
  const rows = tf.reshape(all, [N, -1, w.shape[0]]); // [N, S, ΣW] (S = 1 for choice heads)
  const picked = tf.matMul(rows, select); // [N, S, ΣW]·[N, ΣW, W_max] → [N, S, W_max]
  return x.rank === 3 ? picked : tf.reshape(picked, [N, heads.maxWidth]); // [N, W_max]
}

export interface KindHeadOutputs {
  tokenLogits?: tf.Tensor3D;
  startLogits?: tf.Tensor2D;
  endLogits?: tf.Tensor2D;
  choiceLogits?: tf.Tensor1D;
}

/**
 * Token, span and choice logits of a mixed batch, for the kinds the model
 * has. Dropout as in HF: token classification drops the sequence output,
 * multiple choice the pooled output, question answering nothing.
 */
export function kindHeadOutputs(
  root: Params,
  heads: readonly KindHeads[],
  encoded: { sequence: tf.Tensor3D; pooled: tf.Tensor2D },
  taskIds: tf.Tensor1D,
  rate: number,
  ctx: ModuleContext,
): KindHeadOutputs {
  const out: KindHeadOutputs = {};
  const [N, S] = encoded.sequence.shape;
  for (const h of heads) {
    if (h.tasks.length === 0) continue;
    if (h.kind === 'token-classification') {
      const x = dropout(encoded.sequence, rate, ctx);
      out.tokenLogits = applyKindHeads(root, h, x, taskIds) as tf.Tensor3D; // [N, S, Ctok_max]
    } else if (h.kind === 'span-extraction') {
      const se = applyKindHeads(root, h, encoded.sequence, taskIds); // [N, S, 2]
      out.startLogits = tf.reshape(tf.slice(se, [0, 0, 0], [N, S, 1]), [N, S]) as tf.Tensor2D;
      out.endLogits = tf.reshape(tf.slice(se, [0, 0, 1], [N, S, 1]), [N, S]) as tf.Tensor2D;
    } else {
      const x = dropout(encoded.pooled, rate, ctx);
      out.choiceLogits = tf.reshape(applyKindHeads(root, h, x, taskIds), [N]) as tf.Tensor1D; // [N, 1] → [N]
    }
  }
  return out;
}
