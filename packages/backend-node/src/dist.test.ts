// The built package from plain Node, ESM and CJS: vitest runs the sources
// through vite, which hides problems only the built dist has (resolution of
// the .wasm folder, import() of the optional packages from the CJS build).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeSystem } from './system';
import { SWIFTSHADER_ICD } from './webgpu';
import { resolveWasmThreads } from './wasm-threads';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = { esm: join(pkg, 'dist', 'index.js'), cjs: join(pkg, 'dist', 'index.cjs') };
const built = existsSync(dist.esm) && existsSync(dist.cjs);
if (!built) console.warn('[dist tests skipped] dist/ is not built: run `pnpm build` first');

const webgpuReady =
  nodeSystem().findLibrary('libvulkan.so.1') !== undefined &&
  (!!process.env.VK_ICD_FILENAMES || existsSync(SWIFTSHADER_ICD)) &&
  existsSync(join(pkg, 'node_modules', 'webgpu'));
if (built && !webgpuReady)
  console.warn('[dist webgpu tests skipped] needs libvulkan1, Chromium (SwiftShader) and the webgpu package');

function run(format: 'esm' | 'cjs', prefer: string): { summary: string; backend: string; product: string } {
  const load =
    format === 'esm'
      ? `const m = await import(${JSON.stringify(dist.esm)});`
      : `const m = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(dist.cjs)});`;
  const script = `${load}
    const r = await m.useNodeBackend({ prefer: ${JSON.stringify(prefer)} });
    const tf = (await import('node:module')).createRequire(${JSON.stringify(dist.cjs)})('@tensorflow/tfjs-core');
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const g = tf.grad((x) => tf.sum(tf.matMul(x, x, true, false)))(a);
    const product = Array.from(await tf.matMul(a, a, false, true).data()).join(',') + ' grad ' + Array.from(await g.data()).join(',');
    console.log(JSON.stringify({ summary: r.summary, backend: tf.getBackend(), product }));
    process.exit(0);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: pkg,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/**
 * A script with two wasm threads, in real ESM or real CJS, that ends without
 * process.exit: the pool's workers must not keep Node alive.
 */
function runThreaded(format: 'esm' | 'cjs', env: Record<string, string> = {}) {
  const body = `
    const r = await m.useNodeBackend({ prefer: 'wasm', wasmThreads: 2 });
    const tf = req('@tensorflow/tfjs-core');
    const threads = req('@tensorflow/tfjs-backend-wasm').getThreadsCount();
    const a = tf.tensor2d(Array.from({ length: 2048 * 256 }, (_, i) => Math.sin(i)), [2048, 256]);
    const b = tf.tensor2d(Array.from({ length: 256 * 1024 }, (_, i) => Math.cos(i)), [256, 1024]);
    const sum = (await tf.sum(tf.matMul(a, b)).data())[0];
    console.log(JSON.stringify({ summary: r.summary, notes: r.notes, threads, sum }));`;
  const script =
    format === 'esm'
      ? `import { createRequire } from 'node:module';
         const m = await import(${JSON.stringify(dist.esm)});
         const req = createRequire(${JSON.stringify(dist.esm)});
         ${body}`
      : `const m = require(${JSON.stringify(dist.cjs)});
         const req = require('node:module').createRequire(${JSON.stringify(dist.cjs)});
         (async () => { ${body} })();`;
  const started = Date.now();
  const out = execFileSync(
    process.execPath,
    [`--input-type=${format === 'esm' ? 'module' : 'commonjs'}`, '-e', script],
    {
      cwd: pkg,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    summary: string;
    notes: string[];
    threads: number;
    sum: number;
  };
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

describe.skipIf(!built)('dist from plain Node', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`${format}: auto → wasm, with the one-line summary and working gradients`, () => {
      const r = run(format, 'auto');
      const n = resolveWasmThreads(process.env.CAMTL_WASM_THREADS ?? 'auto');
      expect(r.summary).toBe(
        `backend wasm (SIMD, ${n} thread${n === 1 ? '' : 's'}); skipped cuda: @tensorflow/tfjs-node-gpu not installed (npm i @tensorflow/tfjs-node-gpu); tensorflow: @tensorflow/tfjs-node not installed (npm i @tensorflow/tfjs-node)`,
      );
      expect(r.backend).toBe('wasm');
      expect(r.product).toBe('5,11,11,25 grad 6,6,14,14');
    });

    it(`${format}: wasmThreads 2 runs two threads, and the script exits by itself`, () => {
      const r = runThreaded(format);
      expect(r.threads).toBe(2);
      expect(r.summary).toBe('backend wasm (SIMD, 2 threads)');
      expect(r.notes).toContain("wasm threads: 2 (tfjs's threaded SIMD build, workers started from a file)");
      expect(Number.isFinite(r.sum)).toBe(true);
      expect(r.seconds).toBeLessThan(60);
    });

    it(`${format}: if the threaded build cannot start, wasm runs on one thread and says why`, () => {
      const missing = join(pkg, 'no-such-tmp-dir');
      const r = runThreaded(format, { TMPDIR: missing });
      expect(r.threads).toBe(1);
      expect(r.summary).toMatch(
        /^backend wasm \(SIMD, 1 thread\); wasm threads: 2 requested, running 1: ENOENT: no such file or directory, mkdtemp /,
      );
      expect(r.sum).toBe(runThreaded(format).sum);
    });

    it.skipIf(!webgpuReady)(`${format}: webgpu through Dawn`, () => {
      const r = run(format, 'webgpu');
      expect(r.summary).toMatch(/^backend webgpu \(/);
      expect(r.backend).toBe('webgpu');
      expect(r.product).toBe('5,11,11,25 grad 6,6,14,14');
    });
  }
});
