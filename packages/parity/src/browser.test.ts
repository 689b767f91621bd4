// The parity suite in headless Chromium (Debian's, through playwright-core):
// WebGPU on SwiftShader, wasm (SIMD, with camtl's kernel patches) and cpu,
// inside one page, after the cpu reference computed in the same page. The same
// tolerance table as in Node. Without Chromium the tests are skipped with the
// reason printed, and fail when CI is set.
import { existsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundlePage,
  removeBundle,
  runInChromium,
  startServer,
  type BrowserRun,
  type StaticServer,
} from './browser-harness';
import { formatTable, selectChecks, violations } from './suite';

const CHROMIUM = process.env.CAMTL_CHROMIUM ?? '/usr/bin/chromium';
const CI = !!process.env.CI;
const BACKENDS = (process.env.CAMTL_PARITY_BROWSER_BACKENDS ?? 'webgpu,wasm,cpu').split(',').map((s) => s.trim());
const CHECKS = process.env.CAMTL_PARITY_CHECKS?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const checks = selectChecks(CHECKS);
const log = (line: string) => console.log(`[parity chromium] ${line}`);

const missing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} not found (apt-get install chromium, or set CAMTL_CHROMIUM to a Chromium executable)`;
if (missing) console.warn(`[parity chromium] ${CI ? 'FAILING (CI is set)' : 'skipped'}: ${missing}`);

describe('chromium', () => {
  let run: BrowserRun | undefined;
  let setupError: Error | undefined;
  let server: StaticServer | undefined;
  let bundleDir: string | undefined;

  beforeAll(async () => {
    if (missing) return;
    try {
      const bundle = await bundlePage();
      bundleDir = bundle.dir;
      log(`bundled the page with esbuild: ${(bundle.bytes / 1024).toFixed(0)} KB in ${bundle.ms} ms`);
      server = await startServer(bundle.dir);
      const t0 = Date.now();
      run = await runInChromium(CHROMIUM, server.url, { backends: BACKENDS, checks: CHECKS }, log);
      log(
        `Chromium ${run.chromiumVersion}: ${run.report.backends.map((b) => `${b.name} ${b.ok ? `ok (${b.device || 'no detail'})` : `FAILED: ${b.reason}`}`).join('; ')}`,
      );
      log(
        `page run ${(run.report.ms / 1000).toFixed(1)} s, with the browser ${((Date.now() - t0) / 1000).toFixed(1)} s, attempts ${run.attempts}`,
      );
    } catch (e) {
      setupError = e as Error;
      console.error(`[parity chromium] setup failed: ${setupError.message}`);
    }
  }, 30 * 60_000);

  afterAll(async () => {
    if (run) {
      const results = run.report.results.map((r) => ({ ...r, route: `chromium ${r.backend}` }));
      log(`deviations per route and check:\n${formatTable(results)}`);
      if (process.env.CAMTL_PARITY_REPORT)
        writeFileSync(`${process.env.CAMTL_PARITY_REPORT}.chromium.json`, JSON.stringify(run, null, 1));
    }
    await server?.close();
    if (bundleDir) await removeBundle(bundleDir);
  });

  it('the page ran without errors (console errors, page errors, failed requests)', (ctx) => {
    if (missing) {
      if (CI) throw new Error(`CI is set but ${missing}`);
      ctx.skip(missing);
    }
    if (setupError) throw setupError;
    expect(run!.problems).toEqual([]);
  });

  for (const backend of BACKENDS) {
    for (const check of checks) {
      it(`${backend} ${check.name}`, (ctx) => {
        if (missing) {
          if (CI) throw new Error(`CI is set but ${missing}`);
          ctx.skip(missing);
        }
        if (setupError) throw setupError;
        const status = run!.report.backends.find((b) => b.name === backend);
        if (!status?.ok) throw new Error(`${backend} did not start in Chromium: ${status?.reason ?? 'not tried'}`);
        const result = run!.report.results.find((r) => r.backend === backend && r.name === check.name);
        expect(result, 'result').toBeDefined();
        expect(violations(result!)).toEqual([]);
        expect(result!.leakedTensors, 'tensors left allocated').toBe(0);
      });
    }
  }
});
