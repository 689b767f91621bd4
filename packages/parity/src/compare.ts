// Deviation measures, and asynchronous tensor reads (tfjs-backend-webgpu in
// Node cannot read synchronously, so nothing in the suite calls dataSync).
import type * as tf from '@tensorflow/tfjs-core';
import type { Bound, Measure, MeasureKind, Tolerance } from './types';

/** The fixtures' own gradient tolerance, the unit `gradUnits` is counted in. */
export const FIXTURE_GRAD: Bound = { atol: 1e-4, rtol: 1e-3 };

export function formatBound(b: Bound): string {
  const n = (v: number) => (v === 0 ? '0' : v.toExponential(0));
  if (b.rtol === 0) return n(b.atol);
  if (b.atol === 0) return `${n(b.rtol)}·|ref|`;
  return `${n(b.atol)} + ${n(b.rtol)}·|ref|`;
}

/** A number for tables and notes: three significant digits, exponential outside [0.01, 1000). */
export function fmt(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toPrecision(3) : x.toExponential(2);
}

/** Compares `x` with `ref` elementwise; throws on a length mismatch (a shape bug, not a deviation). */
export function measure(
  kind: MeasureKind,
  name: string,
  x: ArrayLike<number>,
  ref: ArrayLike<number>,
  tolerance: Tolerance,
): Measure {
  if (x.length !== ref.length) throw new Error(`${name}: ${x.length} values, reference has ${ref.length}`);
  const bound = tolerance[kind];
  let maxAbs = 0;
  let maxRel = 0;
  let gradUnits = 0;
  let ratio = 0;
  for (let i = 0; i < x.length; i++) {
    const r = ref[i];
    const d = Math.abs(x[i] - r);
    if (Number.isNaN(d)) {
      // NaN (or ±Inf where the reference is finite) never passes.
      maxAbs = maxRel = gradUnits = ratio = Infinity;
      break;
    }
    const a = Math.abs(r);
    if (d > maxAbs) maxAbs = d;
    if (a >= 1e-6 && d / a > maxRel) maxRel = d / a;
    const u = d / (FIXTURE_GRAD.atol + FIXTURE_GRAD.rtol * a);
    if (u > gradUnits) gradUnits = u;
    const limit = bound.atol + bound.rtol * a;
    const q = limit > 0 ? d / limit : d > 0 ? Infinity : 0;
    if (q > ratio) ratio = q;
  }
  return { kind, name, maxAbs, maxRel, gradUnits, count: x.length, ratio, bound: formatBound(bound) };
}

/** Reads a tensor's values (asynchronously: works on every backend, WebGPU in Node included). */
export async function read(t: tf.Tensor): Promise<Float32Array | Int32Array | Uint8Array> {
  return (await t.data()) as Float32Array | Int32Array | Uint8Array;
}

/** Reads many tensors at once. */
export function readAll(ts: tf.Tensor[]): Promise<Array<Float32Array | Int32Array | Uint8Array>> {
  return Promise.all(ts.map(read));
}

/** Rows `rows` of a row-major [N, C] array, first `take` columns of each. */
export function pickRows(values: ArrayLike<number>, columns: number, rows: number[], take = columns): number[] {
  const out: number[] = [];
  for (const r of rows) for (let j = 0; j < take; j++) out.push(values[r * columns + j]);
  return out;
}

/** The worst measure of each kind (for summaries). */
export function worstByKind(measures: Measure[]): Partial<Record<MeasureKind, Measure>> {
  const out: Partial<Record<MeasureKind, Measure>> = {};
  for (const m of measures) {
    const w = out[m.kind];
    if (!w || m.ratio > w.ratio || (m.ratio === w.ratio && m.maxAbs > w.maxAbs)) out[m.kind] = m;
  }
  return out;
}
