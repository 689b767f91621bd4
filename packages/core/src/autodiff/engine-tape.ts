// A typed view of the tfjs engine internals that camtl's tape walker needs:
// the gradient tape, its nodes, and tape start/end. None of it is public API,
// so every shape is checked before use and a mismatch is a CamtlError, not a
// silent misread (tfjs-core 4.22 is what this was written against).
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError } from '../errors';

/** dy's of a node's outputs (null where the output has no gradient) → per input name, a thunk for dx. */
export type NodeGradient = (dys: Array<tf.Tensor | null>) => Record<string, () => tf.Tensor>;

/** One recorded kernel call (tfjs's TapeNode). */
export interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: NodeGradient;
  /** Clones (kept) of the tensors the gradient reads; owned by this node alone. */
  saved?: tf.Tensor[];
}

interface EngineState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
  kernelDepth: number;
}

/** The engine members the walker calls (scopes go through the public tf.tidy). */
export interface TapeEngine {
  state: EngineState;
  startTape(): void;
  endTape(): void;
}

const HINT =
  'camtl checked these internals against @tensorflow/tfjs-core 4.22; install that version, or use tf.variableGrads';

function unsupported(what: string): CamtlError {
  return new CamtlError('UNSUPPORTED', `tfjs engine internals are not as expected: ${what}`, HINT);
}

/** The global engine as a TapeEngine; throws a CamtlError naming the first member that is missing. */
export function tapeEngine(): TapeEngine {
  const engine = tf.engine() as unknown as Partial<TapeEngine> & { state?: Partial<EngineState> };
  for (const m of ['startTape', 'endTape'] as const) {
    if (typeof engine[m] !== 'function') throw unsupported(`engine.${m} is not a function`);
  }
  const state = engine.state;
  if (state == null || typeof state !== 'object') throw unsupported('engine.state is missing');
  if (typeof state.gradientDepth !== 'number') throw unsupported('engine.state.gradientDepth is not a number');
  if (typeof state.kernelDepth !== 'number') throw unsupported('engine.state.kernelDepth is not a number');
  // activeTape only appears with the first tape, so it is checked after the forward (recordedTape).
  return engine as TapeEngine;
}

/** The tape the last forward recorded, every node checked for the fields the walker reads. */
export function recordedTape(engine: TapeEngine): TapeNode[] {
  const tape = engine.state.activeTape;
  if (!Array.isArray(tape)) throw unsupported('engine.state.activeTape is not an array after a taped forward');
  for (const node of tape) checkNode(node);
  return tape;
}

/** Throws a CamtlError unless `node` has the fields the walker reads. */
export function checkNode(node: TapeNode): void {
  const n = node as Partial<TapeNode> | null;
  if (n == null || typeof n.id !== 'number') throw unsupported('a tape node has no numeric id');
  const name = `tape node ${n.id} (${String(n.kernelName)})`;
  if (n.inputs == null || typeof n.inputs !== 'object') throw unsupported(`${name} has no inputs map`);
  if (!Array.isArray(n.outputs)) throw unsupported(`${name} has no outputs array`);
  if (n.saved != null && !Array.isArray(n.saved)) throw unsupported(`${name}: saved is not an array`);
  if (n.gradient != null && typeof n.gradient !== 'function') throw unsupported(`${name}: gradient is not a function`);
}
