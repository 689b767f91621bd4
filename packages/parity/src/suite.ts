// The parity suite: a framework-agnostic list of checks, plus what both
// runners need to run them (Node under vitest, and a browser page). Every
// check computes with camtl's public APIs and reads tensors asynchronously.
import * as tf from '@tensorflow/tfjs-core';
import { bertTiny } from './checks/bert';
import { MODULE_CASES, moduleChecks } from './checks/modules';
import { TRAINING, tinyBase, trainingRun, trainingSteps } from './checks/tiny-base';
import { trainerSamplers } from './checks/trainer';
import { fmt, worstByKind } from './compare';
import { toleranceFor } from './tolerances';
import type { CheckResult, FixtureLoader, MeasureKind, ParityCheck } from './types';

export type * from './types';
export { TOLERANCES, toleranceFor, type ToleranceBackend } from './tolerances';
export { FIXTURE_ROOTS } from './fixtures';
export { MODULE_CASES, TRAINING, trainingRun };
export { fmt, formatBound, measure } from './compare';

/** Every check, in run order. */
export const PARITY_CHECKS: readonly ParityCheck[] = [
  bertTiny,
  ...moduleChecks,
  tinyBase,
  trainingSteps,
  trainerSamplers,
];

/**
 * The checks to run: all of them, or those named (`CAMTL_PARITY_CHECKS`, for
 * debugging one check). Every route runs all of them by default.
 */
export function selectChecks(names?: readonly string[]): ParityCheck[] {
  if (!names || names.length === 0) return [...PARITY_CHECKS];
  const unknown = names.filter((n) => !PARITY_CHECKS.some((c) => c.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown parity check(s): ${unknown.join(', ')} (known: ${PARITY_CHECKS.map((c) => c.name).join(', ')})`,
    );
  return PARITY_CHECKS.filter((c) => names.includes(c.name));
}

export interface SuiteOptions {
  loader: FixtureLoader;
  log?: (line: string) => void;
}

/**
 * Runs the `cpuReference` of every check that has one. The cpu backend must
 * be active (the runners switch to it first).
 */
export async function computeReferences(
  checks: readonly ParityCheck[],
  o: SuiteOptions,
): Promise<Map<string, unknown>> {
  if (tf.getBackend() !== 'cpu') throw new Error(`cpu references must be computed on cpu, not ${tf.getBackend()}`);
  const log = o.log ?? (() => {});
  const out = new Map<string, unknown>();
  for (const c of checks) {
    if (!c.cpuReference) continue;
    const t0 = now();
    out.set(c.name, await c.cpuReference({ backend: 'cpu', loader: o.loader, log }));
    log(`cpu reference of ${c.name}: ${Math.round(now() - t0)} ms`);
  }
  return out;
}

/**
 * Runs one check on the active backend. `tolerance` names the row of the
 * tolerance table (default: the active backend). Errors are returned in the
 * result, so a page can hand them back as data.
 */
export async function runCheck(
  check: ParityCheck,
  o: SuiteOptions & { references?: Map<string, unknown>; tolerance?: string },
): Promise<CheckResult> {
  const backend = tf.getBackend();
  const log = o.log ?? (() => {});
  const tolerance = toleranceFor(o.tolerance ?? backend);
  const settings = configureBackend(backend);
  const before = tf.memory().numTensors;
  const t0 = now();
  try {
    const r = await check.run({ backend, tolerance, loader: o.loader, log, reference: o.references?.get(check.name) });
    const ms = now() - t0;
    const result: CheckResult = { name: check.name, backend, ms, leakedTensors: tf.memory().numTensors - before, ...r };
    result.notes = [...settings, ...result.notes];
    log(`${backend} ${check.name}: ${Math.round(ms)} ms, ${summarize(result)}`);
    return result;
  } catch (e) {
    const ms = now() - t0;
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(`${backend} ${check.name}: FAILED after ${Math.round(ms)} ms: ${error}`);
    return {
      name: check.name,
      backend,
      ms,
      leakedTensors: tf.memory().numTensors - before,
      measures: [],
      notes: [],
      error,
    };
  }
}

/**
 * Backend settings of a parity run. On webgpu, WEBGPU_CPU_FORWARD is turned
 * off: by default tfjs-backend-webgpu hands ops whose inputs are small (< 1000
 * elements) and still on the CPU to the cpu kernels, which would leave most of
 * these tiny fixtures on the cpu kernels (already covered by the cpu route).
 * Off, every kernel runs on the GPU, as tfjs's own WebGPU tests run them.
 */
export function configureBackend(backend: string): string[] {
  if (backend !== 'webgpu') return [];
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  return ['WEBGPU_CPU_FORWARD=false'];
}

/** Every quantity over its bound (ratio > 1), NaN included, and a run error; [] when the check passes. */
export function violations(r: CheckResult): string[] {
  const out: string[] = [];
  if (r.error) out.push(`error: ${r.error}`);
  if (!r.error && r.measures.length === 0) out.push('measured nothing');
  for (const m of r.measures) {
    if (!(m.ratio <= 1)) {
      out.push(`${m.name}: max |Δ| ${fmt(m.maxAbs)} exceeds ${m.bound} (${fmt(m.ratio)}× the bound)`);
    }
  }
  return out;
}

const KIND_ORDER: MeasureKind[] = ['output', 'loss', 'grad', 'trainLoss', 'trainWeight'];

/** One line per check: the worst measure of each kind. */
export function summarize(r: CheckResult): string {
  if (r.error) return `error: ${r.error}`;
  const w = worstByKind(r.measures);
  return KIND_ORDER.filter((k) => w[k])
    .map((k) => {
      const m = w[k]!;
      const rel = k === 'loss' || k === 'trainLoss' ? `, rel ${fmt(m.maxRel)}` : '';
      const units = k === 'grad' ? `, ${fmt(m.gradUnits)}× fixture tol` : '';
      return `${k} ${fmt(m.maxAbs)}${rel}${units} (${fmt(m.ratio)}× bound)`;
    })
    .join('; ');
}

/** A markdown table of the worst deviation of each kind, per backend and check. */
export function formatTable(results: Array<CheckResult & { route?: string }>): string {
  const head =
    '| route | check | output max abs | loss max abs (rel) | grad max abs (× fixture tol) | train loss rel | train weight max abs | worst / bound | ms |';
  const rows = results.map((r) => {
    const w = worstByKind(r.measures);
    const cell = (k: MeasureKind, f: (m: NonNullable<(typeof w)[MeasureKind]>) => string) => (w[k] ? f(w[k]!) : '');
    const worst = r.error ? 'error' : fmt(Math.max(0, ...r.measures.map((m) => m.ratio)));
    return `| ${r.route ?? r.backend} | ${r.name} | ${cell('output', (m) => fmt(m.maxAbs))} | ${cell('loss', (m) => `${fmt(m.maxAbs)} (${fmt(m.maxRel)})`)} | ${cell('grad', (m) => `${fmt(m.maxAbs)} (${fmt(m.gradUnits)})`)} | ${cell('trainLoss', (m) => fmt(m.maxRel))} | ${cell('trainWeight', (m) => fmt(m.maxAbs))} | ${worst} | ${Math.round(r.ms)} |`;
  });
  return [head, `|${'---|'.repeat(9)}`, ...rows].join('\n');
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
