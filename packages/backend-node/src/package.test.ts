// The native and GPU packages are optional peers: `npm i` / `pnpm add @camtl/backend-node`
// installs none of them (no libtensorflow download, no Dawn binaries, no ignored builds),
// and the reason a backend was skipped names the one command that adds each.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { classifyLoadError, installCommand, installHint } from './loader';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, unknown> | undefined
>;
const NATIVE = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'];
// Used only when webgpu is asked for: optional too, so a project on another tfjs version needs not match it.
const OPTIONAL = [...NATIVE, '@tensorflow/tfjs-backend-webgpu'];

it('lists tfjs-node, tfjs-node-gpu, webgpu (and tfjs-backend-webgpu) as optional peer dependencies only', () => {
  expect(pkg.optionalDependencies).toBeUndefined();
  for (const name of OPTIONAL) {
    expect(pkg.dependencies?.[name]).toBeUndefined();
    expect(pkg.peerDependencies?.[name]).toBeDefined();
    expect(pkg.peerDependenciesMeta?.[name]).toEqual({ optional: true });
  }
  // tfjs itself is a peer too (one engine per process), with a range.
  expect(pkg.dependencies?.['@tensorflow/tfjs-core']).toBeUndefined();
  expect(pkg.peerDependencies?.['@tensorflow/tfjs-core']).toMatch(/^>=4\.\d+\.\d+ <5$/);
});

it('says the one command that adds a missing package, in the reason and in the hint', () => {
  for (const name of OPTIONAL) {
    const missing = Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    const f = classifyLoadError(name, missing);
    expect(installCommand(name)).toBe(`npm i ${name}`);
    expect(f.reason).toBe(`${name} not installed (npm i ${name})`);
    expect(f.hint).toContain(`add it: npm i ${name} `);
    expect(installHint(name)).toBe(f.hint);
  }
});
