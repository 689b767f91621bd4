// Helpers of scripts/pack-check.mjs: running tools, fresh projects installed
// from tarballs with npm or pnpm, and counting the tfjs-core copies they hold.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TFJS_CORE = '@tensorflow/tfjs-core';

/**
 * Runs a command; resolves { code, out, seconds } (stdout and stderr together),
 * never rejects. A command still running after `timeoutS` is killed (exit 124).
 */
export function run(cmd, args, cwd, env = {}, timeoutS = 600) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      out += `\n(killed after ${timeoutS} s)`;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const done = (code) => {
      clearTimeout(timer);
      resolve({ code, out, seconds: (performance.now() - started) / 1000 });
    };
    child.on('error', (e) => {
      out += String(e);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? (signal === 'SIGKILL' ? 124 : 1)));
  });
}

/** The last lines of a tool's output, indented, for a failure message. */
export function tail(out, lines = 15) {
  const all = out
    .replace(/\x1b\[[0-9;]*m/g, '')
    .trimEnd()
    .split('\n');
  return all
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Runs async jobs at most `limit` at a time, keeping their order in the results. */
export async function pool(items, limit, job) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// A user's install: no audit or funding notes, no update check, the cache first.
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const NPM_ENV = { npm_config_update_notifier: 'false' };
// CI=1 makes pnpm freeze the (absent) lockfile; a fresh project resolves.
const PNPM_FLAGS = ['--prefer-offline', '--no-frozen-lockfile', '--reporter=append-only'];

/**
 * A fresh project in `dir` whose package.json is `pkg`; every @camtl package
 * resolves to its tarball (they are not on the registry) through npm's
 * `overrides` and pnpm's `overrides` in pnpm-workspace.yaml.
 */
export function writeProject(dir, pkg, tarballs, manager) {
  mkdirSync(dir, { recursive: true });
  const overrides = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  const json = manager === 'npm' ? { ...pkg, overrides } : pkg;
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(json, null, 2)}\n`);
  if (manager === 'pnpm') {
    const lines = Object.entries(overrides).map(([name, spec]) => `  "${name}": "${spec}"`);
    writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), `overrides:\n${lines.join('\n')}\n`);
  }
}

export function install(dir, manager) {
  return manager === 'npm'
    ? run('npm', ['install', ...NPM_FLAGS], dir, NPM_ENV)
    : run('pnpm', ['install', ...PNPM_FLAGS], dir);
}

/** Every installed copy of a package under `dir` (npm nests conflicting versions; pnpm keeps them in .pnpm). */
export function installedCopies(dir, name, manager) {
  if (manager === 'pnpm') {
    const store = path.join(dir, 'node_modules/.pnpm');
    const prefix = `${name.replace('/', '+')}@`;
    return existsSync(store) ? readdirSync(store).filter((d) => d.startsWith(prefix)) : [];
  }
  const found = [];
  const walk = (modules, depth) => {
    if (depth > 8 || !existsSync(modules)) return;
    const own = path.join(modules, name, 'package.json');
    if (existsSync(own)) found.push(JSON.parse(readFileSync(own, 'utf8')).version);
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@')
        ? readdirSync(path.join(modules, entry)).map((e) => `${entry}/${e}`)
        : [entry];
      for (const p of scoped) walk(path.join(modules, p, 'node_modules'), depth + 1);
    }
  };
  walk(path.join(dir, 'node_modules'), 0);
  return found;
}

/** Bytes of the files under `dir` (symlinks not followed): what an install put on disk. */
export function diskBytes(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) total += lstatSync(full).size;
    }
  }
  return total;
}

/** The distinct versions `npm ls --all` shows of a package (what a user checks for duplicates). */
export async function npmLsVersions(dir, name) {
  const r = await run('npm', ['ls', name, '--all', '--json'], dir, NPM_ENV);
  const versions = new Set();
  const walk = (node) => {
    for (const [dep, child] of Object.entries(node?.dependencies ?? {})) {
      if (dep === name && child.version) versions.add(child.version);
      walk(child);
    }
  };
  try {
    walk(JSON.parse(r.out.slice(r.out.indexOf('{'))));
  } catch {
    return { versions: [], error: tail(r.out, 5) };
  }
  return { versions: [...versions].sort() };
}

/** Imports a package from a project as a user's ESM and CJS code would; the failures, if any. */
export async function importCheck(dir, name, formats) {
  const failures = [];
  if (formats.includes('esm')) {
    const esm = await run(process.execPath, ['--input-type=module', '-e', `await import('${name}')`], dir);
    if (esm.code !== 0) failures.push(`import: ${tail(esm.out, 3).trim()}`);
  }
  if (formats.includes('cjs')) {
    const cjs = await run(process.execPath, ['-e', `require('${name}')`], dir);
    if (cjs.code !== 0) failures.push(`require: ${tail(cjs.out, 3).trim()}`);
  }
  return failures;
}

/** A fixed-width table, as the bench prints them. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
