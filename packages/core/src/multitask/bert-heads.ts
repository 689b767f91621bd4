import type * as tf from '@tensorflow/tfjs-core';
import type { BertOutputs } from '../bert/model';
import { CamtlError } from '../errors';
import type { ModuleContext } from '../modules/context';
import type { ParamSpec } from '../params/spec';
import type { Params } from '../params/store';
import { lossWeightingSpecs, type LossWeighting } from './loss-weighting';
import type { MultiTaskBatch } from './model';
import type { MultiTaskConfigBase } from './model-base';
import { multiTaskObjective, type ObjectiveOptions, type ObjectiveOutputs } from './objective';
import { headSpecs, type HeadLayout } from './task-heads';

/**
 * The last step every shared-BERT multi-task model takes (MTL-BERT here,
 * Hyperformer in @camtl/hypernet-adapters, your own): one head per task on the
 * encoder's outputs, and the multi-task loss.
 */

/** A multi-task model over one BERT encoder, with its heads' options. */
export interface BertHeadsConfig extends MultiTaskConfigBase {
  options: { headDropout?: number; lossWeighting?: LossWeighting };
}

/** The encoder's last layer and pooled [CLS] row, plus the heads' logits and (with labels) the loss. */
export interface BertHeadsOutputs extends ObjectiveOutputs {
  /** [B, S, H] */
  sequenceOutput: tf.Tensor3D;
  /** [B, H] */
  pooledOutput: tf.Tensor2D;
}

/** The parameters the tasks add to a shared BERT: one head per task, then the loss weighting's (when learned). */
export function bertHeadSpecs(c: BertHeadsConfig): ParamSpec[] {
  return [
    ...headSpecs(c.numLabelsPerTask, c.bert.hiddenSize, c.bert.initializerRange, c.taskKinds),
    ...lossWeightingSpecs(c.options.lossWeighting, c.tasks.length),
  ];
}

/** A mixed-task batch fits the model: one task id per row, at most `maxSeqLength` tokens. */
export function checkBatchFits(inputs: MultiTaskBatch, maxSeqLength: number): void {
  const [B, S] = inputs.inputIds.shape;
  if (inputs.taskIds.shape[0] !== B)
    throw new CamtlError('BAD_INPUT', `task ids: ${inputs.taskIds.shape[0]} for a batch of ${B}`);
  if (S > maxSeqLength)
    throw new CamtlError('BAD_INPUT', `sequence length ${S} is longer than max_seq_length ${maxSeqLength}`);
}

/** Each row's own task head, and the multi-task loss, on a BERT forward's outputs. */
export function headsOnBert(
  root: Params,
  out: BertOutputs,
  inputs: MultiTaskBatch,
  heads: HeadLayout,
  options: ObjectiveOptions,
  ctx: ModuleContext,
): BertHeadsOutputs {
  const pooled = out.pooledOutput!;
  const encoded = { sequence: out.lastHiddenState, pooled };
  const objective = multiTaskObjective(root, encoded, inputs, heads, options, ctx);
  return { sequenceOutput: out.lastHiddenState, pooledOutput: pooled, ...objective };
}
