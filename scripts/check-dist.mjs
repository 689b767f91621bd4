// Imports every built package from plain Node, as ESM and as CJS, in fresh
// processes. A vitest run on the sources hides broken dist/ builds (e.g.
// tfjs-core gradients that only a bundler can register), so CI runs this too.
// It also fails when a dist/ inlines tfjs (a second engine beside the user's),
// and checks that core's ESM and CJS builds share one registry.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const packagesDir = join(root, 'packages');
let failed = 0;

function run(cwd, args, label) {
  try {
    const out = execFileSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    console.log(`ok   ${label}${out.toString().trim() ? ` — ${out.toString().trim().split('\n').pop()}` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${label}\n${e.stderr?.toString() ?? e.message}`);
  }
}

// A smoke test per package: import it and, where there is maths, take a gradient.
const smoke = {
  '@camtl/ca-mtl': (load) => `${load}
    await import('@tensorflow/tfjs-backend-cpu');
    const tf = await import('@tensorflow/tfjs-core');
    tf.enableProdMode();
    await tf.setBackend('cpu');
    const bertConfig = { vocab_size: 20, hidden_size: 8, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 16 };
    const { model } = await m.createCaMtl({ bertConfig, tasks: ['a', 'b'], numLabels: [2, 1], maxSeqLength: 8, seed: 1 });
    const inputs = { inputIds: tf.tensor2d([[2, 5, 7, 3], [2, 9, 3, 0]], [2, 4], 'int32'), taskIds: tf.tensor1d([0, 1], 'int32'), labels: tf.tensor1d([1, 0.5]) };
    const { value, grads } = tf.variableGrads(() => model.forward(inputs).loss, [...model.store.trainable().values()]);
    console.log('loss', value.dataSync()[0].toFixed(4), 'grads', Object.keys(grads).length);`,
  '@camtl/cli': (load) => `${load}
    let out = '';
    const code = await m.main(['forward'], { stdout: (t) => (out += t), stderr: (t) => process.stderr.write(t) });
    if (code !== 0 || !/logits \\[4,3\\]/.test(out)) throw new Error('camtl forward failed: exit ' + code);
    console.log('camtl forward ok');`,
  '@camtl/core': (load) => `${load}
    await import('@tensorflow/tfjs-backend-cpu');
    const tf = await import('@tensorflow/tfjs-core');
    tf.enableProdMode();
    await m.useBackend('cpu');
    const config = m.parseBertConfig({ vocab_size: 20, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 16, num_labels: 2 });
    const model = m.BertModel.create(config, { seed: 1 });
    const ids = tf.tensor2d([[2, 5, 7, 3]], [1, 4], 'int32');
    const { value, grads } = tf.variableGrads(() => model.forward({ inputIds: ids, labels: tf.tensor1d([1], 'int32') }).loss, [...model.store.trainable().values()]);
    if (Object.keys(grads).length !== model.store.size) throw new Error('missing gradients');
    console.log('loss', value.dataSync()[0].toFixed(4), 'grads', Object.keys(grads).length);`,
};

// tfjs is a peer dependency: a dist/ that carries its source (esbuild's
// "// node_modules/…/@tensorflow…" module comments, the engine's registries, or a
// deep import of tfjs-core/dist/ that plain Node cannot resolve) fails.
const INLINED_TFJS = [
  /^\/\/ .*node_modules\/(\.pnpm\/)?@tensorflow[+/]/m,
  /getGlobal\(["'](kernelRegistry|gradRegistry)["']/,
  /Cannot compute gradient: gradient function not found/,
  /["']@tensorflow\/tfjs-[a-z-]+\/dist\//,
];

function distFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? distFiles(join(dir, e.name)) : /\.(c|m)?js$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function checkNotInlined(pkgDir, name) {
  const hits = [];
  for (const file of distFiles(join(pkgDir, 'dist'))) {
    const text = readFileSync(file, 'utf8');
    for (const re of INLINED_TFJS) if (re.test(text)) hits.push(`${file.slice(pkgDir.length + 1)}: ${re}`);
  }
  if (hits.length) {
    failed++;
    console.log(`FAIL ${name} dist/ inlines tfjs (keep it external; it is a peer dependency):\n  ${hits.join('\n  ')}`);
  } else {
    console.log(`ok   ${name} dist/ inlines no tfjs`);
  }
}

// core's ESM and CJS builds in one process: one kernel-patch registry, one set of gradients.
function checkSharedRegistry(pkgDir) {
  const body = `
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)('./dist/index.cjs');
    const esm = await import('./dist/index.js');
    await import('@tensorflow/tfjs-backend-cpu');
    const tf = await import('@tensorflow/tfjs-core');
    cjs.registerKernelPatch({ kernelName: 'Acosh', backendName: 'check-dist', reason: 'test', make: (s) => s });
    const seen = esm.listKernelPatches('check-dist').length;
    if (seen !== 1) throw new Error('a kernel patch registered through the CJS build is not seen by the ESM build');
    if (esm.listKernelPatches().length !== cjs.listKernelPatches().length) throw new Error('the builds list different patches');
    cjs.registerGradients();
    const before = tf.getGradient('Add');
    esm.registerGradients();
    if (!before || tf.getGradient('Add') !== before) throw new Error('the ESM build replaced the gradients the CJS build registered');
    console.log('CJS and ESM share ' + esm.listKernelPatches().length + ' kernel patches');`;
  run(pkgDir, ['--input-type=module', '-e', body], '@camtl/core ESM + CJS in one process');
}

for (const dir of readdirSync(packagesDir)) {
  const pkgDir = join(packagesDir, dir);
  const pkgFile = join(pkgDir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (pkg.private) continue;
  checkNotInlined(pkgDir, pkg.name);
  if (pkg.name === '@camtl/core') checkSharedRegistry(pkgDir);
  const esm = join(pkgDir, pkg.exports['.'].import.default);
  const cjs = join(pkgDir, pkg.exports['.'].require.default);
  const body = smoke[pkg.name] ?? ((load) => `${load} console.log(Object.keys(m).length + ' exports');`);
  run(
    pkgDir,
    ['--input-type=module', '-e', body(`const m = await import(${JSON.stringify(esm)});`)],
    `${pkg.name} ESM`,
  );
  run(
    pkgDir,
    [
      '--input-type=module',
      '-e',
      body(
        `const { createRequire } = await import('node:module'); const m = createRequire(import.meta.url)(${JSON.stringify(cjs)});`,
      ),
    ],
    `${pkg.name} CJS`,
  );
  // Subpath entries (@camtl/core/testing: ESM only) load from plain Node too.
  for (const [sub, entry] of Object.entries(pkg.exports)) {
    if (sub === '.' || !entry.import) continue;
    const file = JSON.stringify(join(pkgDir, entry.import.default));
    const body = `const m = await import(${file}); console.log(Object.keys(m).length + ' exports');`;
    run(pkgDir, ['--input-type=module', '-e', body], `${pkg.name}${sub.slice(1)} ESM`);
  }
}
if (failed) {
  console.log(`${failed} dist check(s) failed`);
  process.exit(1);
}
