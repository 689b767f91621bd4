// Library-level check of camtl against the PyTorch reference trainer, without the CLI:
// loads the fixture's CA-MTL checkpoint with every dropout at 0 (head dropout too), feeds
// the schedule's batches and prints camtl's step losses next to the reference's.
//
//   node tools/reference-trainer/camtl-harness.mjs FIXTURE_DIR [trainer|contract] [cpu|wasm] [EXPECTED.json]
//
// EXPECTED.json defaults to FIXTURE_DIR/expected-losses.json (reference_trainer.py --output).
//
// trainer:  core's Trainer with a sampler that replays the schedule (what camtl does today:
//           every head gets a gradient, zero for an absent task, and AdamW steps it).
// contract: the issue-10 contract by hand: the gradients of absent tasks' heads are dropped
//           and AdamW runs with missingGrads 'zeroIfSeen' (never seen ⇒ untouched; seen ⇒ zero
//           gradient), lr from the same schedule, clipping 1.0.
// Run after `pnpm -s build` (it imports the built packages).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const imp = (p) => import(join(root, 'packages', p, 'dist/index.js'));
const core = await imp('core');
const { loadCaMtl } = await imp('ca-mtl');
const { resolveTask } = await imp('tasks-glue');
const { nodeFileSystem, useNodeBackend } = await imp('backend-node');
// The very tfjs-core instance core uses (resolved from core's package, as core resolves it).
const tf = await import(createRequire(join(root, 'packages/core/package.json')).resolve('@tensorflow/tfjs-core'));

const [fixture, mode = 'contract', backend = 'cpu', expectedFile] = process.argv.slice(2);
await useNodeBackend({ prefer: backend });
const read = (f) => readFileSync(join(fixture, f), 'utf8');
const rowsJson = JSON.parse(read('rows.json'));
const schedule = read('schedule.jsonl')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l).rows);
const expected = JSON.parse(expectedFile ? readFileSync(expectedFile, 'utf8') : read('expected-losses.json'));
const S = expected.settings;

/** The fixture model with hidden, attention and head dropout at 0 (what --dropout 0 promises). */
async function loadModel() {
  const config = JSON.parse(read('model/config.json'));
  Object.assign(config, { hidden_dropout_prob: 0, attention_probs_dropout_prob: 0, camtl_options: { headDropout: 0 } });
  const fs = core.memoryFileSystem({
    'm/config.json': JSON.stringify(config),
    'm/model.safetensors': readFileSync(join(fixture, 'model/model.safetensors')),
  });
  return (await loadCaMtl('m', fs)).model;
}

const taskNames = Object.keys(rowsJson);
const train = taskNames.map((name, t) =>
  rowsJson[name].map((r) => {
    const n = r.attention_mask.reduce((a, b) => a + b, 0);
    return { ids: r.input_ids.slice(0, n), typeIds: r.token_type_ids.slice(0, n), task: t, target: r.label };
  }),
);
const draws = schedule.map((rows) => rows.map((r) => ({ task: taskNames.indexOf(r.task), index: r.index })));

async function viaTrainer(model) {
  const out = mkdtempSync(join(tmpdir(), 'camtl-harness-'));
  let i = 0;
  const replay = () => ({
    specificationVersion: 'v1',
    kind: 'replay-list',
    epochLength: () => draws.length,
    next: async () => draws[i++],
    usage: () => ({ overall: 0, perTask: taskNames.map(() => 0) }),
    getState: async () => ({ i }),
    setState: async (s) => void (i = s.i),
  });
  const trainer = new core.Trainer({
    model,
    tasks: taskNames.map((n) => resolveTask(n)),
    train,
    dev: [],
    sampler: replay,
    outputDir: out,
    fs: nodeFileSystem(),
    learningRate: S.lr,
    warmupRatio: S.warmup,
    weightDecay: S.weight_decay,
    maxGradNorm: S.max_grad_norm,
    batchSize: draws[0].length,
    epochs: 1,
    padding: 32,
  });
  await trainer.run();
  const steps = readFileSync(join(out, 'train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'step');
  rmSync(out, { recursive: true });
  return steps.map((r) => ({ loss: r.loss, lr: r.lr }));
}

/** Names of each task's own parameters: its head (what MultiTaskModel.taskParameters will give). */
const headParams = (t) => [`decoders.${t}.model.weight`, `decoders.${t}.model.bias`];

async function viaContract(model) {
  const vars = model.store.trainable();
  const names = new Map([...vars].map(([n, v]) => [v.name, n]));
  const opt = new core.AdamW(vars, { weightDecay: S.weight_decay, eps: S.adam_epsilon, missingGrads: 'zeroIfSeen' });
  const total = draws.length;
  const warmupSteps = core.warmupStepsFromRatio(total, S.warmup);
  const records = [];
  for (const [k, batchDraws] of draws.entries()) {
    const lr = core.lrAt(k, { baseLr: S.lr, warmupSteps, totalSteps: total, decay: 'linear' });
    const batch = core.collate(
      batchDraws.map((d) => train[d.task][d.index]),
      { padTo: 32, labels: true },
    );
    const { value, grads } = tf.variableGrads(
      () => model.forward(batch, core.trainContext(new core.Rng(0))).loss,
      [...vars.values()],
    );
    core.disposeBatch(batch);
    const present = new Set(batchDraws.map((d) => d.task));
    const named = new Map(Object.entries(grads).map(([k2, g]) => [names.get(k2), g]));
    for (let t = 0; t < taskNames.length; t++)
      if (!present.has(t))
        for (const n of headParams(t)) {
          named.get(n).dispose();
          named.delete(n);
        }
    const { grads: clipped, norm } = core.clipByGlobalNorm(named, S.max_grad_norm);
    opt.step(clipped, lr);
    records.push({ loss: (await value.data())[0], lr, gradNorm: (await norm.data())[0] });
    tf.dispose([value, norm, ...named.values(), ...clipped.values()]);
  }
  opt.dispose();
  return records;
}

const model = await loadModel();
const ours = mode === 'trainer' ? await viaTrainer(model) : await viaContract(model);
model.dispose();
let worst = 0;
for (const [k, ref] of expected.steps.entries()) {
  const rel = Math.abs(ours[k].loss - ref.loss) / Math.abs(ref.loss);
  worst = Math.max(worst, rel);
  const lrOk = Math.abs(ours[k].lr - ref.lr) <= 1e-12 ? 'lr ok' : `lr ${ours[k].lr} vs ${ref.lr}`;
  console.log(
    `step ${k + 1}: camtl ${ours[k].loss.toFixed(9)} torch ${ref.loss.toFixed(9)} rel ${rel.toExponential(2)} ${lrOk}`,
  );
}
console.log(`${mode} on ${backend}: max relative deviation ${worst.toExponential(2)}`);
