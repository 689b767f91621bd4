// The parity suite in Node, on every backend @camtl/backend-node can start:
// cpu, wasm (with camtl's kernel patches) and WebGPU through Dawn (on
// SwiftShader here), plus tfjs-node (tensorflow) and tfjs-node-gpu (cuda)
// where installed. A backend that cannot start is skipped with its reason
// printed, never silently; WebGPU must start when CI is set and Chromium (the
// source of the SwiftShader ICD) is installed.
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, writeFileSync } from 'node:fs';
import { useNodeBackend } from '@camtl/backend-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFixtureLoader } from './node-loader';
import {
  computeReferences,
  formatTable,
  selectChecks,
  runCheck,
  violations,
  type CheckResult,
  type ToleranceBackend,
} from './suite';

const CHROMIUM = process.env.CAMTL_CHROMIUM ?? '/usr/bin/chromium';
const CI = !!process.env.CI;
const loader = nodeFixtureLoader();
const log = (line: string) => console.log(`[parity node] ${line}`);

/** The routes, in run order. `mustRun` turns a start failure into a test failure. */
const ROUTES: Array<{ choice: ToleranceBackend; mustRun: () => string | undefined }> = [
  { choice: 'cpu', mustRun: () => 'cpu is always available' },
  { choice: 'wasm', mustRun: () => 'wasm is a dependency of @camtl/backend-node' },
  {
    choice: 'webgpu',
    mustRun: () => (CI && existsSync(CHROMIUM) ? `CI is set and ${CHROMIUM} is installed` : undefined),
  },
  { choice: 'cuda', mustRun: () => undefined },
  { choice: 'tensorflow', mustRun: () => undefined },
];

/** CAMTL_PARITY_BACKENDS=cpu,webgpu narrows the routes (default: all). */
const only = process.env.CAMTL_PARITY_BACKENDS?.split(',').map((s) => s.trim());
const routes = ROUTES.filter((r) => !only || only.includes(r.choice));
const checks = selectChecks(
  process.env.CAMTL_PARITY_CHECKS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const results: Array<CheckResult & { route: string }> = [];
let references = new Map<string, unknown>();

beforeAll(async () => {
  await useNodeBackend({ prefer: 'cpu' });
  references = await computeReferences(checks, { loader, log });
}, 10 * 60_000);

afterAll(() => {
  if (results.length === 0) return;
  console.log(`[parity node] deviations per route and check:\n${formatTable(results)}`);
  const total = results.reduce((s, r) => s + r.ms, 0);
  const perRoute = [...new Set(results.map((r) => r.route))]
    .map(
      (route) =>
        `${route} ${(results.filter((r) => r.route === route).reduce((s, r) => s + r.ms, 0) / 1000).toFixed(1)} s`,
    )
    .join(', ');
  console.log(`[parity node] time in checks: ${(total / 1000).toFixed(1)} s (${perRoute})`);
  if (process.env.CAMTL_PARITY_REPORT)
    writeFileSync(`${process.env.CAMTL_PARITY_REPORT}.node.json`, JSON.stringify(results, null, 1));
});

for (const route of routes) {
  describe(`node ${route.choice}`, () => {
    let status: { ok: true; summary: string } | { ok: false; reason: string } = { ok: false, reason: 'not started' };

    beforeAll(async () => {
      try {
        const r = await useNodeBackend({ prefer: route.choice });
        status = { ok: true, summary: r.summary };
        log(`${route.choice}: ${r.summary}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`);
      } catch (e) {
        const err = e as Error & { hint?: string };
        const reason = `${err.message}${err.hint ? ` (${err.hint})` : ''}`;
        status = { ok: false, reason };
        const must = route.mustRun();
        console.warn(
          `[parity node] ${route.choice} ${must ? 'FAILED to start' : 'skipped'}: ${reason}${must ? ` — required: ${must}` : ''}`,
        );
      }
    }, 5 * 60_000);

    for (const check of checks) {
      it(
        check.name,
        async (ctx) => {
          if (!status.ok) {
            const must = route.mustRun();
            if (must) throw new Error(`${route.choice} did not start (${must}): ${status.reason}`);
            ctx.skip(`${route.choice}: ${status.reason}`);
          }
          if (tf.getBackend() !== (route.choice === 'cuda' ? 'tensorflow' : route.choice)) {
            await useNodeBackend({ prefer: route.choice });
          }
          const result = await runCheck(check, { loader, log, references, tolerance: route.choice });
          results.push({ ...result, route: `node ${route.choice}` });
          expect(violations(result)).toEqual([]);
          expect(result.leakedTensors, 'tensors left allocated').toBe(0);
        },
        10 * 60_000,
      );
    }
  });
}
