// HF BertForTokenClassification, BertForQuestionAnswering and BertForMultipleChoice:
// the encoder of BertDefinition with the head its `architectures` entry names.
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';
import { evalContext, type ModuleContext } from '../modules/context';
import { instantiate, type ParamSpec } from '../params/spec';
import type { ParamStore, Params } from '../params/store';
import { summarizeStore, type ParamSummary } from '../params/summary';
import { Rng } from '../rng';
import type { BertConfig } from './config';
import { linearSpecs } from './layer';
import { BertDefinition, type BertModelOptions } from './model';
import {
  flattenChoices,
  multipleChoiceHead,
  multipleChoiceLoss,
  questionAnsweringHead,
  questionAnsweringLoss,
  tokenClassificationHead,
  tokenClassificationLoss,
} from './task-heads';

export type BertTaskHead = 'token-classification' | 'question-answering' | 'multiple-choice';

/** config.json `architectures` entry → head. */
export const BERT_TASK_ARCHITECTURES: Readonly<Record<string, BertTaskHead>> = {
  BertForTokenClassification: 'token-classification',
  BertForQuestionAnswering: 'question-answering',
  BertForMultipleChoice: 'multiple-choice',
};

/** The HF architecture name of a head (config.json `architectures`). */
export function bertTaskArchitecture(head: BertTaskHead): string {
  return Object.keys(BERT_TASK_ARCHITECTURES).find((a) => BERT_TASK_ARCHITECTURES[a] === head)!;
}

/** The head a raw config.json names in `architectures`, if it names one of the three. */
export function bertTaskHeadOf(rawConfig: unknown): BertTaskHead | undefined {
  const archs = (rawConfig as { architectures?: unknown } | null)?.architectures;
  if (!Array.isArray(archs)) return undefined;
  for (const a of archs) if (typeof a === 'string' && a in BERT_TASK_ARCHITECTURES) return BERT_TASK_ARCHITECTURES[a];
  return undefined;
}

export interface BertTaskInputs {
  /** int [B, S]; [B, C, S] for multiple choice. */
  inputIds: tf.Tensor;
  /** Same shape as inputIds; zeros when absent. */
  tokenTypeIds?: tf.Tensor;
  /** Same shape as inputIds, 0/1 (holes allowed, used as given); all ones when absent. */
  attentionMask?: tf.Tensor;
  /** Token classification: int [B, S] (−100 ignored). Multiple choice: int [B]. */
  labels?: tf.Tensor;
  /** Question answering: int [B] each, both or neither (clamped to [0, S], S ignored). */
  startPositions?: tf.Tensor;
  endPositions?: tf.Tensor;
}

export interface BertTaskOutputs {
  /** [B, S, H]; [B·C, S, H] for multiple choice. */
  lastHiddenState: tf.Tensor3D;
  /** Multiple choice only: [B·C, H]. */
  pooledOutput?: tf.Tensor2D;
  /** Token classification [B, S, C]; multiple choice [B, C]. */
  logits?: tf.Tensor;
  /** Question answering: [B, S] each. */
  startLogits?: tf.Tensor2D;
  endLogits?: tf.Tensor2D;
  loss?: tf.Scalar;
}

/** The name of the head's Linear and its output count (the head's size comes from the architecture). */
function headLayer(head: BertTaskHead, config: BertConfig): { name: string; outputs: number } {
  if (head === 'question-answering') return { name: 'qa_outputs', outputs: 2 };
  return { name: 'classifier', outputs: head === 'multiple-choice' ? 1 : config.numLabels };
}

const int32 = (t: tf.Tensor) => (t.dtype === 'int32' ? t : tf.cast(t, 'int32'));

/** The architecture of a BERT with a token, QA or multiple-choice head. No weights. */
export class BertTaskDefinition {
  readonly encoder: BertDefinition;

  constructor(
    readonly config: BertConfig,
    readonly head: BertTaskHead,
    options: BertModelOptions = {},
  ) {
    // HF builds token-classification and QA models with add_pooling_layer=False.
    this.encoder = new BertDefinition(config, { ...options, pooler: head === 'multiple-choice', classifier: false });
  }

  get headName(): string {
    return headLayer(this.head, this.config).name;
  }

  /** Outputs of the head's Linear: num_labels (token), 2 (QA), 1 (multiple choice). */
  get headOutputs(): number {
    return headLayer(this.head, this.config).outputs;
  }

  /** Every parameter with its HF name. */
  specs(): ParamSpec[] {
    const c = this.config;
    return [...this.encoder.specs(), ...linearSpecs(this.headName, this.headOutputs, c.hiddenSize, c.initializerRange)];
  }

  forward(root: Params, inputs: BertTaskInputs, ctx: ModuleContext): BertTaskOutputs {
    if (this.head === 'multiple-choice') return this.forwardChoices(root, inputs, ctx);
    const ids = inputs.inputIds;
    if (ids.rank !== 2) {
      const arch = bertTaskArchitecture(this.head);
      throw new CamtlError('BAD_INPUT', `${arch}: input_ids must be [batch, seq], got [${ids.shape}]`);
    }
    const enc = this.encoder.forward(root, this.encoderInputs(ids as tf.Tensor2D, inputs), ctx);
    const h = enc.lastHiddenState; // [B, S, H]
    if (this.head === 'token-classification') {
      const logits = tokenClassificationHead(root.at('classifier'), h, this.config.hiddenDropoutProb, ctx);
      const loss = inputs.labels && tokenClassificationLoss(logits, inputs.labels);
      return { lastHiddenState: h, logits, loss };
    }
    const { start, end } = questionAnsweringHead(root.at('qa_outputs'), h);
    return { lastHiddenState: h, startLogits: start, endLogits: end, loss: this.qaLoss(start, end, inputs) };
  }

  private qaLoss(start: tf.Tensor2D, end: tf.Tensor2D, inputs: BertTaskInputs): tf.Scalar | undefined {
    const { startPositions: sp, endPositions: ep } = inputs;
    if (!sp && !ep) return undefined;
    if (!sp || !ep) {
      const [given, missing] = sp ? ['start_positions', 'end_positions'] : ['end_positions', 'start_positions'];
      throw new CamtlError('BAD_INPUT', `BertForQuestionAnswering: ${given} given without ${missing}`);
    }
    return questionAnsweringLoss(start, end, sp, ep);
  }

  /** [B, C, S] inputs flattened to B·C rows, pooled, scored by Linear(H, 1) and viewed as [B, C]. */
  private forwardChoices(root: Params, inputs: BertTaskInputs, ctx: ModuleContext): BertTaskOutputs {
    const ids = flattenChoices(inputs.inputIds, 'BertForMultipleChoice: input_ids');
    const numChoices = inputs.inputIds.shape[1]!;
    const enc = this.encoder.forward(root, this.encoderInputs(ids, inputs, numChoices), ctx);
    const pooled = enc.pooledOutput!; // [B·C, H]
    const logits = multipleChoiceHead(root.at('classifier'), pooled, numChoices, this.config.hiddenDropoutProb, ctx);
    const loss = inputs.labels && multipleChoiceLoss(logits, inputs.labels);
    return { lastHiddenState: enc.lastHiddenState, pooledOutput: pooled, logits, loss };
  }

  /** The encoder's [N, S] int32 inputs; token types and the mask must have input_ids' shape. */
  private encoderInputs(ids: tf.Tensor2D, inputs: BertTaskInputs, numChoices?: number) {
    const arch = bertTaskArchitecture(this.head);
    const like = (t: tf.Tensor | undefined, name: string): tf.Tensor2D | undefined => {
      if (!t) return undefined;
      if (t.shape.join() !== inputs.inputIds.shape.join()) {
        throw new CamtlError(
          'BAD_INPUT',
          `${arch}: ${name} [${t.shape}] differs from input_ids [${inputs.inputIds.shape}]`,
        );
      }
      return int32(numChoices === undefined ? t : flattenChoices(t, `${arch}: ${name}`)) as tf.Tensor2D;
    };
    return {
      inputIds: int32(ids) as tf.Tensor2D,
      tokenTypeIds: like(inputs.tokenTypeIds, 'token_type_ids'),
      attentionMask: like(inputs.attentionMask, 'attention_mask'),
    };
  }
}

/** A BertTaskDefinition plus its weights. */
export class BertTaskModel {
  constructor(
    readonly definition: BertTaskDefinition,
    readonly store: ParamStore,
  ) {}

  get config(): BertConfig {
    return this.definition.config;
  }

  get head(): BertTaskHead {
    return this.definition.head;
  }

  /** A freshly initialised model (HF `_init_weights`), deterministic in `seed`. */
  static create(config: BertConfig, head: BertTaskHead, options: BertModelOptions & { seed?: number } = {}) {
    const definition = new BertTaskDefinition(config, head, options);
    return new BertTaskModel(definition, instantiate(definition.specs(), new Rng(options.seed ?? 0)));
  }

  forward(inputs: BertTaskInputs, ctx: ModuleContext = evalContext()): BertTaskOutputs {
    return this.definition.forward(this.store.view(), inputs, ctx);
  }

  summary(): ParamSummary {
    return summarizeStore(this.store);
  }

  dispose(): void {
    this.store.dispose();
  }
}
