// Fails when the committed API reference (docs/api/) differs from what
// `pnpm run docs` generates from the current sources: run `pnpm run docs` and commit.
// Needs the packages built (TypeDoc reads the other packages' d.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const committed = path.join(root, 'docs/api');

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

const out = mkdtempSync(path.join(tmpdir(), 'camtl-docs-'));
try {
  const typedoc = path.join(root, 'node_modules/.bin/typedoc');
  execFileSync(typedoc, ['--out', out, '--logLevel', 'Warn'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const fresh = listFiles(out).sort();
  const old = listFiles(committed).sort();
  const stale = [
    ...fresh.filter(
      (f) => !old.includes(f) || !readFileSync(path.join(out, f)).equals(readFileSync(path.join(committed, f))),
    ),
    ...old.filter((f) => !fresh.includes(f)),
  ];
  if (stale.length > 0) {
    console.error(`docs-check: docs/api is out of date (${stale.join(', ')}); run \`pnpm docs\` and commit docs/api`);
    process.exitCode = 1;
  } else {
    console.log(`docs-check: docs/api is up to date (${fresh.length} files)`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
