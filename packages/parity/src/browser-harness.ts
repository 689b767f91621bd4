// Node side of the browser runner: bundles browser-entry.ts with esbuild,
// serves it with the fixtures and the tfjs wasm binaries from a tiny
// localhost server, and drives Debian's Chromium through playwright-core
// (never a downloaded browser) with WebGPU on SwiftShader.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PageOptions, PageReport } from './browser-entry';
import { FIXTURE_ROOTS } from './fixtures';
import { REPO_ROOT } from './node-loader';

const HERE = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** Chromium's flags for WebGPU on SwiftShader in the new headless mode (see shared/notes/toolchain.md). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
};

const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>camtl parity</title>
<link rel="icon" href="data:,"></head><body><script type="module" src="/parity.js"></script></body></html>`;

/** Bundles the page script into a fresh temporary folder; returns the folder and the bundle size. */
export async function bundlePage(): Promise<{ dir: string; bytes: number; ms: number }> {
  const t0 = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'camtl-parity-'));
  const result = await esbuild.build({
    entryPoints: [join(HERE, 'browser-entry.ts')],
    outfile: join(dir, 'parity.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'silent',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  return { dir, bytes, ms: Date.now() - t0 };
}

/** The folder holding tfjs-backend-wasm's .wasm binaries. */
export function wasmFolder(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

export interface StaticServer {
  url: string;
  /** "METHOD path status" per request. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `/` (the page), `/parity.js[.map]` from `bundleDir`, `/wasm/*.wasm`
 * (application/wasm, which streaming compilation needs) and
 * `/fixtures/{core,camtl}/…` from the repository, on 127.0.0.1. The page is
 * opened as http://localhost:PORT: a secure context, where navigator.gpu exists.
 */
export async function startServer(bundleDir: string): Promise<StaticServer> {
  const roots: Record<string, string> = {
    wasm: wasmFolder(),
    'fixtures/core': join(REPO_ROOT, FIXTURE_ROOTS.core),
    'fixtures/camtl': join(REPO_ROOT, FIXTURE_ROOTS.camtl),
  };
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: string | Uint8Array, type = 'text/plain; charset=utf-8') => {
      requests.push(`${req.method} ${req.url} ${status}`);
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET only');
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (path === '/' || path === '/index.html') return send(200, INDEX, MIME['.html']);
      let file: string | undefined;
      if (path === '/parity.js' || path === '/parity.js.map') file = join(bundleDir, path.slice(1));
      for (const [prefix, dir] of Object.entries(roots)) {
        if (!path.startsWith(`/${prefix}/`)) continue;
        const candidate = normalize(join(dir, path.slice(prefix.length + 2)));
        if (candidate.startsWith(dir + sep)) file = candidate;
      }
      if (!file || !(await stat(file).catch(() => undefined))?.isFile()) return send(404, `not found: ${path}`);
      return send(200, await readFile(file), MIME[extname(file)] ?? 'application/octet-stream');
    } catch (e) {
      return send(500, String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BrowserRun {
  report: PageReport;
  /** Problems seen while it ran: page errors, console errors, failed requests. */
  problems: string[];
  /** Attempts needed (a crashed or empty run is retried once). */
  attempts: number;
  chromiumVersion: string;
}

/** Launches Chromium, runs the suite in the page, and returns its report. Retries once on a crash or an empty run. */
export async function runInChromium(
  executablePath: string,
  url: string,
  options: PageOptions,
  log: (line: string) => void,
): Promise<BrowserRun> {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const problems: string[] = [];
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath,
        headless: false,
        ignoreDefaultArgs: ['--headless'],
        args: CHROMIUM_ARGS,
        timeout: 60_000,
      });
      const version = browser.version();
      let died: (reason: string) => void = () => {};
      const death = new Promise<never>((_, reject) => (died = (reason) => reject(new Error(reason))));
      death.catch(() => {});
      browser.on('disconnected', () => died('the browser disconnected'));
      const page: Page = await browser.newPage();
      page.on('crash', () => died('the page crashed'));
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        const text = m.text();
        if (text.startsWith('[parity page]')) log(text.slice('[parity page] '.length));
        else if (m.type() === 'error') problems.push(`console error: ${text}`);
        else if (m.type() === 'warning') log(`page warning: ${text}`);
      });
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      await Promise.race([page.goto(url, { waitUntil: 'load', timeout: 60_000 }), death]);
      await Promise.race([
        page.waitForFunction(() => 'camtlParity' in globalThis, undefined, { timeout: 60_000 }),
        death,
      ]);
      const report = await Promise.race([
        page.evaluate(
          (o) =>
            (globalThis as unknown as { camtlParity: { run(o: unknown): Promise<PageReport> } }).camtlParity.run(o),
          options,
        ),
        death,
      ]);
      if (!report || !Array.isArray(report.results) || report.results.length === 0) {
        throw new Error(`the page returned no results (${JSON.stringify(report)?.slice(0, 200)})`);
      }
      return { report, problems, attempts: attempt, chromiumVersion: version };
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      failures.push(`attempt ${attempt}: ${why}${problems.length ? ` [${problems.join('; ')}]` : ''}`);
      log(`chromium run failed: ${failures.at(-1)}${attempt === 1 ? '; retrying once' : ''}`);
    } finally {
      await browser?.close().catch(() => {});
    }
  }
  throw new Error(`Chromium parity run failed twice: ${failures.join(' | ')}`);
}

export async function removeBundle(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
