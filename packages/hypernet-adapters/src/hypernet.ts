import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, layerNormWith, linear, normal, ones, zeros, type ParamSpec, type Params } from '@camtl/core';

/**
 * The shared hypernetwork of Hyperformer++ (`efficient_unique_hyper_net`,
 * `AdapterLayersOneHyperNetController` in rabeehk/hyperformer
 * `hyperformer/adapters/adapter_modeling.py`): ONE network for all layers,
 * both adapter positions and all tasks.
 *
 *   s = [z_τ ; l_i ; p_j] ∈ R^{3·d_e}      task, layer-id and position embeddings
 *   I = LayerNorm_ε=1e-6(W₂ ReLU(W₁ s + b₁) + b₂) ∈ R^{d_p}
 *   D = reshape(G_D I + g_D) [m, d],  b_D = G_bD I + g_bD [m]     (down-sampler)
 *   U = reshape(G_U I + g_U) [d, m],  b_U = G_bU I + g_bU [d]     (up-sampler)
 *   LN scale = G_γ I + g_γ [d], LN shift = G_β I + g_β [d]         (post-adapter LayerNorm)
 *
 * with m = d / r. Parameter names are the controller's own state_dict names
 * (relative to where the hypernetwork is mounted), except the task embeddings:
 * the reference keeps them in `TaskEmbeddingController.task_to_embeddings.<task>`
 * (one vector per task name); camtl stacks them as `task_embeddings.weight` [T, d_e]
 * in task-id order so that a batch can gather them.
 */
export interface HypernetOptions {
  /** Hidden size d of the transformer the adapters sit in. */
  hiddenSize: number;
  /** Number of layers the layer-id embedding covers. */
  numLayers: number;
  numTasks: number;
  /** d_e: task, layer-id and position embedding size; default 64. */
  taskEmbeddingDim?: number;
  /** Projector hidden width (`task_hidden_dim`); default 128. */
  taskHiddenDim?: number;
  /** d_p: projected embedding size (`projected_task_embedding_dim`); default 64. */
  projectedDim?: number;
  /** r: adapter size m = max(1, ⌊d / r⌋); default 32 (hyperformer++.json). */
  reductionFactor?: number;
  /** Overrides m directly (useful for small d). */
  adapterSize?: number;
  /** Std of every hypernetwork Linear weight (`init_linear_layer`); default 0.01. */
  generatorStd?: number;
  /** Std of the task/layer/position embeddings (torch.randn, nn.Embedding); default 1. */
  embeddingStd?: number;
  /** Generate the post-adapter LayerNorm (`conditional_layer_norm: true`); default true. */
  postLayerNorm?: boolean;
}

export type ResolvedHypernetOptions = Required<Omit<HypernetOptions, 'adapterSize'>> & { adapterSize: number };

export function resolveHypernetOptions(o: HypernetOptions): ResolvedHypernetOptions {
  const reductionFactor = o.reductionFactor ?? 32;
  const adapterSize = o.adapterSize ?? Math.max(1, Math.floor(o.hiddenSize / reductionFactor));
  for (const [k, v] of Object.entries({
    hiddenSize: o.hiddenSize,
    numLayers: o.numLayers,
    numTasks: o.numTasks,
    adapterSize,
  })) {
    if (!Number.isInteger(v) || v < 1)
      throw new CamtlError('BAD_CONFIG', `generated adapter: ${k} must be a positive integer, got ${v}`);
  }
  return {
    hiddenSize: o.hiddenSize,
    numLayers: o.numLayers,
    numTasks: o.numTasks,
    taskEmbeddingDim: o.taskEmbeddingDim ?? 64,
    taskHiddenDim: o.taskHiddenDim ?? 128,
    projectedDim: o.projectedDim ?? 64,
    reductionFactor,
    adapterSize,
    generatorStd: o.generatorStd ?? 0.01,
    embeddingStd: o.embeddingStd ?? 1,
    postLayerNorm: o.postLayerNorm ?? true,
  };
}

/** Every hypernetwork parameter, relative to its mount point (e.g. `adapter_hypernet`). */
export function hypernetSpecs(options: HypernetOptions): ParamSpec[] {
  const o = resolveHypernetOptions(options);
  const { hiddenSize: d, adapterSize: m, taskEmbeddingDim: e, projectedDim: P } = o;
  const lin = (name: string, out: number, inDim: number): ParamSpec[] => [
    { name: `${name}.weight`, shape: [out, inDim], init: normal(o.generatorStd) },
    { name: `${name}.bias`, shape: [out], init: zeros },
  ];
  return [
    { name: 'task_embeddings.weight', shape: [o.numTasks, e], init: normal(o.embeddingStd) },
    { name: 'layer_id_embeddings.weight', shape: [o.numLayers, e], init: normal(o.embeddingStd) },
    { name: 'adapters_block_type.weight', shape: [2, e], init: normal(o.embeddingStd) },
    ...lin('task_hypernet.task_embeding_generator.0', o.taskHiddenDim, 3 * e),
    ...lin('task_hypernet.task_embeding_generator.2', P, o.taskHiddenDim),
    { name: 'LayerNorm.weight', shape: [P], init: ones },
    { name: 'LayerNorm.bias', shape: [P], init: zeros },
    ...lin('down_sampler_hyper_net.weight_generator.0', m * d, P),
    ...lin('down_sampler_hyper_net.bias_generator.0', m, P),
    ...lin('up_sampler_hyper_net.weight_generator.0', d * m, P),
    ...lin('up_sampler_hyper_net.bias_generator.0', d, P),
    ...(o.postLayerNorm
      ? [
          ...lin('post_layernorm_hypernet.weight_generator', d, P),
          ...lin('post_layernorm_hypernet.bias_generator', d, P),
        ]
      : []),
  ];
}

/** Adapter positions, as the reference's `adapters_block_type` ids. */
export const ADAPTER_POSITION = { feedForward: 0, attention: 1 } as const;
export type AdapterPosition = (typeof ADAPTER_POSITION)[keyof typeof ADAPTER_POSITION];

/** Generated adapter weights for every task at once (leading axis T). */
export interface GeneratedWeights {
  /** [T, m, d] ([out, in], as F.linear) */
  downWeight: tf.Tensor3D;
  /** [T, m] */
  downBias: tf.Tensor2D;
  /** [T, d, m] */
  upWeight: tf.Tensor3D;
  /** [T, d] */
  upBias: tf.Tensor2D;
  /** [T, d] each, when the post-adapter LayerNorm is generated */
  normWeight?: tf.Tensor2D;
  normBias?: tf.Tensor2D;
}

/** I ∈ R^{T×d_p}: the projected embedding of (every task, layer i, position j). */
export function projectTaskEmbeddings(
  p: Params,
  layerIndex: number,
  position: AdapterPosition,
  options: HypernetOptions,
): tf.Tensor2D {
  const o = resolveHypernetOptions(options);
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= o.numLayers) {
    throw new CamtlError(
      'BAD_INPUT',
      `generated adapter: layer ${layerIndex} is outside [0, ${o.numLayers})`,
      'set numLayers to the encoder depth',
    );
  }
  const tasks = p.get('task_embeddings.weight'); // [T, d_e]
  const [T, e] = tasks.shape;
  const layer = tf.slice(p.get('layer_id_embeddings.weight'), [layerIndex, 0], [1, e]); // [1, d_e]
  const block = tf.slice(p.get('adapters_block_type.weight'), [position, 0], [1, e]); // [1, d_e]
  // The same layer and position rows for every task: tile to [T, d_e] and concatenate.
  const s = tf.concat([tasks, tf.tile(layer, [T, 1]), tf.tile(block, [T, 1])], 1); // [T, 3·d_e]
  const hidden = tf.relu(linear(p.at('task_hypernet.task_embeding_generator.0'), s)); // [T, 128]
  const projected = linear(p.at('task_hypernet.task_embeding_generator.2'), hidden); // [T, d_p]
  return layerNormWith(projected, p.get('LayerNorm.weight'), p.get('LayerNorm.bias'), 1e-6) as tf.Tensor2D;
}

/** The adapter weights of layer i at position j, for every task (no loop over tasks). */
export function generateAdapterWeights(
  p: Params,
  layerIndex: number,
  position: AdapterPosition,
  options: HypernetOptions,
): GeneratedWeights {
  const o = resolveHypernetOptions(options);
  const { hiddenSize: d, adapterSize: m } = o;
  const I = projectTaskEmbeddings(p, layerIndex, position, options); // [T, d_p]
  const T = I.shape[0];
  const gen = (name: string) => linear(p.at(name), I) as tf.Tensor2D; // [T, out]
  const weights: GeneratedWeights = {
    downWeight: tf.reshape(gen('down_sampler_hyper_net.weight_generator.0'), [T, m, d]), // [T, m·d] → [T, m, d]
    downBias: gen('down_sampler_hyper_net.bias_generator.0'),
    upWeight: tf.reshape(gen('up_sampler_hyper_net.weight_generator.0'), [T, d, m]), // [T, d·m] → [T, d, m]
    upBias: gen('up_sampler_hyper_net.bias_generator.0'),
  };
  if (o.postLayerNorm) {
    weights.normWeight = gen('post_layernorm_hypernet.weight_generator');
    weights.normBias = gen('post_layernorm_hypernet.bias_generator');
  }
  return weights;
}
