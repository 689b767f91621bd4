import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE_MARKER, countOccurrences, isCamtlFile, judge, measureBundle, splitBuiltins } from './bundle';

const base = {
  name: 'x',
  entry: '',
  bytes: 1000,
  gzip_bytes: 400,
  budget_bytes: 2000,
  tfjs_engines: 1,
  tfjs_core_packages: ['node_modules/@tensorflow/tfjs-core'],
  camtl_node_builtins: [],
  other_node_builtins: [],
};

describe('bundle checks', () => {
  it('counts engine markers', () => {
    expect(countOccurrences(`a${ENGINE_MARKER}b${ENGINE_MARKER}`, ENGINE_MARKER)).toBe(2);
    expect(countOccurrences('nothing', ENGINE_MARKER)).toBe(0);
  });

  it("tells camtl's files from the others", () => {
    expect(isCamtlFile('packages/core/dist/index.js')).toBe(true);
    expect(isCamtlFile('node_modules/@camtl/core/dist/index.js')).toBe(true);
    expect(isCamtlFile('node_modules/.pnpm/seedrandom@3.0.5/node_modules/seedrandom/seedrandom.js')).toBe(false);
    const split = splitBuiltins([
      { importer: 'packages/core/dist/a.js', module: 'node:fs' },
      { importer: 'node_modules/x/index.js', module: 'crypto' },
    ]);
    expect(split).toEqual({
      camtl: ['packages/core/dist/a.js → node:fs'],
      other: ['node_modules/x/index.js → crypto'],
    });
  });

  it('judges budget, engines and built-ins', () => {
    const c = { name: 'x', entry: '', budgetBytes: 2000, needsEngine: true };
    expect(judge(c, base)).toEqual([]);
    expect(judge(c, { ...base, bytes: 2001 })[0]).toMatch(/over the budget of 2000/);
    expect(judge(c, { ...base, tfjs_engines: 2 })[0]).toMatch(/2 tfjs-core engines \(expected exactly 1\)/);
    expect(judge({ ...c, needsEngine: false }, { ...base, tfjs_engines: 0 })).toEqual([]);
    expect(judge(c, { ...base, camtl_node_builtins: ['packages/a/dist/i.js → fs'] })[0]).toMatch(/Node built-ins/);
  });
});

describe('measureBundle', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'camtl-bundle-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reports a Node built-in that camtl's dist imports, and none mapped away by a browser field", async () => {
    const pkg = path.join(root, 'packages/fake/dist');
    const lib = path.join(root, 'bench/node_modules/lib');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(lib, { recursive: true });
    writeFileSync(
      path.join(pkg, 'index.js'),
      "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
    );
    writeFileSync(
      path.join(lib, 'package.json'),
      JSON.stringify({ name: 'lib', main: 'i.js', browser: { util: false } }),
    );
    writeFileSync(path.join(lib, 'i.js'), "export const u = typeof require === 'function' ? require('util') : null;\n");
    mkdirSync(path.join(root, 'bench'), { recursive: true });
    const entry = `export { f } from '../packages/fake/dist/index.js';\nexport { u } from 'lib';`;
    const r = await measureBundle(
      { name: 't', entry, budgetBytes: 10_000, needsEngine: false },
      path.join(root, 'bench'),
    );
    expect(r.camtl_node_builtins).toEqual(['packages/fake/dist/index.js → node:fs']);
    expect(r.other_node_builtins).toEqual([]);
    expect(r.ok).toBe(false);
  });
});
