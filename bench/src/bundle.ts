// `bench bundle`: what camtl costs a browser app. esbuild bundles an import of
// the built packages (dist/, as a user's bundler sees them after install) for
// the browser, minified, and the result is measured and checked: its size
// against a budget, no Node built-in imported by camtl's code (a browser has
// none), and one tfjs-core engine (two engines keep two kernel and gradient
// registries, and tensors of one are foreign to the other).
import { builtinModules } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

export interface BundleCase {
  name: string;
  /** The user's module: what it imports from camtl. */
  entry: string;
  /** Minified bytes allowed (see bench/README.md for how each budget was set). */
  budgetBytes: number;
  /** Whether the import needs tfjs (then exactly one engine), or may leave it out (at most one). */
  needsEngine: boolean;
}

/**
 * Budgets: the size measured once @camtl/core's ESM dist became one file per
 * module and stopped inlining tfjs-core (issue 13: 1,040 and 1,206,934 bytes),
 * plus about 25 % headroom (a little more for the tiny minimal import). A
 * change that crosses one is a regression, or a reason to raise the budget on purpose.
 */
export const BUNDLE_CASES: readonly BundleCase[] = [
  { name: 'minimal', entry: "export { Rng } from '@camtl/core';", budgetBytes: 1_500, needsEngine: false },
  {
    name: 'typical',
    entry: "export { BertModel, useBackend } from '@camtl/core';\nexport { useWebBackend } from '@camtl/backend-web';",
    budgetBytes: 1_500_000,
    needsEngine: true,
  },
];

/** A string of tfjs-core's engine (engine.ts, `setBackend`'s error) that each bundled engine holds once. */
export const ENGINE_MARKER = 'The highest priority backend';

export interface BundleResult {
  name: string;
  entry: string;
  bytes: number;
  gzip_bytes: number;
  budget_bytes: number;
  /** Copies of tfjs-core's engine in the output (ENGINE_MARKER occurrences). */
  tfjs_engines: number;
  /** tfjs-core package folders the bundle read files from. */
  tfjs_core_packages: string[];
  /** Node built-ins imported by camtl's own files ("file → module"). */
  camtl_node_builtins: string[];
  /** Node built-ins imported by other packages' files (not an error: reported). */
  other_node_builtins: string[];
  ok: boolean;
  problems: string[];
}

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export function countOccurrences(text: string, marker: string): number {
  let count = 0;
  for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + marker.length)) count++;
  return count;
}

/** camtl's own files: a workspace package's dist, or an installed @camtl package. */
export function isCamtlFile(file: string): boolean {
  return /(^|\/)packages\/[^/]+\/dist\//.test(file) || /node_modules\/@camtl\//.test(file);
}

/**
 * Records the Node built-ins that stay unresolved in a browser build (a
 * package's `browser` field may map one away; those are fine) and keeps them
 * external, so the bundle completes and they can be reported.
 */
export function builtinRecorder(found: { importer: string; module: string }[], cwd: string): Plugin {
  const filter = new RegExp(`^(${NODE_BUILTINS.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`);
  return {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        const { importer, kind, resolveDir } = args;
        const r = await b.resolve(args.path, { importer, kind, resolveDir, pluginData: 'inner' });
        if (r.errors.length === 0 && !r.external) return undefined; // resolved, or mapped away by a `browser` field
        found.push({ importer: path.relative(cwd, importer), module: args.path });
        return { path: args.path, external: true };
      });
    },
  };
}

/** The recorded built-ins, split into camtl's and the others'. */
export function splitBuiltins(found: { importer: string; module: string }[]): { camtl: string[]; other: string[] } {
  const line = (f: { importer: string; module: string }) => `${f.importer} → ${f.module}`;
  return {
    camtl: found.filter((f) => isCamtlFile(f.importer)).map(line),
    other: found.filter((f) => !isCamtlFile(f.importer)).map(line),
  };
}

/** Distinct tfjs-core package folders among the bundle's inputs. */
export function tfjsCorePackages(meta: { inputs: Record<string, unknown> }): string[] {
  const roots = new Set<string>();
  for (const file of Object.keys(meta.inputs)) {
    const m = /^(.*node_modules\/@tensorflow\/tfjs-core)\//.exec(file);
    if (m) roots.add(m[1]);
  }
  return [...roots].sort();
}

/** What is wrong with a measured bundle, if anything. */
export function judge(c: BundleCase, r: Omit<BundleResult, 'ok' | 'problems'>): string[] {
  const problems: string[] = [];
  if (r.bytes > c.budgetBytes) problems.push(`${r.bytes} bytes, over the budget of ${c.budgetBytes}`);
  if (r.camtl_node_builtins.length > 0)
    problems.push(`camtl imports Node built-ins: ${r.camtl_node_builtins.join(', ')}`);
  if (r.tfjs_engines > 1 || (c.needsEngine && r.tfjs_engines !== 1))
    problems.push(`${r.tfjs_engines} tfjs-core engines (expected ${c.needsEngine ? 'exactly 1' : 'at most 1'})`);
  if (r.tfjs_core_packages.length > 1) problems.push(`tfjs-core read from ${r.tfjs_core_packages.length} folders`);
  return problems;
}

/** Bundles one case from `resolveDir` (where the @camtl packages resolve) and measures it. */
export async function measureBundle(c: BundleCase, resolveDir: string): Promise<BundleResult> {
  const cwd = path.resolve(resolveDir, '..');
  const found: { importer: string; module: string }[] = [];
  const out = await build({
    stdin: { contents: c.entry, resolveDir, sourcefile: `${c.name}.js`, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: cwd,
    plugins: [builtinRecorder(found, cwd)],
  });
  const code = out.outputFiles[0].contents;
  const text = new TextDecoder().decode(code);
  const builtins = splitBuiltins(found);
  const measured = {
    name: c.name,
    entry: c.entry,
    bytes: code.byteLength,
    gzip_bytes: gzipSync(code, { level: 9 }).byteLength,
    budget_bytes: c.budgetBytes,
    tfjs_engines: countOccurrences(text, ENGINE_MARKER),
    tfjs_core_packages: tfjsCorePackages(out.metafile),
    camtl_node_builtins: builtins.camtl,
    other_node_builtins: builtins.other,
  };
  const problems = judge(c, measured);
  return { ...measured, ok: problems.length === 0, problems };
}
