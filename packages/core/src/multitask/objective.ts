import * as tf from '@tensorflow/tfjs-core';
import type { ModuleContext } from '../modules/context';
import type { Params } from '../params/store';
import { isSentenceKind, kindHeadOutputs, rowsOfKind, type KindHeads } from './kind-heads';
import {
  choiceRowEntropy,
  choiceRowLoss,
  sameExample,
  spanRowEntropy,
  spanRowLoss,
  tokenRowEntropy,
  tokenRowLoss,
  type RowLoss,
} from './kind-losses';
import { weightedMultiTaskLoss, type LossWeighting } from './loss-weighting';
import type { MultiTaskBatch, MultiTaskOutputs } from './model';
import { normalizedEntropy, perExampleLoss, taskHeads, type HeadLayout } from './task-heads';

/**
 * The heads and loss of a multi-task model over a batch that mixes task
 * kinds: sentence heads on the pooled output, token and span heads on the
 * sequence output, choice heads on each choice row's pooled output; each
 * row's loss and MT-U uncertainty masked by its task's kind. A model of
 * sentence-level tasks only computes exactly what it did before kinds existed.
 */
export interface ObjectiveOutputs extends MultiTaskOutputs {
  /** [N]: each row's loss (a token row: its sum over labelled tokens). */
  perExampleLoss?: tf.Tensor1D;
}

export interface ObjectiveOptions {
  headDropout?: number;
  lossWeighting?: LossWeighting;
}

/**
 * The per-task heads and the multi-task loss of a batch that mixes tasks:
 * `encoded` is the encoder's sequence output [N, S, H] and pooled [CLS] output
 * [N, H]; `root` holds the `headSpecs` parameters (and `lossWeightingSpecs`'
 * when `options.lossWeighting` is 'uncertainty'); `layout` is
 * `headLayout(numLabels, kinds)`. Returns each row's logits from its own head
 * and, when the batch has labels, `loss` (the unweighted mean over the tasks
 * present, as the reference), `perTaskLoss` and `perExampleLoss`. This is what
 * a custom `MultiTaskModel.forward` returns after running its encoder.
 */
export function multiTaskObjective(
  root: Params,
  encoded: { sequence: tf.Tensor3D; pooled: tf.Tensor2D },
  batch: MultiTaskBatch,
  layout: HeadLayout,
  options: ObjectiveOptions,
  ctx: ModuleContext,
): ObjectiveOutputs {
  const rate = options.headDropout ?? 0.1;
  const logits = taskHeads(root, encoded.pooled, batch.taskIds, layout, rate, ctx);
  const out: ObjectiveOutputs = { logits };
  if (layout.kindHeads.length > 0) {
    Object.assign(out, kindHeadOutputs(root, layout.kindHeads, encoded, batch.taskIds, rate, ctx));
    out.normalizedEntropy = rowEntropy(out, batch, layout);
  }
  if (!batch.labels) return out;
  const rows = rowLosses(out, batch, layout);
  const T = layout.numLabels.length;
  const { loss, perTask } = weightedMultiTaskLoss(root, rows.sum, batch.taskIds, T, options.lossWeighting, rows.weight);
  return Object.assign(out, { loss, perTaskLoss: perTask, perExampleLoss: rows.sum });
}

/** Per row [N, C] 1 on the row's own token classes (C_t of its token head; all C for rows of other kinds). */
function tokenClassMask(heads: KindHeads, taskIds: tf.Tensor1D, numTasks: number): tf.Tensor2D {
  const widths = Array.from({ length: numTasks }, (_, t) => {
    const i = heads.tasks.indexOf(t);
    return i < 0 ? heads.maxWidth : heads.widths[i];
  });
  const own = tf.gather(tf.tensor1d(widths, 'float32'), taskIds); // [N]
  const classes = tf.range(0, heads.maxWidth, 1, 'float32'); // [C]
  return tf.cast(tf.less(tf.expandDims(classes, 0), tf.expandDims(own, 1)), 'float32') as tf.Tensor2D;
}

function exampleGroups(batch: MultiTaskBatch): tf.Tensor2D {
  const N = batch.taskIds.shape[0];
  return batch.exampleIds ? sameExample(batch.exampleIds) : (tf.eye(N) as tf.Tensor2D);
}

/** One kind's [N] rows, or undefined when the batch lacks what its loss needs. */
function kindLoss(kind: KindHeads, out: ObjectiveOutputs, batch: MultiTaskBatch, T: number): RowLoss | undefined {
  if (kind.kind === 'token-classification' && out.tokenLogits && batch.tokenLabels) {
    return tokenRowLoss(out.tokenLogits, batch.tokenLabels, tokenClassMask(kind, batch.taskIds, T));
  }
  if (kind.kind === 'span-extraction' && out.startLogits && batch.startPositions && batch.endPositions) {
    return spanRowLoss(out.startLogits, out.endLogits!, batch.startPositions, batch.endPositions);
  }
  if (kind.kind === 'multiple-choice' && out.choiceLogits && batch.labels) {
    return choiceRowLoss(out.choiceLogits, batch.labels, exampleGroups(batch));
  }
  return undefined;
}

/** Each row's loss under its own task's kind; rows of a kind whose targets the batch lacks weigh 0. */
function rowLosses(
  out: ObjectiveOutputs,
  batch: MultiTaskBatch,
  layout: HeadLayout,
): Partial<RowLoss> & Pick<RowLoss, 'sum'> {
  const sentence = perExampleLoss(out.logits, batch.labels!, batch.taskIds, layout); // [N]
  if (layout.kindHeads.length === 0) return { sum: sentence }; // every row weighs 1, as before kinds existed
  const isSentence = rowsOfKind(batch.taskIds, layout.kinds, isSentenceKind);
  let sum = tf.mul(isSentence, sentence) as tf.Tensor1D;
  let weight = isSentence;
  for (const kind of layout.kindHeads) {
    const rows = kindLoss(kind, out, batch, layout.numLabels.length);
    if (!rows) continue;
    const mine = rowsOfKind(batch.taskIds, layout.kinds, (k) => k === kind.kind); // [N]
    sum = tf.add(sum, tf.mul(mine, rows.sum)) as tf.Tensor1D;
    weight = tf.add(weight, tf.mul(mine, rows.weight)) as tf.Tensor1D;
  }
  return { sum, weight };
}

/** Each row's MT-U uncertainty in [0, 1] under its own task's kind (camtl's choice for the new kinds). */
function rowEntropy(out: ObjectiveOutputs, batch: MultiTaskBatch, layout: HeadLayout): tf.Tensor1D {
  const { taskIds } = batch;
  const T = layout.numLabels.length;
  const sentenceLabels = layout.numLabels.map((c, t) => (isSentenceKind(layout.kinds[t]) ? c : 1));
  let h = tf.mul(
    rowsOfKind(taskIds, layout.kinds, isSentenceKind),
    normalizedEntropy(out.logits, taskIds, sentenceLabels),
  );
  const mask = batch.attentionMask ?? (tf.onesLike(batch.inputIds) as tf.Tensor2D);
  for (const kind of layout.kindHeads) {
    const mine = rowsOfKind(taskIds, layout.kinds, (k) => k === kind.kind);
    const e =
      kind.kind === 'token-classification'
        ? tokenRowEntropy(out.tokenLogits!, tokenClassMask(kind, taskIds, T), mask)
        : kind.kind === 'span-extraction'
          ? spanRowEntropy(out.startLogits!, out.endLogits!, mask)
          : choiceRowEntropy(out.choiceLogits!, exampleGroups(batch));
    h = tf.add(h, tf.mul(mine, e));
  }
  return h as tf.Tensor1D;
}
