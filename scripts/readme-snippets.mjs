// `node scripts/readme-snippets.mjs` (part of `pnpm test`; needs the packages
// built): every ```ts block of a package README that follows the line
// `<!-- readme-snippet: runnable -->` is type-checked (tsc, strict) and run
// (Node), as a user's file next to that package: its imports resolve to the
// package itself and its dependencies. A snippet passes when tsc reports
// nothing and Node exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MARKER = /<!--\s*readme-snippet:\s*runnable\s*-->\s*\n\s*```ts\n([\s\S]*?)\n```/g;
// --all: every ```ts block, marked or not (to find snippets that could be marked).
const ANY = /```ts\n([\s\S]*?)\n```/g;
const pattern = process.argv.includes('--all') ? ANY : MARKER;
const DIR = '.readme-snippets'; // inside the package folder, git-ignored, removed afterwards

function snippets() {
  const found = [];
  for (const name of readdirSync(path.join(root, 'packages'))) {
    const readme = path.join(root, 'packages', name, 'README.md');
    if (!existsSync(readme)) continue;
    const text = readFileSync(readme, 'utf8');
    for (const m of text.matchAll(pattern)) {
      // The README line of the snippet's first line of code.
      const line = text.slice(0, m.index + m[0].indexOf(m[1])).split('\n').length;
      found.push({ pkg: name, line, code: m[1], file: path.join(root, 'packages', name, DIR, `line-${line}.ts`) });
    }
  }
  return found;
}

function typecheck(list) {
  const config = path.join(root, 'packages', DIR + '.tsconfig.json');
  const compilerOptions = {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules/@types')],
  };
  writeFileSync(config, JSON.stringify({ compilerOptions, files: list.map((s) => s.file) }));
  try {
    const r = spawnSync(path.join(root, 'node_modules/.bin/tsc'), ['-p', config], { cwd: root, encoding: 'utf8' });
    return r.status === 0 ? '' : (r.stdout + r.stderr).trim();
  } finally {
    rmSync(config, { force: true });
  }
}

function runOne(s) {
  const js = ts.transpileModule(s.code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
  }).outputText;
  const file = s.file.replace(/\.ts$/, '.mjs');
  writeFileSync(file, js);
  const r = spawnSync(process.execPath, [file], { cwd: path.dirname(file), encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim(), last: r.stdout.trim().split('\n').pop() };
}

const list = snippets();
const dirs = [...new Set(list.map((s) => path.dirname(s.file)))];
let failed = 0;
try {
  for (const d of dirs) mkdirSync(d, { recursive: true });
  for (const s of list) writeFileSync(s.file, s.code);
  const errors = typecheck(list);
  if (errors) {
    failed++;
    const where = (_, pkg, first, row, col) => `packages/${pkg}/README.md:${Number(first) + Number(row) - 1}:${col}`;
    console.log(
      `FAIL tsc:\n${errors.replace(/packages\/([^/]+)\/\.readme-snippets\/line-(\d+)\.ts\((\d+),(\d+)\)/g, where)}`,
    );
  }
  for (const s of list) {
    const r = runOne(s);
    const where = `packages/${s.pkg}/README.md:${s.line}`;
    if (r.ok) console.log(`ok   ${where}${r.last ? ` — ${r.last}` : ''}`);
    else {
      failed++;
      console.log(`FAIL ${where}\n${r.out.split('\n').slice(-12).join('\n')}`);
    }
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
console.log(`readme-snippets: ${list.length} snippets, ${failed ? `${failed} failure(s)` : 'all type-check and run'}`);
if (failed > 0) process.exitCode = 1;
