import * as tf from '@tensorflow/tfjs-core';
import {
  CamtlError,
  additiveMask,
  bertEmbeddings,
  bertPooler,
  embeddingSpecs,
  evalContext,
  headLayout,
  headSpecs,
  linearSpecs,
  lossWeightingSpecs,
  mount,
  multiTaskObjective,
  type HeadLayout,
  type MultiTaskBatch,
  type ObjectiveOutputs,
  type LayerModule,
  type ModuleContext,
  type ParamSpec,
  type Params,
  checkTokenInputs,
} from '@camtl/core';
import {
  checkTaskIds,
  conditionalAlignment,
  conditionalAlignmentSpecs,
  conditionalBottleneck,
  conditionalBottleneckSpecs,
  taskEmbedding,
  taskEmbeddingSpecs,
  taskTransformation,
  taskTransformationSpecs,
} from '@camtl/hypernet-adapters';
import { baseLayout, hasComponent, largeLayout, parseWithout, taskConditioning, type CaMtlConfig } from './config';
import { clsOnlyForward, clsRow } from './cls-only';
import { adapterTopLayer, caMtlBottleneckOptions, conditionalBertLayer } from './layers';

/** A mixed-task batch: int32 task ids [B] index `config.tasks`; labels and targets as core's MultiTaskBatch. */
export type CaMtlInputs = MultiTaskBatch;

export interface CaMtlOutputs extends ObjectiveOutputs {
  /** [B, S, H]: the last layer (base; large without the bottleneck) or the bottleneck chain (large). */
  sequenceOutput: tf.Tensor3D;
  /** [B, H] */
  pooledOutput: tf.Tensor2D;
  /** Named intermediate tensors, when `collect` is set. */
  intermediates?: Record<string, tf.Tensor>;
}

/** The CA-MTL architecture (reference `CaMtl`): which parameters exist and how they compute. */
export class CaMtlDefinition {
  readonly layers: LayerModule[];
  readonly heads: HeadLayout;

  constructor(readonly config: CaMtlConfig) {
    // A config built by hand skips parseCaMtlConfig/createCaMtl: an unknown component must not pass silently.
    if (config.options.without !== undefined) parseWithout(config.options.without, 'CaMtlConfig options.without');
    const L = config.bert.numHiddenLayers;
    if (config.variant === 'base') {
      const { bottom, cln } = baseLayout(L);
      this.layers = Array.from({ length: L }, (_, i) =>
        i < bottom
          ? conditionalBertLayer(config, i, false)
          : i < bottom + cln
            ? conditionalBertLayer(config, i, true)
            : adapterTopLayer(config, i),
      );
    } else {
      const { bottom } = largeLayout(L);
      this.layers = Array.from({ length: L }, (_, i) => conditionalBertLayer(config, i, i >= bottom));
    }
    this.heads = headLayout(config.numLabelsPerTask, config.taskKinds);
  }

  get numTasks(): number {
    return this.config.tasks.length;
  }

  /** Large's bottleneck side chain `encoder.adapter_layer.*` (gone without 'conditional-bottleneck'). */
  private get usesChain(): boolean {
    return this.config.variant === 'large' && hasComponent(this.config, 'conditional-bottleneck');
  }

  /** Every parameter under the reference `CaMtl.state_dict()` names (minus what `without` removes). */
  specs(): ParamSpec[] {
    const { bert: b, options } = this.config;
    const H = b.hiddenSize;
    const std = b.initializerRange;
    const uses = taskConditioning(this.config);
    const alignment = hasComponent(this.config, 'conditional-alignment');
    const specs = [
      ...(uses.embedding ? mount('bert', taskEmbeddingSpecs(this.numTasks, H, std)) : []),
      ...(alignment
        ? mount('bert.conditional_alignment', conditionalAlignmentSpecs(H, H, { mode: options.alignment?.mode, std }))
        : []),
      ...mount('bert.embeddings', embeddingSpecs(b)),
      ...(uses.transformation ? mount('bert.encoder', taskTransformationSpecs(H, std)) : []),
      ...this.layers.flatMap((layer, i) => mount(`bert.encoder.layer.${i}`, layer.paramSpecs())),
    ];
    if (this.usesChain) {
      const cb = conditionalBottleneckSpecs(caMtlBottleneckOptions(this.config));
      this.layers.forEach((_, i) => specs.push(...mount(`bert.encoder.adapter_layer.${i}`, cb)));
    }
    specs.push(
      ...linearSpecs('bert.pooler.dense', H, H, std),
      ...headSpecs(this.config.numLabelsPerTask, H, std, this.config.taskKinds),
    );
    specs.push(...lossWeightingSpecs(options.lossWeighting, this.numTasks));
    return specs;
  }

  /**
   * Embeddings → alignment → conditional layers (→ bottleneck chain) → pooler
   * → per-task heads. Honours `ctx.headRowsOnly` (not while collecting
   * intermediates): `sequenceOutput` is then the [CLS] row alone, [B, 1, H].
   */
  forward(root: Params, inputs: CaMtlInputs, ctx: ModuleContext = evalContext(), collect = false): CaMtlOutputs {
    const p = root.at('bert');
    const seen: Record<string, tf.Tensor> = {};
    const keep = (name: string, t: tf.Tensor) => (collect ? (seen[name] = t) : t);
    const { inputIds, taskIds } = inputs;
    this.checkInputs(inputs);
    const types = inputs.tokenTypeIds ?? (tf.zerosLike(inputIds) as tf.Tensor2D);
    const embedded = keep(
      'embeddings_output',
      bertEmbeddings(p.at('embeddings'), inputIds, types, this.config.bert, ctx),
    ) as tf.Tensor3D;
    const { aligned, zPrime } = this.condition(p, embedded, taskIds, keep);
    const layerCtx: ModuleContext = { ...ctx, taskIds, taskEmbedding: zPrime, clsQueryOnly: false };
    const mask = inputs.attentionMask ? additiveMask(inputs.attentionMask) : undefined; // [B, 1, 1, S]
    const clsOnly = !collect && clsOnlyForward(ctx, this.heads.kinds);
    const sequenceOutput = this.encode(p.at('encoder'), aligned as tf.Tensor3D, mask, layerCtx, keep, clsOnly);
    const pooledOutput = keep('pooled_output', bertPooler(p.at('pooler'), sequenceOutput)) as tf.Tensor2D;
    const encoded = { sequence: sequenceOutput, pooled: pooledOutput };
    const heads = multiTaskObjective(root, encoded, inputs, this.heads, this.config.options, ctx);
    const out: CaMtlOutputs = { sequenceOutput, pooledOutput, ...heads };
    if (collect) out.intermediates = seen;
    return out;
  }

  /**
   * z = E[task], the aligned embeddings and z′; without the alignment the
   * embeddings pass through unchanged, and z, z′ are not computed when nothing reads them.
   */
  private condition(
    p: Params,
    embedded: tf.Tensor3D,
    taskIds: tf.Tensor1D,
    keep: (n: string, t: tf.Tensor) => tf.Tensor,
  ): { aligned: tf.Tensor3D; zPrime?: tf.Tensor2D } {
    const uses = taskConditioning(this.config);
    const z = uses.embedding ? taskEmbedding(p, taskIds) : undefined; // [B, H]
    const aligned = hasComponent(this.config, 'conditional-alignment')
      ? conditionalAlignment(p.at('conditional_alignment'), embedded, z!, this.config.options.alignment)
      : embedded;
    keep('after_conditional_alignment', aligned);
    if (!uses.transformation) return { aligned };
    const zPrime = keep('task_embedding_transformed', taskTransformation(p.at('encoder'), z!)) as tf.Tensor2D;
    return { aligned, zPrime };
  }

  /**
   * The layer stack; large also runs the bottleneck side chain
   * f_i = CB_i(z′, h_i + f_{i−1}). `clsOnly`: the last layer computes its
   * [CLS] row alone, and the chain, which works row by row, runs on row 0 only.
   */
  private encode(
    p: Params,
    x: tf.Tensor3D,
    mask: tf.Tensor | undefined,
    ctx: ModuleContext,
    keep: (n: string, t: tf.Tensor) => tf.Tensor,
    clsOnly: boolean,
  ): tf.Tensor3D {
    const chain = this.usesChain ? caMtlBottleneckOptions(this.config) : undefined;
    const top: ModuleContext = { ...ctx, clsQueryOnly: clsOnly };
    const last = this.layers.length - 1;
    let h = x;
    let f: tf.Tensor | undefined;
    this.layers.forEach((layer, i) => {
      h = layer.apply(p.at(`layer.${i}`), h, mask, i === last ? top : ctx);
      keep(`hidden_states.${i + 1}`, h);
      const rows = clsOnly ? clsRow(h) : h;
      if (chain)
        f = conditionalBottleneck(p.at(`adapter_layer.${i}`), f ? tf.add(rows, f) : rows, ctx.taskEmbedding!, chain);
    });
    return keep('sequence_output', (f ?? h) as tf.Tensor3D) as tf.Tensor3D;
  }

  private checkInputs(inputs: CaMtlInputs): void {
    checkTokenInputs(inputs.inputIds, { token_type_ids: inputs.tokenTypeIds, attention_mask: inputs.attentionMask });
    const [B, S] = inputs.inputIds.shape;
    if (inputs.taskIds.shape[0] !== B) {
      throw new CamtlError('BAD_INPUT', `task ids: ${inputs.taskIds.shape[0]} for a batch of ${B}`);
    }
    checkTaskIds(inputs.taskIds); // also when no task embedding reads them (an ablation): the heads do
    if (S > this.config.maxSeqLength) {
      throw new CamtlError(
        'BAD_INPUT',
        `sequence length ${S} is longer than the CA-MTL max_seq_length ${this.config.maxSeqLength}`,
        `truncate inputs to ${this.config.maxSeqLength} tokens, or build the model with a larger maxSeqLength`,
      );
    }
  }
}
