import * as tf from '@tensorflow/tfjs-core';
import type { ModuleContext } from '../modules/context';
import { evalContext } from '../modules/context';
import { Rng } from '../rng';
import { instantiate, type ParamSpec } from '../params/spec';
import { ParamStore, type Params } from '../params/store';
import { summarizeStore, type ParamSummary } from '../params/summary';
import { checkSpecification, type AttentionFactory, type LayerModule } from '../plugins';
import { bertAttention } from './attention';
import type { BertConfig } from './config';
import { additiveMask, bertEmbeddings, checkTokenInputs, embeddingSpecs } from './embeddings';
import { bertPooler, classifierHead, sequenceClassificationLoss } from './heads';
import { bertLayer, layerNormModule, linearSpecs, mount, type BertLayerParts } from './layer';

export interface BertInputs {
  /** int32 [B, S] */
  inputIds: tf.Tensor2D;
  /** int32 [B, S]; zeros when absent (HF default). */
  tokenTypeIds?: tf.Tensor2D;
  /** [B, S] of 0/1; all ones when absent (HF default). */
  attentionMask?: tf.Tensor2D;
  /** [B]: int class ids, or floats when numLabels = 1. */
  labels?: tf.Tensor1D;
}

export interface BertOutputs {
  lastHiddenState: tf.Tensor3D;
  pooledOutput?: tf.Tensor2D;
  logits?: tf.Tensor2D;
  loss?: tf.Scalar;
}

export interface BertModelOptions {
  /** The attention plug-in's factory; default `bertAttention`. */
  attention?: AttentionFactory;
  /** Extra options for the attention plug-in (e.g. `maxSeqLength` for `conditionalAttention`). */
  attentionOptions?: Record<string, unknown>;
  /** Builds layer i; default: a standard BertLayer with the chosen attention. */
  layer?: (index: number, config: BertConfig) => LayerModule;
  /** Adapters for the default layers (e.g. a generated Hyperformer adapter). */
  adapters?: (index: number, config: BertConfig) => Pick<BertLayerParts, 'attentionAdapter' | 'outputAdapter'>;
  /** Model-level parameters of plug-ins shared across layers (e.g. a generated adapter's hypernetwork). */
  extraSpecs?: ParamSpec[];
  /** Include the pooler (default true). */
  pooler?: boolean;
  /** Include the sequence-classification head (default true). */
  classifier?: boolean;
}

/** The architecture: which parameters exist and how they compute. No weights. */
export class BertDefinition {
  readonly layers: LayerModule[];
  readonly pooler: boolean;
  readonly classifier: boolean;
  private readonly extraSpecs: ParamSpec[];

  constructor(
    readonly config: BertConfig,
    options: BertModelOptions = {},
  ) {
    const attention = options.attention ?? bertAttention;
    const makeLayer =
      options.layer ??
      ((i: number, c: BertConfig) =>
        bertLayer(c, {
          attention: attention({
            ...options.attentionOptions,
            hiddenSize: c.hiddenSize,
            numHeads: c.numAttentionHeads,
            attentionDropout: c.attentionProbsDropoutProb,
            initializerRange: c.initializerRange,
            layerIndex: i,
          }),
          attentionNorm: layerNormModule(c.hiddenSize, c.layerNormEps),
          outputNorm: layerNormModule(c.hiddenSize, c.layerNormEps),
          ...options.adapters?.(i, c),
        }));
    this.layers = Array.from({ length: config.numHiddenLayers }, (_, i) =>
      checkSpecification('layer', makeLayer(i, config)),
    );
    this.extraSpecs = options.extraSpecs ?? [];
    this.pooler = options.pooler ?? true;
    this.classifier = (options.classifier ?? true) && this.pooler;
  }

  /** Every parameter with its HF BertForSequenceClassification name. */
  specs(): ParamSpec[] {
    const c = this.config;
    const specs = [
      ...mount('bert.embeddings', embeddingSpecs(c)),
      ...this.layers.flatMap((layer, i) => mount(`bert.encoder.layer.${i}`, layer.paramSpecs())),
    ];
    if (this.pooler) specs.push(...linearSpecs('bert.pooler.dense', c.hiddenSize, c.hiddenSize, c.initializerRange));
    if (this.classifier) specs.push(...linearSpecs('classifier', c.numLabels, c.hiddenSize, c.initializerRange));
    return [...specs, ...this.extraSpecs];
  }

  /**
   * Embeddings → layers → pooler → classifier (→ loss when labels are given).
   * `clsOnly`: the caller reads nothing but the pooled output and what is
   * computed from it, so the last layer runs its [CLS] row alone
   * (`ModuleContext.clsQueryOnly`) and `lastHiddenState` is [B, 1, H]. The
   * caller decides, knowing its heads: `ctx.headRowsOnly` is not read here.
   */
  forward(root: Params, inputs: BertInputs, ctx: ModuleContext, options: { clsOnly?: boolean } = {}): BertOutputs {
    const p = root.at('bert');
    const ids = inputs.inputIds;
    checkTokenInputs(ids, { token_type_ids: inputs.tokenTypeIds, attention_mask: inputs.attentionMask });
    const types = inputs.tokenTypeIds ?? (tf.zerosLike(ids) as tf.Tensor2D);
    const mask = inputs.attentionMask ? additiveMask(inputs.attentionMask) : undefined; // [B, 1, 1, S]
    let h = bertEmbeddings(p.at('embeddings'), ids, types, this.config, ctx); // [B, S, H]
    const layerCtx = layerContexts(ctx, this.layers.length, !!options.clsOnly);
    this.layers.forEach((layer, i) => {
      h = layer.apply(p.at(`encoder.layer.${i}`), h, mask, layerCtx(i));
    });
    const out: BertOutputs = { lastHiddenState: h };
    if (!this.pooler) return out;
    out.pooledOutput = bertPooler(p.at('pooler'), h);
    if (!this.classifier) return out;
    out.logits = classifierHead(root.at('classifier'), out.pooledOutput, this.config.hiddenDropoutProb, ctx);
    if (inputs.labels) out.loss = sequenceClassificationLoss(out.logits, inputs.labels);
    return out;
  }
}

/**
 * Each layer's context: `clsQueryOnly` on the last one when `clsOnly`, and
 * off on every other (whatever the caller's context held).
 */
export function layerContexts(ctx: ModuleContext, layers: number, clsOnly: boolean): (i: number) => ModuleContext {
  const below: ModuleContext = { ...ctx, clsQueryOnly: false };
  const top: ModuleContext = { ...ctx, clsQueryOnly: clsOnly };
  return (i) => (i === layers - 1 ? top : below);
}

/** A BERT definition plus its weights. */
export class BertModel {
  constructor(
    readonly definition: BertDefinition,
    readonly store: ParamStore,
  ) {}

  get config(): BertConfig {
    return this.definition.config;
  }

  /** A freshly initialised model (HF `_init_weights`), deterministic in `seed`. */
  static create(config: BertConfig, options: BertModelOptions & { seed?: number } = {}): BertModel {
    const definition = new BertDefinition(config, options);
    const store = instantiate(definition.specs(), new Rng(options.seed ?? 0));
    return new BertModel(definition, store);
  }

  forward(inputs: BertInputs, ctx: ModuleContext = evalContext()): BertOutputs {
    return this.definition.forward(this.store.view(), inputs, ctx);
  }

  summary(): ParamSummary {
    return summarizeStore(this.store);
  }

  dispose(): void {
    this.store.dispose();
  }
}
