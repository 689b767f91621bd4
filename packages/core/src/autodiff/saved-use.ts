// Which of a tape node's saved tensors its gradient will actually read. tfjs
// saves whole tensors where many gradients read only their shapes (Add, Sub,
// Reshape, …), or read one operand only for the other operand's gradient
// (Multiply, BatchMatMul, …), which the walk never asks for when that operand
// does not depend on the variables. A saved clone that will not be read is
// disposed as soon as the node is recorded: its Tensor object (shape, dtype)
// stays for the gradient, its data goes once nothing else holds it. A wrong
// entry cannot give wrong gradients: reading a disposed tensor throws.
import * as tf from '@tensorflow/tfjs-core';
import { isCamtlGradient } from '../gradients';
import type { TapeNode } from './engine-tape';

/** Given whether each named input gets a gradient, per saved slot: will the gradient read its values? */
type Reads = (gets: (input: string) => boolean) => boolean[];

interface SavedUse {
  /** tfjs-core 4.22's GradConfig for the kernel; an entry whose registered config differs is not used. */
  inputsToSave?: string[];
  outputsToSave?: boolean[];
  saveAllInputs?: boolean;
  reads: Reads;
}

const shapesOnly =
  (n: number): Reads =>
  () =>
    Array<boolean>(n).fill(false);
/** a ⊙ b, a @ b: each operand is read only for the other's gradient. */
const crossed: Reads = (gets) => [gets('b'), gets('a')];

/** Gradients of tfjs-core 4.22.0 (src/gradients/*_grad.ts) and camtl's ports of them (src/gradients), read for what they use of `saved`. */
const KERNELS: Record<string, SavedUse> = {
  Add: { inputsToSave: ['a', 'b'], reads: shapesOnly(2) },
  Sub: { inputsToSave: ['a', 'b'], reads: shapesOnly(2) },
  Multiply: { inputsToSave: ['a', 'b'], reads: crossed },
  BatchMatMul: { inputsToSave: ['a', 'b'], reads: crossed },
  RealDiv: { inputsToSave: ['a', 'b'], reads: (gets) => [gets('b'), true] }, // da = dy / b; db reads a and b
  Reshape: { inputsToSave: ['x'], reads: shapesOnly(1) },
  ExpandDims: { inputsToSave: ['input'], reads: shapesOnly(1) },
  Slice: { inputsToSave: ['x'], reads: shapesOnly(1) },
  PadV2: { inputsToSave: ['x'], reads: shapesOnly(1) },
  Sum: { inputsToSave: ['x'], reads: shapesOnly(1) },
  Mean: { inputsToSave: ['x'], reads: shapesOnly(1) },
};

/**
 * tf.fused.matMul records a customGrad node under its op scope's name, saving
 * [a3D, b3D, result, bias?]. Under a tape tfjs fuses only the linear
 * activation (shouldFuse), whose gradient reads the result's shape alone; the
 * bias gradient uses the op's own bias, not the saved one.
 */
function fusedMatMulReads(node: TapeNode): boolean[] | null {
  const saved = node.saved ?? [];
  const inputs = Object.keys(node.inputs).length;
  if (saved.length !== inputs + 1 || (inputs !== 2 && inputs !== 3)) return null;
  if (node.outputs.length !== 1 || saved[2].size !== node.outputs[0].size) return null;
  return [true, true, false, false].slice(0, saved.length);
}

const sameList = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === (b ?? [])[i]);

/** Table entries whose registered gradient saves what the entry was written for (checked once per kernel). */
const checked = new Map<string, SavedUse | null>();

function entryFor(kernelName: string): SavedUse | null {
  if (checked.has(kernelName)) return checked.get(kernelName)!;
  const use = KERNELS[kernelName];
  const config = use && tf.getGradient(kernelName);
  const ok =
    config != null &&
    sameList(config.inputsToSave, use.inputsToSave) &&
    sameList(config.outputsToSave, use.outputsToSave) &&
    Boolean(config.saveAllInputs) === Boolean(use.saveAllInputs);
  checked.set(kernelName, ok ? use : null);
  return ok ? use : null;
}

/** The tfjs-core whose own gradients the table describes (camtl's ports of them it describes at any version). */
export const SAVED_USE_VERSION = '4.22.0';

/**
 * Per saved slot of a node that depends on the variables, whether its
 * gradient reads the values; null when unknown (keep everything).
 * `gets(name)`: whether that input depends on the variables.
 */
export function savedReads(node: TapeNode, gets: (input: string) => boolean): boolean[] | null {
  // tf.fused.matMul's customGrad is the same throughout tfjs-core 4.x (the peer range); its saves are checked by shape.
  if (node.kernelName === 'fusedMatMul__op') return fusedMatMulReads(node);
  if (tf.version_core !== SAVED_USE_VERSION && !isCamtlGradient(node.kernelName)) return null;
  const use = entryFor(node.kernelName);
  if (use == null) return null;
  const reads = use.reads(gets);
  return reads.length === (node.saved ?? []).length ? reads : null;
}
