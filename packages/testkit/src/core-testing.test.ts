// @camtl/core/testing must run on the same instance of core as @camtl/core
// (one kernel-patch and backend registry), else a plug-in's tests would set
// state in one copy and check it in another. Checked at run time and in the
// built dist/ layout.
import * as tf from '@tensorflow/tfjs-core';
import { isKernelPatched, listKernelPatches, registerKernelPatch } from '@camtl/core';
import { describeEachBackend, TEST_BACKENDS } from '@camtl/core/testing';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

// A no-op patch (Abs exists on every backend), registered through @camtl/core:
// describeEachBackend applies it only if it reads the same registry.
for (const backendName of TEST_BACKENDS) {
  registerKernelPatch({
    kernelName: 'Abs',
    backendName,
    reason: 'testkit: one instance of core',
    make: (stock) => ({ ...stock! }),
  });
}

describeEachBackend('@camtl/core/testing shares @camtl/core', (backend) => {
  it('applies the patches registered through @camtl/core', () => {
    expect(tf.getBackend()).toBe(backend);
    expect(listKernelPatches(backend).map((p) => p.kernelName)).toContain('Abs');
    expect(isKernelPatched('Abs', backend)).toBe(true);
  });
});

const coreDist = join(dirname(createRequire(import.meta.url).resolve('@camtl/core/package.json')), 'dist');
const localImports = (file: string) =>
  [...readFileSync(join(coreDist, file), 'utf8').matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) =>
    join(dirname(file), m[1]),
  );

describe('the built @camtl/core', () => {
  it('builds the testing entry as ESM only, on the same module files as the main entry', () => {
    // The ESM build is one file per module plus shared chunks: the kernel-patch
    // registry must be emitted once, and reached from both entries.
    const closure = (entry: string) => {
      const seen = new Set<string>();
      const visit = (f: string) => seen.has(f) || (seen.add(f), localImports(f).forEach(visit));
      visit(entry);
      return seen;
    };
    const main = closure('index.js');
    const testing = closure('testing/index.js');
    const registry = [...main].filter((f) =>
      readFileSync(join(coreDist, f), 'utf8').includes('function patchRegistry('),
    );
    expect(registry).toHaveLength(1);
    expect(testing.has(registry[0])).toBe(true);
    expect(existsSync(join(coreDist, 'testing', 'index.cjs'))).toBe(false);
  });

  it('keeps vitest and the test backends out of the main entry', () => {
    for (const file of ['index.js', 'index.cjs', ...localImports('index.js')]) {
      expect(readFileSync(join(coreDist, file), 'utf8'), file).not.toMatch(
        /from "vitest"|import "@tensorflow\/tfjs-backend-/,
      );
    }
  });
});
