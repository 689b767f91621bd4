// The tolerance table: one row per backend, one bound per kind of quantity,
// |x − ref| ≤ atol + rtol·|ref| elementwise. README.md states the same table
// with the deviations measured on this machine and why each bound is what it
// is; tolerances.test.ts keeps the two in step.
import type { Tolerance } from './types';

/** The fixtures' own bounds (every package's fixture tests hold cpu and wasm to them). */
const FIXTURE = {
  output: { atol: 1e-4, rtol: 0 },
  loss: { atol: 1e-4, rtol: 1e-4 },
  grad: { atol: 1e-4, rtol: 1e-3 },
} as const;

/** Another float32 CPU implementation: the fixture bounds, and the training run close to cpu's. */
const CPU_LIKE: Tolerance = {
  ...FIXTURE,
  trainLoss: { atol: 0, rtol: 1e-5 },
  // Adam divides by √v: a parameter whose true gradient is 0 (the key biases:
  // softmax ignores them) moves by rounding noise, up to ~lr per step. lr/10.
  trainWeight: { atol: 1e-4, rtol: 0 },
};

export const TOLERANCES = {
  /** The reference backend: the fixture bounds; its training run must repeat itself exactly. */
  cpu: { ...FIXTURE, trainLoss: { atol: 0, rtol: 0 }, trainWeight: { atol: 0, rtol: 0 } },
  /** The same float32 maths in another order (SIMD, camtl's BatchMatMul patch). */
  wasm: CPU_LIKE,
  /**
   * Twice the wasm row, for both WebGPU routes (Dawn in Node, Chromium). On
   * SwiftShader the measured deviations are as small as wasm's; the factor 2
   * is for real adapters, whose WGSL exp/log/tanh/inverseSqrt may be several
   * ULP off and which may contract a·b + c into an FMA.
   */
  webgpu: {
    output: { atol: 2e-4, rtol: 0 },
    loss: { atol: 2e-4, rtol: 2e-4 },
    grad: { atol: 2e-4, rtol: 2e-3 },
    trainLoss: { atol: 0, rtol: 2e-5 },
    trainWeight: { atol: 2e-4, rtol: 0 },
  },
  /** libtensorflow on the CPU (tfjs-node). Not measured (not installable offline): the wasm row. */
  tensorflow: CPU_LIKE,
  /**
   * libtensorflow with CUDA (tfjs-node-gpu). Not measured (no GPU here), so
   * provisional and loose: TensorFlow 2.9 runs float32 matmuls in TF32 (a
   * 10-bit mantissa) on Ampere and newer GPUs. Tighten once measured.
   */
  cuda: {
    output: { atol: 1e-3, rtol: 0 },
    loss: { atol: 1e-3, rtol: 1e-3 },
    grad: { atol: 1e-3, rtol: 1e-2 },
    trainLoss: { atol: 0, rtol: 1e-4 },
    trainWeight: { atol: 5e-4, rtol: 0 },
  },
} satisfies Record<string, Tolerance>;

export type ToleranceBackend = keyof typeof TOLERANCES;

/** The tolerance row of a backend (`webgpu` for both WebGPU routes). */
export function toleranceFor(backend: string): Tolerance {
  const t = (TOLERANCES as Record<string, Tolerance>)[backend];
  if (!t)
    throw new Error(`no parity tolerances for backend "${backend}" (known: ${Object.keys(TOLERANCES).join(', ')})`);
  return t;
}
