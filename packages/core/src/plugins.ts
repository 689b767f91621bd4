import type * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from './errors';
import type { ModuleContext } from './modules/context';
import type { ParamSpec } from './params/spec';
import type { Params } from './params/store';

/**
 * The versioned interfaces that plug-in packages implement (as provider
 * packages do in vercel/ai). A plug-in is a plain function taking options and
 * returning a module (as in unified); modules declare their parameters as
 * specs relative to where they are mounted, and compute from
 * `(params, inputs, ctx)`.
 */
export type SpecificationVersion = 'v1';

export interface AttentionInputs {
  /** [B, S, H] */
  hidden: tf.Tensor3D;
  /** Additive padding mask [B, 1, 1, S] (0 or −10000), or undefined for none. */
  mask?: tf.Tensor;
}

export interface AttentionOptions {
  hiddenSize: number;
  numHeads: number;
  attentionDropout: number;
  initializerRange: number;
  layerIndex: number;
  [option: string]: unknown;
}

/** Self-attention: returns the context layer [B, S, H], before `attention.output.dense`. */
export interface AttentionModule {
  readonly specificationVersion: SpecificationVersion;
  readonly kind: string;
  /** Parameters relative to the layer's `attention.self`. */
  paramSpecs(): ParamSpec[];
  apply(p: Params, inputs: AttentionInputs, ctx: ModuleContext): tf.Tensor3D;
}

export type AttentionFactory = (options: AttentionOptions) => AttentionModule;

/** A normalisation in a residual block (LayerNorm, or a conditional one). */
export interface NormModule {
  readonly specificationVersion: SpecificationVersion;
  readonly kind: string;
  /** Parameters relative to where the norm sits (e.g. `output.LayerNorm`). */
  paramSpecs(): ParamSpec[];
  apply(p: Params, x: tf.Tensor, ctx: ModuleContext): tf.Tensor;
}

/**
 * An adapter on a sub-layer's output y (after its dense projection, before
 * dropout and the residual): returns y + A(y), as Houlsby/Hyperformer adapters.
 */
export interface AdapterModule {
  readonly specificationVersion: SpecificationVersion;
  readonly kind: string;
  /** Parameters relative to where the adapter sits (e.g. `output.adapter`); shared ones may live elsewhere (`p.root()`). */
  paramSpecs(): ParamSpec[];
  apply(p: Params, y: tf.Tensor3D, ctx: ModuleContext): tf.Tensor3D;
}

/** One encoder layer: [B, S, H] → [B, S, H]. */
export interface LayerModule {
  readonly specificationVersion: SpecificationVersion;
  readonly kind: string;
  /** Parameters relative to `encoder.layer.N`. */
  paramSpecs(): ParamSpec[];
  apply(p: Params, x: tf.Tensor3D, mask: tf.Tensor | undefined, ctx: ModuleContext): tf.Tensor3D;
}

// ---------------------------------------------------------------------------
// The attention registry: plug-ins register a factory under a name, so a user
// can select attention by name (config, CLI) or pass the factory itself.

const attentionRegistry = new Map<string, AttentionFactory>();

export function registerAttention(name: string, factory: AttentionFactory): void {
  attentionRegistry.set(name, factory);
}

export function attentionNames(): string[] {
  return [...attentionRegistry.keys()];
}

export function resolveAttention(nameOrFactory: string | AttentionFactory): AttentionFactory {
  if (typeof nameOrFactory === 'function') return nameOrFactory;
  const f = attentionRegistry.get(nameOrFactory);
  if (!f) {
    throw new CamtlError(
      'BAD_CONFIG',
      `unknown attention "${nameOrFactory}"`,
      `registered: ${attentionNames().join(', ') || 'none'}; import the plug-in package that provides it`,
    );
  }
  return f;
}
