import * as tf from '@tensorflow/tfjs-core';
import {
  CamtlError,
  getActivation,
  layerNormWith,
  type AdapterModule,
  type ModuleContext,
  type ParamSpec,
  type Params,
} from '@camtl/core';
import {
  ADAPTER_POSITION,
  generateAdapterWeights,
  hypernetSpecs,
  resolveHypernetOptions,
  type AdapterPosition,
  type GeneratedWeights,
  type HypernetOptions,
} from './hypernet';
import { checkTaskIds } from './task-embedding';

/**
 * A Hyperformer++-style generated adapter on BERT sub-layers (spec §8.2–8.3):
 *
 *   A(y) = LN_gen(U · act(D y + b_D) + b_U),  adapter output y + A(y)
 *
 * where D, b_D, U, b_U and the LayerNorm scale/shift come from the shared
 * hypernetwork (`hypernet.ts`) for (task of the example, layer, position).
 * It sits where core puts adapters: on the sub-layer's dense output, before
 * dropout and the residual (`residualNorm`). At initialisation the generated
 * LayerNorm scale and shift are ≈ 0 (generator weights N(0, 0.01²), zero
 * biases), so A(y) ≈ 0 and the adapter starts close to the identity.
 *
 * Mixed-task batches: the weights are generated for ALL T tasks at once
 * ([T, …]) and gathered per example by `ctx.taskIds`, then applied with
 * batched matmuls — no loop over tasks.
 */
export interface GeneratedAdapterOptions extends HypernetOptions {
  /** Adapter non-linearity; default 'gelu_new' (hyperformer++.json; the code default is swish). */
  activation?: string;
  /** ε of the generated post-adapter LayerNorm; default 1e-5 (F.layer_norm's default, as the reference). */
  layerNormEps?: number;
  /** Where the shared hypernetwork is mounted in the model's parameter tree; default 'adapter_hypernet'. */
  prefix?: string;
}

/** y + A(y) for y [B, S, d], with weights for every task gathered by taskIds int32 [B]. */
export function applyGeneratedAdapter(
  weights: GeneratedWeights,
  y: tf.Tensor3D,
  taskIds: tf.Tensor1D,
  options: Pick<GeneratedAdapterOptions, 'activation' | 'layerNormEps'> = {},
): tf.Tensor3D {
  const [B, , d] = y.shape;
  const m = weights.downWeight.shape[1];
  const act = getActivation(options.activation ?? 'gelu_new');
  const pick = <T extends tf.Tensor>(t: T) => tf.gather(t, taskIds) as T; // [T, …] → [B, …]
  const downW = pick(weights.downWeight); // [B, m, d]
  const upW = pick(weights.upWeight); // [B, d, m]
  const down = tf.add(tf.matMul(y, downW, false, true), tf.reshape(pick(weights.downBias), [B, 1, m])); // [B, S, m]
  let a = tf.add(tf.matMul(act(down) as tf.Tensor3D, upW, false, true), tf.reshape(pick(weights.upBias), [B, 1, d])); // [B, S, d]
  if (weights.normWeight && weights.normBias) {
    const scale = tf.reshape(pick(weights.normWeight), [B, 1, d]); // [B, d] → [B, 1, d]: one LN per example
    const shift = tf.reshape(pick(weights.normBias), [B, 1, d]); // [B, d] → [B, 1, d]
    a = layerNormWith(a, scale, shift, options.layerNormEps ?? 1e-5);
  }
  return tf.add(y, a) as tf.Tensor3D;
}

export interface GeneratedAdapter {
  /** The resolved options (adapter size m, defaults filled in). */
  readonly options: ReturnType<typeof resolveHypernetOptions> &
    Required<Pick<GeneratedAdapterOptions, 'activation' | 'layerNormEps' | 'prefix'>>;
  /** The shared hypernetwork's parameters, relative to `prefix`. */
  specs(): ParamSpec[];
  /** The same, mounted at `prefix` (to add to a model's specs). */
  modelSpecs(): ParamSpec[];
  /** The adapter of one layer and position. */
  adapter(layerIndex: number, position: AdapterPosition): AdapterModule;
  /** Both adapters of a BERT layer, for `BertModelOptions.adapters`. */
  adapters(layerIndex: number): { attentionAdapter: AdapterModule; outputAdapter: AdapterModule };
}

type ResolvedAdapterOptions = GeneratedAdapter['options'];

export function generatedAdapter(options: GeneratedAdapterOptions): GeneratedAdapter {
  const resolved: ResolvedAdapterOptions = {
    ...resolveHypernetOptions(options),
    activation: options.activation ?? 'gelu_new',
    layerNormEps: options.layerNormEps ?? 1e-5,
    prefix: options.prefix ?? 'adapter_hypernet',
  };
  getActivation(resolved.activation); // fail at construction on an unknown name
  const adapter = (layerIndex: number, position: AdapterPosition): AdapterModule => {
    checkLayer(layerIndex, resolved.numLayers);
    return adapterModule(resolved, layerIndex, position);
  };
  return {
    options: resolved,
    specs: () => hypernetSpecs(resolved),
    modelSpecs: () => hypernetSpecs(resolved).map((s) => ({ ...s, name: `${resolved.prefix}.${s.name}` })),
    adapter,
    adapters: (layerIndex) => ({
      attentionAdapter: adapter(layerIndex, ADAPTER_POSITION.attention),
      outputAdapter: adapter(layerIndex, ADAPTER_POSITION.feedForward),
    }),
  };
}

/** One (layer, position) adapter; it finds the shared hypernetwork at `p.root().at(prefix)`. */
function adapterModule(o: ResolvedAdapterOptions, layerIndex: number, position: AdapterPosition): AdapterModule {
  return {
    specificationVersion: 'v1',
    kind: 'hyperformer-generated-adapter',
    // Nothing per layer: everything lives in the shared hypernetwork at `prefix`.
    paramSpecs: () => [],
    apply(p: Params, y: tf.Tensor3D, ctx: ModuleContext) {
      const taskIds = requireTaskIds(ctx, p);
      checkTaskIds(taskIds, y.shape[0]);
      const weights = generateAdapterWeights(p.root().at(o.prefix), layerIndex, position, o);
      return applyGeneratedAdapter(weights, y, taskIds, o);
    },
  };
}

function checkLayer(layerIndex: number, numLayers: number): void {
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= numLayers) {
    throw new CamtlError(
      'BAD_CONFIG',
      `generated adapter: layer ${layerIndex} is outside [0, ${numLayers})`,
      'set numLayers to the number of encoder layers',
    );
  }
}

function requireTaskIds(ctx: ModuleContext, p: Params): tf.Tensor1D {
  if (!ctx.taskIds) {
    throw new CamtlError(
      'BAD_INPUT',
      `generated adapter at "${p.prefix}" needs ctx.taskIds (int32 [B], the task of each example)`,
      'pass taskIds in the ModuleContext given to forward()',
    );
  }
  return ctx.taskIds;
}
