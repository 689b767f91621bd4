// The backward walk over a recorded tfjs tape, in tfjs's own order (so the
// gradients are bitwise those of tf.variableGrads), but freeing as it goes:
// tfjs keeps every saved activation and every intermediate gradient until the
// whole backward pass ends; here a node's saved tensors and its outputs'
// gradients are disposed as soon as that node has run.
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, isCamtlError } from '../errors';
import type { TapeNode } from './engine-tape';

/** A node on a path from xs to y, with only the inputs that depend on xs (those get a gradient). */
export interface PathNode {
  node: TapeNode;
  inputs: Record<string, tf.Tensor>;
}

/** The nodes that connect xs to y, in tape order: the same selection as tfjs's getFilteredNodesXToY. */
export function pathNodes(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): PathNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (!Object.values(node.inputs).some((t) => fromX.has(t.id))) continue;
    for (const o of node.outputs) fromX.add(o.id);
    nodesFromX.add(node.id);
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (!node.outputs.some((o) => toY.has(o.id))) continue;
    for (const t of Object.values(node.inputs)) {
      toY.add(t.id);
      nodesToY.add(node.id); // as tfjs: a node without inputs is never on a path
    }
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({
      node,
      inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => fromX.has(t.id))),
    }));
}

/**
 * Accumulated gradients by tensor id. A gradient tensor can sit in several
 * entries (a node may pass dy through to an input, or return one tensor for
 * two inputs), so it is disposed only once no entry holds it, and only if the
 * walk owns it (created during the backward pass, or a node's saved clone).
 */
class GradientStore {
  private readonly byId = new Map<number, tf.Tensor>();
  private readonly holds = new Map<tf.Tensor, number>();
  private doomed: tf.Tensor[] = [];

  constructor(private readonly owned: (t: tf.Tensor) => boolean) {}

  get(t: tf.Tensor): tf.Tensor | undefined {
    return this.byId.get(t.id);
  }

  /** Adds dx to x's gradient in tfjs's order (existing + new), with the same Add kernel. */
  accumulate(x: tf.Tensor, dx: tf.Tensor): void {
    const current = this.byId.get(x.id);
    if (current == null) return this.set(x.id, dx);
    this.set(x.id, tf.add(current, dx));
    this.unhold(current);
    this.doomed.push(dx);
  }

  /** Drops x's entry: its producer has run, so nothing reads it again. */
  release(x: tf.Tensor): void {
    const g = this.byId.get(x.id);
    if (g == null) return;
    this.byId.delete(x.id);
    this.unhold(g);
  }

  /** Disposes what was dropped since the last sweep, and `extra`, unless still held or not ours. */
  sweep(extra: readonly tf.Tensor[] = []): void {
    for (const t of [...this.doomed, ...extra]) {
      if (!this.holds.has(t) && this.owned(t)) t.dispose();
    }
    this.doomed = [];
  }

  private set(id: number, g: tf.Tensor): void {
    this.byId.set(id, g);
    this.holds.set(g, (this.holds.get(g) ?? 0) + 1);
  }

  private unhold(g: tf.Tensor): void {
    const n = (this.holds.get(g) ?? 0) - 1;
    if (n > 0) this.holds.set(g, n);
    else this.holds.delete(g);
    this.doomed.push(g);
  }
}

function badGradient(node: TapeNode, message: string): CamtlError {
  return new CamtlError('SHAPE_MISMATCH', `gradient of ${node.kernelName} (tape node ${node.id}): ${message}`);
}

/** dx for each pruned input of one node, computed in its own scope so the gradient's temporaries go at once. */
function nodeGradients({ node, inputs }: PathNode, dys: Array<tf.Tensor | null>): Record<string, tf.Tensor> {
  const gradient = node.gradient;
  if (gradient == null) {
    throw new CamtlError('UNSUPPORTED', `cannot compute a gradient: tfjs has no gradient for ${node.kernelName}`);
  }
  try {
    return tf.tidy(() => {
      const thunks = gradient(dys);
      const dxs: Record<string, tf.Tensor> = {};
      for (const name in inputs) {
        if (!(name in thunks)) throw badGradient(node, `no gradient for input ${name} (has ${Object.keys(thunks)})`);
        const dx = tf.tidy(() => thunks[name]());
        if (dx.dtype !== 'float32') throw badGradient(node, `input ${name}'s gradient is ${dx.dtype}, not float32`);
        const shape = inputs[name].shape;
        if (!tf.util.arraysEqual(dx.shape, shape)) throw badGradient(node, `input ${name}: [${dx.shape}] ≠ [${shape}]`);
        dxs[name] = dx;
      }
      return dxs;
    });
  } catch (e) {
    throw prunedSaveFailure(node, e) ?? e;
  }
}

/** A gradient that failed after camtl freed one of its saved tensors: say so (saved-use.ts may be wrong for it). */
function prunedSaveFailure(node: TapeNode, e: unknown): CamtlError | undefined {
  if (isCamtlError(e) || !(node.saved ?? []).some((t) => t.isDisposed)) return undefined;
  return new CamtlError(
    'UNSUPPORTED',
    `gradient of ${node.kernelName} (tape node ${node.id}) failed: ${(e as Error).message}; camtl had freed a tensor ` +
      'this node saved, on the belief that its gradient never reads it (autodiff/saved-use.ts)',
    'use tf.variableGrads for this model, and report the kernel',
  );
}

/**
 * Backpropagates ones from y through `path` (as tfjs does) and returns
 * xs' gradients (undefined where y does not depend on x). Call it inside a
 * tf.tidy: anything it leaves (nothing, unless a gradient function leaks) goes
 * with that scope. Disposes every saved tensor of `tape`.
 */
export function backprop(
  tape: readonly TapeNode[],
  path: readonly PathNode[],
  xs: readonly tf.Tensor[],
  y: tf.Tensor,
): Array<tf.Tensor | undefined> {
  const seed = tf.ones(y.shape, 'float32');
  const saved = new Set(tape.flatMap((n) => n.saved ?? []));
  const store = new GradientStore((t) => t.id >= seed.id || saved.has(t));
  const onPath = new Set(path.map((p) => p.node.id));
  store.sweep(tape.flatMap((n) => (onPath.has(n.id) ? [] : (n.saved ?? [])))); // never read: free before the walk
  store.accumulate(y, seed);
  const keep = new Set(xs.map((x) => x.id));
  for (let i = path.length - 1; i >= 0; i--) {
    const { node } = path[i];
    const dxs = nodeGradients(
      path[i],
      node.outputs.map((o) => store.get(o) ?? null),
    );
    for (const name in path[i].inputs) store.accumulate(path[i].inputs[name], dxs[name]);
    for (const o of node.outputs) if (!keep.has(o.id)) store.release(o);
    store.sweep([...Object.values(dxs), ...(node.saved ?? [])]);
  }
  const grads = xs.map((x) => store.get(x));
  store.sweep([...saved]);
  return grads;
}
