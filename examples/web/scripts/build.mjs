#!/usr/bin/env node
// Builds the demo into dist/:
//   index.html, style.css, app.js (+ chunks/, one per lazily loaded tfjs backend), bundled by esbuild;
//   wasm/   the tfjs-backend-wasm binaries, for setWasmPaths;
//   model/  the built-in default checkpoint (config.json, model.safetensors, vocab.txt,
//           tokenizer_config.json), its provenance (camtl-web.json) and manifest (files.json).
//
// The default checkpoint is camtl's built-in default (`camtl train`: a tiny BERT-shaped
// CA-MTL on the synthetic suite, from scratch), trained here for CAMTL_WEB_TRAIN_STEPS
// steps (default 200, about a minute on 2 cores) with seed 0 — deterministic. With
// CAMTL_WEB_TRAIN_STEPS=0 it is the same model randomly initialised (instant). The result
// is kept in .cache/ keyed by the steps and the built packages, so rebuilds reuse it.
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = fileURLToPath(new URL('..', import.meta.url));
const dist = join(here, 'dist');
const cacheDir = join(here, '.cache', 'default-model');
const require = createRequire(join(here, 'package.json'));
const STEPS = Number(process.env.CAMTL_WEB_TRAIN_STEPS ?? 200);
const SEED = 0;
const MODEL_FILES = ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json', 'camtl-web.json'];

const log = (msg) => console.log(`[example-web] ${msg}`);
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));

async function cacheKey() {
  const h = createHash('sha256');
  h.update(JSON.stringify({ steps: STEPS, seed: SEED, v: 1 }));
  for (const name of [
    '@camtl/core',
    '@camtl/ca-mtl',
    '@camtl/synthetic',
    '@camtl/sampler',
    '@camtl/cli',
    '@camtl/tasks-glue',
  ]) {
    h.update(name);
    h.update(await readFile(join(pkgDir(name), 'dist', 'index.js')));
  }
  return h.digest('hex').slice(0, 16);
}

function lastRecord(jsonl, type) {
  const lines = jsonl
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return lines.reverse().find((r) => r.type === type);
}

async function trainDefault(out) {
  const { main, nodeFileSystem, selectBackend } = await import('@camtl/cli');
  const run = join(here, '.cache', 'default-run');
  await rm(run, { recursive: true, force: true });
  if (STEPS > 0) {
    const args = ['train', '--output', run, '--max-steps', String(STEPS), '--seed', String(SEED)];
    log(`training the default model: camtl ${args.join(' ').replace(run, '<run>')}`);
    let stdout = '';
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => process.stderr.write(t) });
    if (code !== 0) throw new Error(`camtl train exited ${code}`);
    process.stdout.write(
      stdout
        .split('\n')
        .filter((l) => l && !/^(report|finished)/.test(l))
        .map((l) => `  ${l}`)
        .join('\n') + '\n',
    );
    const end = lastRecord(await readFile(join(run, 'train.jsonl'), 'utf8'), 'end');
    const average = end?.final?.average ?? null;
    await mkdir(out, { recursive: true });
    for (const f of MODEL_FILES.slice(0, 4)) await cp(join(run, 'model', f), join(out, f));
    return {
      kind: 'trained',
      steps: STEPS,
      seed: SEED,
      command: `camtl train --max-steps ${STEPS} --seed ${SEED}`,
      dev: { average, scores: end?.final?.scores ?? {} },
      note:
        `The built-in default: camtl's tiny CA-MTL (2 layers, hidden 64) trained from scratch on the synthetic suite for ${STEPS} steps when this page was built ` +
        `(camtl train --max-steps ${STEPS} --seed ${SEED}; the full default run is longer)` +
        (average === null ? '.' : `; dev average ${average.toFixed(3)}.`) +
        ' A quick demo model, not a good one: fine-tune it below to improve it.',
    };
  }
  log('writing the default model with random weights (CAMTL_WEB_TRAIN_STEPS=0)');
  const { createCaMtl, saveCaMtl } = await import('@camtl/ca-mtl');
  const syn = await import('@camtl/synthetic');
  await selectBackend('auto');
  const definitions = syn.syntheticTaskDefinitions();
  const { model } = await createCaMtl({
    bertConfig: { ...syn.DEFAULT_MODEL_CONFIG },
    tasks: definitions.map((t) => t.name),
    numLabels: definitions.map((t) => t.numLabels),
    maxSeqLength: syn.DEFAULT_TRAINING.maxSeqLength,
    seed: SEED,
  });
  const fs = nodeFileSystem();
  await saveCaMtl(model, out, fs);
  await writeFile(join(out, 'vocab.txt'), syn.buildVocab());
  await writeFile(join(out, 'tokenizer_config.json'), JSON.stringify({ do_lower_case: true }) + '\n');
  return {
    kind: 'random',
    steps: 0,
    seed: SEED,
    command: 'createCaMtl (random init)',
    note: "The built-in default, untrained: camtl's tiny CA-MTL (2 layers, hidden 64) with random weights and the synthetic suite's vocabulary. Its predictions are noise until you fine-tune it below.",
  };
}

async function defaultModel() {
  const key = await cacheKey();
  const cached = join(cacheDir, key);
  if (MODEL_FILES.every((f) => existsSync(join(cached, f)))) {
    log(`default model: reusing .cache/default-model/${key}`);
    return cached;
  }
  await rm(cacheDir, { recursive: true, force: true });
  const started = Date.now();
  const provenance = await trainDefault(cached);
  const suite = await import('@camtl/synthetic');
  await writeFile(
    join(cached, 'camtl-web.json'),
    JSON.stringify({ ...provenance, suiteVersion: suite.SUITE_VERSION }, null, 2) + '\n',
  );
  await rm(join(here, '.cache', 'default-run'), { recursive: true, force: true });
  log(`default model ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return cached;
}

async function bundle() {
  const result = await esbuild.build({
    entryPoints: { app: join(here, 'src', 'main.ts') },
    outdir: dist,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Guarded `globalThis.process?.env` reads stay as they are; nothing else needs Node.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([f]) => f.endsWith('.js'))
    .map(([f, o]) => [f.replace(/^.*dist\//, ''), o.bytes]);
  const total = sizes.reduce((a, [, b]) => a + b, 0);
  log(
    `bundled ${sizes.length} scripts, ${(total / 1024).toFixed(0)} KB: ${sizes.map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KB`).join(', ')}`,
  );
}

async function main() {
  const started = Date.now();
  const modelDir = await defaultModel();
  await rm(dist, { recursive: true, force: true });
  await mkdir(join(dist, 'wasm'), { recursive: true });
  await mkdir(join(dist, 'model'), { recursive: true });
  await bundle();
  for (const f of ['index.html', 'style.css']) await cp(join(here, 'src', f), join(dist, f));
  const { WASM_FILES, manifestFor, MANIFEST_FILE } = await import('@camtl/backend-web');
  const wasmDir = join(pkgDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  for (const f of WASM_FILES) await cp(join(wasmDir, f), join(dist, 'wasm', f));
  const files = {};
  for (const f of MODEL_FILES) {
    files[f] = await readFile(join(modelDir, f));
    await writeFile(join(dist, 'model', f), files[f]);
  }
  await writeFile(join(dist, 'model', MANIFEST_FILE), JSON.stringify(await manifestFor(files), null, 2) + '\n');
  log(`dist/ ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${(await readdir(dist)).join(', ')}`);
}

main().then(
  () => process.exit(0), // tfjs keeps Node alive otherwise
  (e) => {
    console.error(`[example-web] build failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
