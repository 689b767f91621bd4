// The tape tfjs records the forward pass into, frees as it goes: a node that
// does not depend on the variables can never be on a gradient path, and a
// node that does often saves tensors its gradient will not read (saved-use.ts).
// Their saved clones are disposed when the node is recorded, so the backward
// pass starts with only the activations it needs.
import * as tf from '@tensorflow/tfjs-core';
import { checkNode, type TapeEngine, type TapeNode } from './engine-tape';
import { savedReads } from './saved-use';

/**
 * `fromX` gains the node's outputs if it depends on xs (tfjs's own forward
 * dependency rule); with `free`, what it saved but its gradient will not read
 * is disposed.
 */
function record(node: TapeNode, fromX: Set<number>, free: boolean): void {
  const gets = (name: string) => node.inputs[name] != null && fromX.has(node.inputs[name].id);
  if (!Object.keys(node.inputs).some(gets)) {
    if (free) tf.dispose(node.saved ?? []);
    return;
  }
  for (const o of node.outputs) fromX.add(o.id);
  const reads = free ? savedReads(node, gets) : null;
  if (reads) (node.saved ?? []).forEach((t, i) => reads[i] || t.dispose());
}

/**
 * Replaces the tape that engine.startTape() just opened with one that prunes
 * every node pushed onto it. Only nodes recorded at gradient depth 1 are
 * pruned: a gradient computed inside f (depth 2) reads its own nodes' saves.
 */
export function recordPruned(engine: TapeEngine, xs: readonly tf.Tensor[]): void {
  const tape: TapeNode[] = [];
  const fromX = new Set(xs.map((x) => x.id));
  const push = Array.prototype.push;
  tape.push = (...nodes: TapeNode[]) => {
    for (const node of nodes) {
      checkNode(node);
      record(node, fromX, engine.state.gradientDepth === 1);
    }
    return push.apply(tape, nodes);
  };
  engine.state.activeTape = tape;
}
