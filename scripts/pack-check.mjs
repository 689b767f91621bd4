// `node scripts/pack-check.mjs` (the last step of `pnpm test`; needs the
// packages built): every published package as a user gets it.
//  1. `pnpm pack` each one (it rewrites workspace:* to versions), once.
//  2. The tarball holds package.json, README.md, CHANGELOG.md and the repository's LICENSE;
//     `publint --strict` and `attw` (@arethetypeswrong/cli) pass on it.
//  3. Each package installed ALONE in a fresh project, with npm and with pnpm
//     (the other @camtl tarballs it needs come in through overrides, as they
//     are not on the registry), imports as ESM and CJS, and holds at most one
//     copy of @tensorflow/tfjs-core (exactly one when it uses tfjs).
//  4. scripts/consumer: a user's project composing a multi-task model from
//     five packages, at the lowest and the highest tfjs-core of the range
//     core accepts, with `npm ls` showing one tfjs-core.
// Options: --only core,attention (step 3 for these only), --no-consumer.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  TFJS_CORE,
  diskBytes,
  importCheck,
  install,
  installedCopies,
  npmLsVersions,
  pool,
  run,
  table,
  tail,
  writeProject,
} from './pack-check-lib.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const failures = [];
const fail = (what, detail = '') => failures.push(detail ? `${what}\n${detail}` : what);
const ok = (r) => (r ? 'ok' : 'FAIL');
// Native and GPU packages a user adds on purpose (optional peers): a default install must not fetch them.
const NEVER_BY_DEFAULT = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'];

function published() {
  return readdirSync(path.join(root, 'packages'))
    .map((d) => ({ dir: path.join(root, 'packages', d), short: d }))
    .map((p) => ({ ...p, pkg: JSON.parse(readFileSync(path.join(p.dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.pkg.private)
    .map((p) => ({ ...p, name: p.pkg.name }));
}

/** Whether a package (through its @camtl dependencies) needs @tensorflow/tfjs-core. */
function usesTfjs(name, byName) {
  const { pkg } = byName.get(name);
  const deps = { ...pkg.dependencies, ...pkg.peerDependencies };
  return TFJS_CORE in deps || Object.keys(deps).some((d) => byName.has(d) && usesTfjs(d, byName));
}

async function packAll(packages, dest) {
  const tarballs = new Map();
  for (const p of packages) {
    const before = new Set(readdirSync(dest));
    const r = await run('pnpm', ['pack', '--pack-destination', dest], p.dir);
    const made = readdirSync(dest).filter((f) => !before.has(f));
    if (r.code !== 0 || made.length !== 1) throw new Error(`pnpm pack failed in ${p.dir}\n${tail(r.out)}`);
    tarballs.set(p.name, path.join(dest, made[0]));
  }
  return tarballs;
}

/** Files every tarball must hold; LICENSE must be the repository's. */
async function contentsCheck(name, tgz) {
  const list = await run('tar', ['tzf', tgz], root);
  const files = new Set(list.out.split('\n').map((f) => f.trim()));
  const missing = ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/CHANGELOG.md'].filter(
    (f) => !files.has(f),
  );
  const license = await run('tar', ['xzf', tgz, '-O', 'package/LICENSE'], root);
  const same = license.out === readFileSync(path.join(root, 'LICENSE'), 'utf8');
  if (missing.length > 0 || !same)
    fail(
      `${name}: tarball ${missing.length ? `lacks ${missing.join(', ')}` : 'LICENSE differs from the root LICENSE'}`,
    );
  return missing.length === 0 && same;
}

/**
 * attw on the tarball. Entry points without a `require` condition are ESM-only
 * by design (core's ./testing, built on ESM-only vitest): they are checked
 * with attw's esm-only profile, the dual ones with the full (strict) profile.
 */
async function attw(name, pkg, tgz) {
  const esmOnly = Object.entries(pkg.exports ?? {})
    .filter(([k, v]) => k !== './package.json' && typeof v === 'object' && !('require' in v))
    .map(([k]) => k);
  const runs = [[tgz, ...(esmOnly.length ? ['--exclude-entrypoints', ...esmOnly] : [])]];
  if (esmOnly.length) runs.push([tgz, '--entrypoints', ...esmOnly, '--profile', 'esm-only']);
  let good = true;
  for (const args of runs) {
    const r = await run(bin('attw'), [...args, '--format', 'ascii'], root);
    if (r.code !== 0) {
      good = false;
      fail(`${name}: attw ${args.slice(1).join(' ')}`, tail(r.out, 30));
    }
  }
  return good;
}

async function lint(p, tgz) {
  const contents = await contentsCheck(p.name, tgz);
  const publint = await run(bin('publint'), ['--strict', tgz], root);
  if (publint.code !== 0) fail(`${p.name}: publint --strict`, tail(publint.out));
  const types = await attw(p.name, p.pkg, tgz);
  return { contents, publint: publint.code === 0, attw: types };
}

/** The tfjs-core copies of an install (at most one; one when the package uses tfjs), and no native package. */
async function checkInstalled(dir, p, manager, expectTfjs, fail) {
  const copies = installedCopies(dir, TFJS_CORE, manager);
  if (copies.length > 1 || (expectTfjs && copies.length !== 1))
    fail(
      `${p.name}: ${manager} installed ${copies.length} copies of ${TFJS_CORE} (${copies.join(', ')}), expected ${expectTfjs ? 1 : 0}`,
    );
  if (manager === 'npm') {
    const ls = await npmLsVersions(dir, TFJS_CORE);
    if (ls.error || ls.versions.length > 1)
      fail(`${p.name}: npm ls ${TFJS_CORE} --all: ${ls.error ?? ls.versions.join(', ')}`);
  }
  const unwanted = NEVER_BY_DEFAULT.filter((n) => installedCopies(dir, n, manager).length > 0);
  if (unwanted.length > 0) fail(`${p.name}: ${manager} installed ${unwanted.join(', ')}, which only a user should add`);
  return copies.length;
}

/** One package alone in a fresh project: install, import, count tfjs-core. */
async function installAlone(p, manager, tarballs, work, expectTfjs) {
  let problems = 0;
  const failHere = (...args) => {
    problems++;
    fail(...args);
  };
  const dir = path.join(work, `${manager}-${p.short}`);
  const dependencies = { [p.name]: `file:${tarballs.get(p.name)}` };
  writeProject(dir, { name: `alone-${p.short}`, version: '0.0.0', private: true, dependencies }, tarballs, manager);
  const r = await install(dir, manager);
  if (r.code !== 0) {
    fail(`${p.name}: ${manager} install alone failed (exit ${r.code})`, tail(r.out));
    return { ok: false, seconds: r.seconds, copies: '-', mb: '-' };
  }
  const copies = await checkInstalled(dir, p, manager, expectTfjs, failHere);
  const formats = p.pkg.exports?.['.']?.require ? ['esm', 'cjs'] : ['esm'];
  const broken = await importCheck(dir, p.name, formats);
  for (const b of broken) failHere(`${p.name}: after ${manager} install, ${b}`);
  // npm copies every file into node_modules; pnpm hard-links from its store, so only npm's size is telling.
  const mb = manager === 'npm' ? (diskBytes(path.join(dir, 'node_modules')) / 2 ** 20).toFixed(0) : '-';
  return { ok: problems === 0, seconds: r.seconds, copies, mb };
}

/** The lowest and the highest published tfjs-core in the range core accepts. */
async function tfjsVersions(core) {
  const range = core.peerDependencies?.[TFJS_CORE] ?? core.dependencies?.[TFJS_CORE];
  const r = await run('npm', ['view', `${TFJS_CORE}@${range}`, 'version', '--json', '--prefer-offline'], root);
  const list = [JSON.parse(r.out)].flat();
  return { range, versions: [...new Set([list[0], list[list.length - 1]])] };
}

async function consumer(tarballs, work, version) {
  const dir = path.join(work, `consumer-${version}`);
  const template = JSON.parse(readFileSync(path.join(root, 'scripts/consumer/package.json'), 'utf8'));
  const dependencies = Object.fromEntries(
    Object.keys(template.dependencies).map((d) => [d, tarballs.has(d) ? `file:${tarballs.get(d)}` : version]),
  );
  writeProject(dir, { ...template, dependencies }, tarballs, 'npm');
  cpSync(path.join(root, 'scripts/consumer/consumer.mjs'), path.join(dir, 'consumer.mjs'));
  const inst = await install(dir, 'npm');
  if (inst.code !== 0) {
    fail(`consumer (tfjs ${version}): npm install`, tail(inst.out));
    return null;
  }
  const ls = await npmLsVersions(dir, TFJS_CORE);
  if (ls.error || ls.versions.length !== 1 || ls.versions[0] !== version)
    fail(`consumer (tfjs ${version}): npm ls ${TFJS_CORE} --all shows ${ls.error ?? ls.versions.join(', ')}`);
  const r = await run(process.execPath, ['consumer.mjs'], dir, {}, 300);
  const line = r.out.split('\n').find((l) => l.startsWith('{"tfjs"'));
  if (r.code !== 0 || !line) fail(`consumer (tfjs ${version}): exit ${r.code}`, tail(r.out));
  return {
    version,
    install: inst.seconds,
    run: r.seconds,
    copies: ls.versions.join(' ') || '-',
    result: line && JSON.parse(line),
  };
}

function printSummary(lints, installs, consumers, packages) {
  const rows = packages.map((p, i) => {
    const [n, q] = [installs[2 * i], installs[2 * i + 1]];
    const cell = (x) => (x ? `${ok(x.ok)} ${x.seconds.toFixed(1)}s` : 'skipped');
    return [
      p.name,
      lints[i].kb,
      n?.mb ?? '-',
      ok(lints[i].contents),
      ok(lints[i].publint),
      ok(lints[i].attw),
      cell(n),
      cell(q),
      n ? `${n.copies}/${q.copies}` : '-',
    ];
  });
  console.log(
    `\n${table(['package', 'tgz kB', 'npm MB', 'files', 'publint', 'attw', 'npm alone', 'pnpm alone', 'tfjs-core copies npm/pnpm'], rows)}`,
  );
  if (consumers.length === 0) return;
  const crow = (c) => [
    c.version,
    `${c.install.toFixed(1)}s`,
    `${c.run.toFixed(1)}s`,
    c.copies,
    c.result ? c.result.losses.join(' → ') : 'FAIL',
    c.result ? String(c.result.max_abs_diff_after_reload) : 'FAIL',
  ];
  console.log(
    `\n${table(['consumer tfjs-core', 'npm install', 'run', 'npm ls tfjs-core', 'train losses', 'reload max |Δ|'], consumers.filter(Boolean).map(crow))}`,
  );
}

async function main() {
  const argv = process.argv.slice(2);
  const onlyArg =
    argv.find((a) => a.startsWith('--only='))?.slice(7) ??
    (argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined);
  const packages = published();
  const byName = new Map(packages.map((p) => [p.name, p]));
  const started = performance.now();
  const work = mkdtempSync(path.join(tmpdir(), 'camtl-pack-check-'));
  try {
    const tarDir = path.join(work, 'tarballs');
    mkdirSync(tarDir);
    const tarballs = await packAll(packages, tarDir);
    console.log(`packed ${tarballs.size} packages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const lints = await pool(packages, 2, async (p) => ({
      ...(await lint(p, tarballs.get(p.name))),
      kb: Math.round(readFileSync(tarballs.get(p.name)).length / 1024),
    }));
    const only = onlyArg ? new Set(onlyArg.split(',').map((s) => (s.startsWith('@') ? s : `@camtl/${s}`))) : null;
    const jobs = packages.flatMap((p) => ['npm', 'pnpm'].map((m) => ({ p, m })));
    const installs = await pool(jobs, 2, ({ p, m }) =>
      only && !only.has(p.name) ? null : installAlone(p, m, tarballs, work, usesTfjs(p.name, byName)),
    );
    const consumers = [];
    if (!argv.includes('--no-consumer')) {
      const { range, versions } = await tfjsVersions(byName.get('@camtl/core').pkg);
      console.log(`consumer: ${TFJS_CORE} ${range} → ${versions.join(' and ')}`);
      for (const v of versions) consumers.push(await consumer(tarballs, work, v));
    }
    printSummary(lints, installs, consumers, packages);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (failures.length > 0) {
    console.error(
      `\npack-check: ${failures.length} problem(s) in ${seconds} s:\n${failures.map((f) => `- ${f}`).join('\n')}`,
    );
    process.exitCode = 1;
  } else console.log(`\npack-check: all good in ${seconds} s`);
}

await main();
