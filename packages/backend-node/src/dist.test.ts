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

describe.skipIf(!built)('dist from plain Node', () => {
  for (const format of ['esm', 'cjs'] as const) {
    it(`${format}: auto → wasm, with the one-line summary and working gradients`, () => {
      const r = run(format, 'auto');
      expect(r.summary).toBe(
        'backend wasm (SIMD, 1 thread); skipped cuda: @tensorflow/tfjs-node-gpu not installed; tensorflow: @tensorflow/tfjs-node not installed',
      );
      expect(r.backend).toBe('wasm');
      expect(r.product).toBe('5,11,11,25 grad 6,6,14,14');
    });

    it.skipIf(!webgpuReady)(`${format}: webgpu through Dawn`, () => {
      const r = run(format, 'webgpu');
      expect(r.summary).toMatch(/^backend webgpu \(/);
      expect(r.backend).toBe('webgpu');
      expect(r.product).toBe('5,11,11,25 grad 6,6,14,14');
    });
  }
});
