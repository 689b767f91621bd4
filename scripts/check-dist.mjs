// Imports every built package from plain Node, as ESM and as CJS, in fresh
// processes. A vitest run on the sources hides broken dist/ builds (e.g.
// tfjs-core gradients that only a bundler can register), so CI runs this too.
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

for (const dir of readdirSync(packagesDir)) {
  const pkgDir = join(packagesDir, dir);
  const pkgFile = join(pkgDir, 'package.json');
  if (!existsSync(pkgFile)) continue;
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (pkg.private) continue;
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
