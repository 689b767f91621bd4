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
 * `(params, inputs, ctx)`. Core checks the version where it consumes a
 * plug-in (`checkSpecification`).
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

/** What checkSpecification reads of a plug-in. */
interface PluginLike {
  readonly specificationVersion?: unknown;
  readonly name?: unknown;
  readonly kind?: unknown;
}

/** The one specification version this core implements. */
const SUPPORTED: SpecificationVersion = 'v1';

/**
 * Refuses a plug-in written against a specification this core does not
 * implement (a newer one, or none), so mismatched package versions fail where
 * the plug-in is consumed, in one line naming it, rather than deep inside a
 * forward pass. Returns the plug-in for inline use. `what` says what it is
 * ("attention", "task", …); the plug-in is named by its `name`, else `kind`.
 */
export function checkSpecification<T extends PluginLike>(what: string, plugin: T): T {
  const version = plugin.specificationVersion;
  if (version === SUPPORTED) return plugin;
  const label = String(plugin.name ?? plugin.kind ?? 'unnamed');
  if (version === undefined) {
    throw new CamtlError(
      'UNSUPPORTED',
      `${what} "${label}" implements no specification version; this @camtl/core supports ${SUPPORTED}`,
      `a plug-in declares the interface it implements: specificationVersion: '${SUPPORTED}'`,
    );
  }
  throw new CamtlError(
    'UNSUPPORTED',
    `${what} "${label}" implements specification ${String(version)}; this @camtl/core supports ${SUPPORTED}`,
    `use a release of the package providing "${label}" that implements ${SUPPORTED}, or a @camtl/core that supports ${String(version)}`,
  );
}
