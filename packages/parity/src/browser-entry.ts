// The page script of the browser runner (bundled by esbuild in browser.test.ts):
// runs the parity suite on the backends asked for, inside the page, after the
// cpu reference, and hands back plain data. Fixtures are fetched from the
// test server (`/fixtures/core/…`, `/fixtures/camtl/…`), the wasm binaries
// from `/wasm/`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { listKernelPatches, useBackend } from '@camtl/core';
import { computeReferences, runCheck, selectChecks, type CheckResult, type FixtureLoader } from './suite';

export interface PageBackend {
  name: string;
  ok: boolean;
  /** Why it could not start. */
  reason?: string;
  /** What it runs on, e.g. the WebGPU adapter. */
  device?: string;
}

export interface PageReport {
  userAgent: string;
  backends: PageBackend[];
  results: CheckResult[];
  log: string[];
  /** Wall time of the whole run in the page, ms. */
  ms: number;
}

export interface PageOptions {
  backends: string[];
  /** Run only these checks (by name); default all. */
  checks?: string[];
}

function fetchLoader(base: string): FixtureLoader {
  const get = async (path: string) => {
    const res = await fetch(new URL(path, base));
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return res;
  };
  return {
    bytes: async (path) => new Uint8Array(await (await get(path)).arrayBuffer()),
    json: async (path) => (await get(path)).json(),
  };
}

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

async function webgpuDevice(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: GpuAdapterInfoLike } | null> } })
    .gpu;
  if (!gpu)
    throw new Error(
      `navigator.gpu is undefined (secure context: ${globalThis.isSecureContext}); start Chromium with --enable-unsafe-webgpu`,
    );
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned null');
  const i = adapter.info ?? {};
  return [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'unknown adapter';
}

async function activate(name: string): Promise<string> {
  if (name === 'webgpu') {
    const device = await webgpuDevice();
    await useBackend('webgpu');
    return device;
  }
  await useBackend(name);
  const patches = listKernelPatches(name).map((p) => p.kernelName);
  return patches.length ? `kernel patches: ${patches.join(', ')}` : '';
}

async function run(options: PageOptions): Promise<PageReport> {
  const t0 = performance.now();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    console.log(`[parity page] ${line}`);
  };
  setWasmPaths(new URL('/wasm/', location.href).href);
  const loader = fetchLoader(new URL('/fixtures/', location.href).href);
  const checks = selectChecks(options.checks);
  const backends: PageBackend[] = [];
  const results: CheckResult[] = [];

  await useBackend('cpu');
  const references = await computeReferences(checks, { loader, log });

  for (const name of options.backends) {
    let device: string;
    try {
      device = await activate(name);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      backends.push({ name, ok: false, reason });
      log(`${name}: could not start: ${reason}`);
      continue;
    }
    backends.push({ name, ok: true, device });
    log(`${name}: backend ${tf.getBackend()}${device ? ` (${device})` : ''}`);
    for (const check of checks) results.push(await runCheck(check, { loader, log, references, tolerance: name }));
  }
  return { userAgent: navigator.userAgent, backends, results, log: lines, ms: performance.now() - t0 };
}

(globalThis as unknown as { camtlParity: { run: typeof run } }).camtlParity = { run };
