// `bench bundle [--json]`: browser bundle sizes of camtl imports, against a budget (exit 1 when over,
// or when a bundle holds a Node built-in of camtl's or more than one tfjs-core engine).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Parsed, Spec } from './args';
import { BUNDLE_CASES, measureBundle, type BundleResult } from './bundle';
import type { Io } from './speed-command';
import { formatTable } from './stats';

export const BUNDLE_OPTIONS: Spec = {
  json: { kind: 'boolean', default: false, help: 'one JSON object per bundle on stdout' },
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function bundleTable(results: readonly BundleResult[]): string {
  return formatTable(
    ['import', 'minified', 'gzip', 'budget', 'tfjs engines', 'camtl node built-ins', 'ok'],
    results.map((r) => [
      r.name,
      kb(r.bytes),
      kb(r.gzip_bytes),
      kb(r.budget_bytes),
      String(r.tfjs_engines),
      String(r.camtl_node_builtins.length),
      r.ok ? 'ok' : 'FAIL',
    ]),
  );
}

/** bench/, where the @camtl packages resolve to their built dist/ (bench/dist/*.js → bench/). */
function benchDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

export async function bundleCommand(o: Parsed, io: Io): Promise<number> {
  const results: BundleResult[] = [];
  for (const c of BUNDLE_CASES) {
    io.log(`bundling ${c.name}: ${c.entry.replaceAll('\n', ' ')}`);
    results.push(await measureBundle(c, benchDir()));
  }
  if (o.json) for (const r of results) io.out(JSON.stringify(r));
  else {
    io.out(bundleTable(results));
    for (const r of results) {
      for (const p of r.problems) io.out(`${r.name}: ${p}`);
      if (r.other_node_builtins.length)
        io.out(`${r.name}: note: other packages import ${r.other_node_builtins.join(', ')}`);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
