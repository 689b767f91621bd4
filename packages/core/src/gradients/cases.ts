// Test cases for the gradient registry: for each kernel, a function of float
// inputs that runs it, on random inputs (with broadcasting where the kernel
// broadcasts). gradients.test.ts differentiates each with camtl's gradient and
// with tfjs-core's own, and wants the same bits.
import * as tf from '@tensorflow/tfjs-core';

export interface GradCase {
  kernel: string;
  /** Shapes of the inputs; `positive` draws them from (0.5, 2). */
  shapes: number[][];
  positive?: boolean;
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /**
   * Where tfjs's own gradient throws (broadcast operands it does not reduce,
   * chained ops absent from the node bundle, negative axes): the same value
   * computed another way, differentiated by tfjs's gradient (or by camtl's
   * for the ops it uses), compared within float tolerance.
   */
  ref?: (...xs: tf.Tensor[]) => tf.Tensor;
}

const unary = (kernel: string, f: (x: tf.Tensor) => tf.Tensor, positive = false): GradCase => ({
  kernel,
  shapes: [[3, 4]],
  positive,
  f,
});

const BROADCASTS = [
  [
    [2, 3],
    [2, 3],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [[4], [2, 3, 4]],
  [[2, 3], []],
];

/** A binary kernel at equal shapes and under three broadcasts. */
const binary = (kernel: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, positive = false): GradCase[] =>
  BROADCASTS.map((shapes) => ({ kernel, shapes, positive, f }));

/** A binary kernel whose tfjs gradient cannot broadcast: compared with the kernel on pre-broadcast operands. */
const broadcastRef = (kernel: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): GradCase[] =>
  BROADCASTS.map((shapes, i) => {
    const out = tf.broadcast_util.assertAndGetBroadcastShape(shapes[0], shapes[1]);
    const ref = (a: tf.Tensor, b: tf.Tensor) => f(tf.broadcastTo(a, out), tf.broadcastTo(b, out));
    return { kernel, shapes, f, ref: i === 0 ? undefined : ref };
  });

const float = (t: tf.Tensor) => tf.cast(t, 'float32');

export const GRAD_CASES: GradCase[] = [
  ...binary('Add', tf.add),
  ...binary('Sub', tf.sub),
  ...binary('Multiply', tf.mul),
  ...binary('RealDiv', tf.div, true),
  ...binary('FloorDiv', tf.floorDiv, true),
  ...binary('Pow', tf.pow, true),
  {
    kernel: 'Pow',
    shapes: [
      [3, 4],
      [3, 4],
    ],
    f: tf.pow,
  }, // negative bases: the exponent's gradient masks log
  ...broadcastRef('SquaredDifference', tf.squaredDifference),
  ...broadcastRef('Maximum', tf.maximum),
  ...broadcastRef('Minimum', tf.minimum),
  ...binary('Mod', tf.mod, true),
  ...binary('Atan2', tf.atan2),
  {
    kernel: 'AddN',
    shapes: [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    f: (...xs) => tf.addN(xs),
  },
  ...[
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ].map(([ta, tb]) => ({
    kernel: 'BatchMatMul',
    shapes: [ta ? [2, 5, 3] : [2, 3, 5], tb ? [2, 4, 5] : [2, 5, 4]],
    f: (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, ta, tb),
  })),
  {
    kernel: 'BatchMatMul',
    shapes: [
      [3, 5],
      [2, 5, 4],
    ],
    f: (a, b) => tf.matMul(a, b),
    ref: (a, b) => tf.matMul(tf.broadcastTo(a, [2, 3, 5]), b),
  },
  unary('Abs', tf.abs),
  unary('Neg', tf.neg),
  unary('Exp', tf.exp),
  unary('Expm1', tf.expm1),
  unary('Log', tf.log, true),
  unary('Log1p', tf.log1p, true),
  unary('Sqrt', tf.sqrt, true),
  unary('Rsqrt', tf.rsqrt, true),
  unary('Square', tf.square),
  unary('Reciprocal', tf.reciprocal, true),
  unary('Tanh', tf.tanh),
  unary('Sigmoid', tf.sigmoid),
  unary('Softplus', tf.softplus),
  unary('Relu', tf.relu),
  unary('Relu6', (x) => tf.relu6(tf.mul(x, 8))),
  unary('Elu', tf.elu),
  unary('Erf', tf.erf),
  unary('Sin', tf.sin),
  unary('Cos', tf.cos),
  unary('LeakyRelu', (x) => tf.leakyRelu(x, 0.3)),
  unary('ClipByValue', (x) => tf.clipByValue(x, -0.5, 0.7)),
  unary('Cast', (x) => tf.cast(x, 'float32')),
  unary('Identity', (x) => tf.engine().runKernel('Identity', { x }) as tf.Tensor),
  ...['Floor', 'Ceil', 'Round', 'Sign', 'Step'].map((k) =>
    unary(k, (x) => tf.mul(x, tf.engine().runKernel(k, { x }, k === 'Step' ? { alpha: 0 } : {}) as tf.Tensor)),
  ),
  unary('ZerosLike', (x) => tf.add(x, tf.zerosLike(x))),
  unary('OnesLike', (x) => tf.mul(x, tf.onesLike(x))),
  unary('IsNan', (x) => tf.mul(x, float(tf.isNaN(x)))),
  unary('IsInf', (x) => tf.mul(x, float(tf.isInf(x)))),
  unary('IsFinite', (x) => tf.mul(x, float(tf.isFinite(x)))),
  { kernel: 'GreaterEqual', shapes: [[2, 3], [3]], f: (a, b) => tf.mul(a, float(tf.greaterEqual(a, b))) },
  ...[undefined, [0, 2], -1].flatMap((axis) => [
    { kernel: 'Sum', shapes: [[2, 3, 4]], f: (x: tf.Tensor) => tf.sum(x, axis) },
    { kernel: 'Sum', shapes: [[2, 3, 4]], f: (x: tf.Tensor) => tf.sum(x, axis, true) },
    { kernel: 'Mean', shapes: [[2, 3, 4]], f: (x: tf.Tensor) => tf.mean(x, axis) },
    { kernel: 'Max', shapes: [[2, 3, 4]], f: (x: tf.Tensor) => tf.max(x, axis) },
    { kernel: 'Min', shapes: [[2, 3, 4]], f: (x: tf.Tensor) => tf.min(x, axis, true) },
    {
      kernel: 'Prod',
      shapes: [[2, 3, 4]],
      positive: true,
      f: (x: tf.Tensor) => tf.prod(x, axis),
      ref: (x: tf.Tensor) => tf.exp(tf.sum(tf.log(x), axis)),
    },
  ]),
  { kernel: 'Softmax', shapes: [[2, 3, 5]], f: (x) => tf.softmax(x) },
  { kernel: 'Cumsum', shapes: [[3, 4]], f: (x) => tf.cumsum(x, 1) },
  { kernel: 'Cumsum', shapes: [[3, 4]], f: (x) => tf.cumsum(x, 1, true, true) },
  { kernel: 'ArgMax', shapes: [[3, 4]], f: (x) => tf.mul(x, tf.expandDims(float(tf.argMax(x, 1)), 1)) },
  { kernel: 'ArgMin', shapes: [[3, 4]], f: (x) => tf.mul(x, tf.expandDims(float(tf.argMin(x, 1)), 1)) },
  { kernel: 'Reshape', shapes: [[2, 6]], f: (x) => tf.reshape(x, [3, 4]) },
  { kernel: 'ExpandDims', shapes: [[2, 6]], f: (x) => tf.expandDims(x, 1) },
  { kernel: 'Transpose', shapes: [[2, 3, 4]], f: (x) => tf.transpose(x, [2, 0, 1]) },
  { kernel: 'Slice', shapes: [[4, 5]], f: (x) => tf.slice(x, [1, 2], [2, -1]) },
  {
    kernel: 'PadV2',
    shapes: [[2, 3]],
    f: (x) =>
      tf.pad(
        x,
        [
          [1, 2],
          [0, 1],
        ],
        0.5,
      ),
  },
  {
    kernel: 'Concat',
    shapes: [
      [2, 3],
      [2, 1],
      [2, 2],
    ],
    f: (...xs) => tf.concat(xs, -1),
  },
  {
    kernel: 'Pack',
    shapes: [
      [2, 3],
      [2, 3],
    ],
    f: (...xs) => tf.stack(xs, 1),
  },
  { kernel: 'Unpack', shapes: [[3, 2, 4]], f: (x) => tf.unstack(x, 1) },
  { kernel: 'SplitV', shapes: [[3, 6]], f: (x) => tf.split(x, [1, 2, 3], 1) },
  { kernel: 'Reverse', shapes: [[3, 4]], f: (x) => tf.reverse(x, [0, 1]) },
  ...[
    [[5], [3]],
    [
      [2, 3],
      [2, 2],
    ],
    [
      [2, 1, 3],
      [1, 3, 2],
    ],
    [
      [1, 2, 1, 2],
      [2, 1, 2, 1],
    ],
  ].map(([shape, reps]) => ({
    kernel: 'Tile',
    shapes: [shape],
    f: (x: tf.Tensor) => tf.tile(x, reps),
  })),
  { kernel: 'GatherV2', shapes: [[5, 3]], f: (x) => tf.gather(x, tf.tensor1d([4, 0, 4, 2], 'int32')) },
  {
    kernel: 'GatherV2',
    shapes: [[2, 5, 3]],
    f: (x) =>
      tf.gather(
        x,
        tf.tensor2d(
          [
            [1, 1],
            [0, 3],
          ],
          undefined,
          'int32',
        ),
        1,
      ),
  },
  { kernel: 'GatherV2', shapes: [[2, 5, 3]], f: (x) => tf.gather(x, tf.tensor1d([2, 0], 'int32'), -1) },
  {
    kernel: 'UnsortedSegmentSum',
    shapes: [[5, 3]],
    f: (x) => tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, -1, 1], 'int32'), 3),
  },
  // Comparisons have no gradient (as in tfjs): the condition is a constant.
  {
    kernel: 'Select',
    shapes: [
      [2, 3],
      [2, 3],
    ],
    f: (a, b) =>
      tf.where(
        tf.tensor2d(
          [
            [1, 0, 1],
            [0, 0, 1],
          ],
          undefined,
          'bool',
        ),
        a,
        b,
      ),
  },
  { kernel: 'Select', shapes: [[2, 3], [3]], f: (a, b) => tf.where(tf.tensor1d([1, 0, 1], 'bool'), a, b) },
];
