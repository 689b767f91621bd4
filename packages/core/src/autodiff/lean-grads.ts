// Drop-in replacements for tf.grads-style calls (ENGINE.gradients) and
// tf.variableGrads that run camtl's freeing tape walk (backprop.ts) instead of
// tfjs's, for a lower peak of live tensors during the backward pass.
import * as tf from '@tensorflow/tfjs-core';
import { CamtlError, isCamtlError } from '../errors';
import { registerGradients } from '../gradients';
import { backprop, pathNodes } from './backprop';
import { recordedTape, tapeEngine, type TapeEngine, type TapeNode } from './engine-tape';
import { recordPruned } from './recorder';

export interface LeanGradients {
  value: tf.Tensor;
  /** One per x, in order; undefined where the value does not depend on x. */
  grads: Array<tf.Tensor | undefined>;
}

/** Disposes every saved tensor of what the engine recorded and drops the tape, as tfjs does after a backward pass. */
function dropTape(engine: TapeEngine): void {
  const tape: unknown = engine.state.activeTape;
  for (const node of Array.isArray(tape) ? (tape as Array<Partial<TapeNode> | null>) : []) {
    if (Array.isArray(node?.saved)) tf.dispose(node.saved);
  }
  engine.state.activeTape = null;
}

/** Runs f with the tape on, in a 'forward' scope, as ENGINE.gradients does, into a pruning tape. */
function tapedForward(engine: TapeEngine, f: () => tf.Tensor, xs: readonly tf.Tensor[]): tf.Tensor {
  engine.startTape();
  let y: unknown;
  try {
    recordPruned(engine, xs);
    y = tf.tidy('forward', f);
  } catch (e) {
    dropTape(engine); // tfjs leaks the saved tensors here; camtl does not
    throw e;
  } finally {
    engine.endTape();
  }
  if (y instanceof tf.Tensor) return y;
  dropTape(engine);
  throw new CamtlError('BAD_INPUT', 'the function passed to leanGradients must return a tensor');
}

/** The id the next tensor will get: tensors with ids from here on were created after this call. */
function nextTensorId(): number {
  const probe = tf.scalar(0);
  probe.dispose();
  return probe.id + 1;
}

/**
 * The value of f() and its gradients with respect to xs, as ENGINE.gradients
 * computes them (same kernels, same order: the same bits), while each
 * intermediate gradient and saved activation is disposed as soon as the
 * backward pass no longer needs it. Strict: throws a CamtlError when tfjs's
 * internals are not as expected, or when called inside another gradient
 * computation (higher-order gradients need the outer tape's saved tensors).
 * f must not compute gradients itself (tf.grad inside f): the saves that
 * camtl frees early are only those the outer walk will not read.
 */
export function leanGradients(f: () => tf.Tensor, xs: readonly tf.Tensor[]): LeanGradients {
  if (xs.length === 0) throw new CamtlError('BAD_INPUT', 'leanGradients received an empty list of xs');
  registerGradients();
  const engine = tapeEngine();
  if (engine.state.gradientDepth > 0) {
    throw new CamtlError('UNSUPPORTED', 'leanGradients cannot run inside another gradient computation');
  }
  const first = nextTensorId();
  const y = tapedForward(engine, f, xs);
  try {
    const tape = recordedTape(engine);
    const grads = tf.tidy('backward', () => backprop(tape, pathNodes(tape, xs, y), xs, y));
    return { value: y, grads };
  } catch (e) {
    if (y.id >= first) y.dispose(); // the caller never gets it (unless f returned a tensor of its own)
    throw e;
  } finally {
    dropTape(engine); // after a walk every saved tensor is gone already; after a throw, free them
  }
}

let warned = false;

/** The engine when the lean walk can run here, else null (after one warning when the internals changed). */
function leanEngineOrNull(): TapeEngine | null {
  try {
    const engine = tapeEngine();
    return engine.state.gradientDepth > 0 ? null : engine;
  } catch (e) {
    if (!isCamtlError(e)) throw e;
    if (!warned) console.warn(`camtl: ${e.message}; falling back to tf.variableGrads (${e.hint})`);
    warned = true;
    return null;
  }
}

/**
 * tf.variableGrads with camtl's freeing tape walk: same arguments, same
 * result ({ value, grads } keyed by tfjs variable name; null for non-trainable
 * variables in varList) and the same gradients bit for bit, with a lower peak
 * of live tensors. Falls back to tf.variableGrads inside another gradient
 * computation, and (with one warning) when tfjs's internals are not as expected.
 */
export function leanVariableGrads(
  f: () => tf.Scalar,
  varList?: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  registerGradients();
  if (leanEngineOrNull() == null) return tf.variableGrads(f, varList);
  const all = varList ?? (Object.values(tf.engine().registeredVariables) as tf.Variable[]);
  const trainable = all.filter((v) => v.trainable);
  if (trainable.length === 0) {
    throw new CamtlError('BAD_INPUT', `leanVariableGrads: none of the ${all.length} variables is trainable`);
  }
  const scalar = () => {
    const y = f();
    if (y.rank !== 0) {
      throw new CamtlError('BAD_INPUT', `leanVariableGrads: f must return a scalar, not a rank-${y.rank} tensor`);
    }
    return y;
  };
  const first = nextTensorId();
  const { value, grads } = leanGradients(scalar, trainable);
  const named: tf.NamedTensorMap = {};
  trainable.forEach((v, i) => {
    const g = grads[i];
    if (g != null) named[v.name] = g;
  });
  if (Object.keys(named).length === 0) {
    if (value.id >= first) value.dispose();
    throw new CamtlError(
      'BAD_INPUT',
      'leanVariableGrads: no variable is connected to the value of f; compute the loss inside f',
    );
  }
  if (varList != null) for (const v of varList) if (!v.trainable) named[v.name] = null as unknown as tf.Tensor;
  return { value: value as tf.Scalar, grads: named };
}
