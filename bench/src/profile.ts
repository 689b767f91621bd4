// `--profile`: one extra train step and one inference step under tf.profile,
// summed per kernel, so a slow ratio comes with where the time goes. The
// profiler reads every kernel's output (or uses the backend's timer), which
// slows the step: use it for shares, not for the headline times.
import * as tf from '@tensorflow/tfjs-core';
import { round } from './stats';

export interface KernelShare {
  kernel: string;
  ms: number;
  calls: number;
  /** Share of the summed kernel time. */
  share: number;
}

export interface StepProfile {
  /** Peak bytes of live tensors during the step (tfjs's accounting, not RSS). */
  peak_mb: number;
  kernel_ms: number;
  wall_ms: number;
  kernels: KernelShare[];
  /** The single largest outputs (what sets the peak): kernel, output shape, MB. */
  largest: Array<{ kernel: string; shape: string; mb: number }>;
}

/**
 * Op-level scopes (`fusedMatMul__op`, custom gradients) are recorded around the
 * kernels they run, so counting both would count that time twice.
 */
export function isScope(name: string): boolean {
  return name.endsWith('__op');
}

/** Per-kernel totals, largest first, `top` of them. */
export function summariseKernels(kernels: Array<{ name: string; ms: number }>, top = 12): KernelShare[] {
  const by = new Map<string, { ms: number; calls: number }>();
  for (const k of kernels) {
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.ms;
    e.calls++;
    by.set(k.name, e);
  }
  const total = [...by.values()].reduce((a, e) => a + e.ms, 0) || 1;
  return [...by]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([kernel, e]) => ({ kernel, ms: round(e.ms)!, calls: e.calls, share: round(e.ms / total, 3)! }));
}

async function profileOne(step: () => Promise<unknown>): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await step();
  });
  const wall = performance.now() - t0;
  const kernels: Array<{ name: string; ms: number }> = [];
  for (const k of info.kernels.filter((x) => !isScope(x.name))) {
    const ms = await k.kernelTimeMs;
    kernels.push({ name: k.name, ms: typeof ms === 'number' ? ms : 0 });
  }
  const largest = info.kernels
    .filter((k) => !isScope(k.name))
    .sort((a, b) => b.bytesAdded - a.bytesAdded)
    .slice(0, 3)
    .map((k) => ({ kernel: k.name, shape: JSON.stringify(k.outputShapes), mb: round(k.bytesAdded / 2 ** 20, 1)! }));
  return {
    peak_mb: round(info.peakBytes / 2 ** 20, 1)!,
    kernel_ms: round(kernels.reduce((a, k) => a + k.ms, 0))!,
    wall_ms: round(wall)!,
    kernels: summariseKernels(kernels),
    largest,
  };
}

export async function profileSteps(
  train: () => Promise<unknown>,
  infer: () => Promise<unknown>,
): Promise<{ train: StepProfile; infer: StepProfile }> {
  return { train: await profileOne(train), infer: await profileOne(infer) };
}

/** Indented lines for the table view: "MatMul  812 ms  36 %  ×48". */
export function profileLines(label: string, p: StepProfile): string[] {
  return [
    `${label}: ${p.kernel_ms} ms in kernels (${p.wall_ms} ms wall while profiling), peak ${p.peak_mb} MB of tensors`,
    ...p.kernels.map(
      (k) =>
        `    ${k.kernel.padEnd(28)} ${String(Math.round(k.ms)).padStart(7)} ms  ${String(Math.round(k.share * 100)).padStart(3)} %  ×${k.calls}`,
    ),
    `  largest outputs: ${p.largest.map((l) => `${l.kernel} ${l.shape} ${l.mb} MB`).join('; ') || '—'}`,
  ];
}
