// Gradients of the kernels that move data without arithmetic. Ported from
// tfjs-core 4.22.0 src/gradients/*_grad.ts (Copyright 2020 Google LLC,
// Apache-2.0), written against tfjs-core's public API with the same ops in
// the same order.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

type Saved = tf.Tensor[];

/** Gradients that only reshape dy back to the saved input's shape. */
const reshapeBack = (kernelName: string, input: string): GradConfig => ({
  kernelName,
  inputsToSave: [input],
  gradFunc: (dy, [x]: Saved) => ({ [input]: () => tf.reshape(dy as tf.Tensor, x.shape) }),
});

const transpose: GradConfig = {
  kernelName: tf.Transpose,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => {
    const undo = tf.backend_util.getUndoAxesPermutation(attrs.perm as number[]);
    return { x: () => tf.transpose(dy as tf.Tensor, undo) };
  },
};

const slice: GradConfig = {
  kernelName: tf.Slice,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const g = dy as tf.Tensor;
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
    // Zeros before (begin) and after (what is left of the input) in each dim.
    const paddings: Array<[number, number]> = [];
    for (let i = 0; i < g.rank; i++) paddings.push([begin[i], x.shape[i] - begin[i] - size[i]]);
    return { x: () => tf.pad(g, paddings) };
  },
};

const padV2: GradConfig = {
  kernelName: tf.PadV2,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => {
    const begin = (attrs.paddings as Array<[number, number]>).map((p) => p[0]);
    return { x: () => tf.slice(dy as tf.Tensor, begin, x.shape) };
  },
};

/** Gradient maps for kernels with a list of inputs, keyed by index as tfjs's are. */
const byIndex = (tensors: tf.Tensor[]) => tensors.map((t) => () => t) as unknown as Record<string, () => tf.Tensor>;

const concat: GradConfig = {
  kernelName: tf.Concat,
  saveAllInputs: true,
  gradFunc: (dy, saved: Saved, attrs: NamedAttrMap) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, saved[0].shape)[0];
    return byIndex(
      tf.split(
        dy as tf.Tensor,
        saved.map((t) => t.shape[axis]),
        axis,
      ),
    );
  },
};

const pack: GradConfig = {
  kernelName: tf.Pack,
  saveAllInputs: true,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => byIndex(tf.unstack(dy as tf.Tensor, attrs.axis as number)),
};

const unpack: GradConfig = {
  kernelName: tf.Unpack,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => ({ value: () => tf.stack(dy as tf.Tensor[], attrs.axis as number) }),
};

const splitV: GradConfig = {
  kernelName: tf.SplitV,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs.axis as number) }),
};

const reverse: GradConfig = {
  kernelName: tf.Reverse,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => {
    const axes = tf.util.parseAxisParam(attrs.dims as number | number[], (dy as tf.Tensor).shape);
    return { x: () => tf.reverse(dy as tf.Tensor, axes) };
  },
};

const broadcastTo: GradConfig = {
  kernelName: tf.BroadcastTo,
  gradFunc: (dy, _saved, attrs: NamedAttrMap) => {
    const inputShape = attrs.inputShape as number[];
    const outputShape = attrs.shape as number[];
    const reps = Array.from(outputShape);
    for (let i = inputShape.length - 1; i >= 0; i--) {
      if (inputShape[i] === outputShape[i]) reps[i] = 1;
      else if (inputShape[i] !== 1)
        throw new Error(`broadcastTo(): [${inputShape}] cannot be broadcast to [${outputShape}].`);
    }
    const axes = reps.flatMap((r, i) => (r > 1 ? [i] : []));
    return { x: () => tf.sum(dy as tf.Tensor, axes, true) };
  },
};

/** Every tile of dy, added up in tfjs's order (row-major over reps), for x of rank 1–4. */
function tileGrad(x: tf.Tensor, dy: tf.Tensor, reps: number[]): tf.Tensor {
  if (x.rank < 1 || x.rank > 4) {
    throw new Error(`Gradient for tile operation is not implemented for rank-${x.rank} tensors yet.`);
  }
  let xGrad = tf.zerosLike(x);
  const at = new Array<number>(x.rank).fill(0);
  const visit = (dim: number): void => {
    if (dim === x.rank) {
      xGrad = tf.add(
        xGrad,
        tf.slice(
          dy,
          at.map((r, d) => r * x.shape[d]),
          x.shape,
        ),
      );
      return;
    }
    for (let r = 0; r < reps[dim]; r++) {
      at[dim] = r;
      visit(dim + 1);
    }
  };
  visit(0);
  return xGrad;
}

const tile: GradConfig = {
  kernelName: tf.Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]: Saved, attrs: NamedAttrMap) => ({
    x: () => tileGrad(x, dy as tf.Tensor, attrs.reps as number[]),
  }),
};

export const SHAPE_GRADIENTS: GradConfig[] = [
  reshapeBack(tf.Reshape, 'x'),
  reshapeBack(tf.ExpandDims, 'input'),
  transpose,
  slice,
  padV2,
  concat,
  pack,
  unpack,
  splitV,
  reverse,
  broadcastTo,
  tile,
];
