// A user's program, run by scripts/pack-check.mjs in a fresh project that
// installed the packed tarballs of @camtl/core, attention, hypernet-adapters,
// sampler and tasks-glue, plus its own @tensorflow/tfjs-core and
// tfjs-backend-cpu. It composes a custom multi-task model from the plug-ins
// (no CA-MTL preset): BERT from core with conditional attention from
// @camtl/attention, conditional LayerNorms fed by a task embedding from
// @camtl/hypernet-adapters, core's per-task heads and multi-task loss. It reads
// two tasks from TSV files it writes (SST-2 with @camtl/tasks-glue's GLUE
// reader, a regression task with defineTask), draws batches with
// MT-Uncertainty from @camtl/sampler, trains two steps with AdamW, saves a
// safetensors checkpoint, reloads it into a fresh model and checks that the
// predictions are identical. Prints one JSON line; exits 1 on any failure.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdamW,
  BertDefinition,
  BertTokenizer,
  MultiTaskModelBase,
  Rng,
  bertLayer,
  bytesSource,
  collate,
  disposeBatch,
  encodeExamples,
  evalContext,
  headLayout,
  headSpecs,
  layerNormModule,
  loadHfCheckpoint,
  mount,
  multiTaskBert,
  multiTaskConfigToJson,
  multiTaskObjective,
  parseBertConfig,
  saveHfCheckpoint,
  storeFromSpecs,
  trainContext,
  useBackend,
} from '@camtl/core';
import { conditionalAttention } from '@camtl/attention';
import {
  conditionalLayerNorm,
  taskEmbedding,
  taskEmbeddingSpecs,
  taskTransformation,
  taskTransformationSpecs,
} from '@camtl/hypernet-adapters';
import { mtUncertainty } from '@camtl/sampler';
import { defineTask, resolveTask } from '@camtl/tasks-glue';

const MAX_LEN = 32;

/** camtl's FileSystem interface over node:fs (what @camtl/backend-node's nodeFileSystem does, in brief). */
function nodeFs() {
  const exists = (p) =>
    stat(p).then(
      () => true,
      () => false,
    );
  return {
    exists,
    readFile: async (p) => new Uint8Array(await readFile(p)),
    readText: (p) => readFile(p, 'utf8'),
    open: async (p) => bytesSource(new Uint8Array(await readFile(p)), p),
    async writeFileAtomic(p, data) {
      await writeFile(`${p}.tmp`, data);
      await rename(`${p}.tmp`, p);
    },
    mkdirp: (p) => mkdir(p, { recursive: true }).then(() => undefined),
    appendText: (p, text) => appendFile(p, text),
    rename: (from, to) => rename(from, to),
    remove: (p) => rm(p, { recursive: true, force: true }),
    list: (dir) => readdir(dir).catch(() => []),
    join: (...parts) => path.join(...parts),
  };
}

/** Two tiny tasks in their files: GLUE's SST-2 layout, and a TSV of our own. */
async function writeData(dir) {
  const sst = [
    ['a gripping and moving film', 1],
    ['dull , flat and far too long', 0],
    ['the cast is wonderful', 1],
    ['a tedious mess', 0],
    ['funny , warm and smart', 1],
    ['nothing works here', 0],
  ];
  const sim = [
    ['a man plays a guitar', 'a man plays music', 4.2],
    ['a cat sleeps', 'the stock market fell', 0.1],
    ['kids run in a park', 'children are running outside', 4.6],
    ['a woman cooks rice', 'a man rides a horse', 0.4],
    ['the film was long', 'the movie was lengthy', 4.8],
  ];
  await mkdir(path.join(dir, 'SST-2'), { recursive: true });
  await mkdir(path.join(dir, 'sim'), { recursive: true });
  await writeFile(path.join(dir, 'SST-2/train.tsv'), `sentence\tlabel\n${sst.map((r) => r.join('\t')).join('\n')}\n`);
  await writeFile(path.join(dir, 'sim/train.tsv'), `a\tb\tscore\n${sim.map((r) => r.join('\t')).join('\n')}\n`);
}

/** A word-level WordPiece vocabulary of the examples (no pretrained tokenizer here). */
function vocabOf(examples) {
  const words = new Set();
  for (const ex of examples)
    for (const w of `${ex.textA} ${ex.textB ?? ''}`.toLowerCase().match(/[a-z]+|[^\sa-z]/g) ?? []) words.add(w);
  return ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...[...words].sort()].join('\n');
}

/** The custom encoder: every layer's attention conditional, its output LayerNorm conditioned on the task. */
class ComposedDefinition {
  constructor(config) {
    this.config = config;
    const { hiddenSize: H, numHiddenLayers, initializerRange } = config.bert;
    const T = config.tasks.length;
    this.bert = new BertDefinition(config.bert, {
      classifier: false,
      layer: (i, c) =>
        bertLayer(c, {
          attention: conditionalAttention({
            hiddenSize: H,
            numHeads: c.numAttentionHeads,
            attentionDropout: c.attentionProbsDropoutProb,
            initializerRange,
            layerIndex: i,
            maxSeqLength: config.maxSeqLength,
          }),
          attentionNorm: layerNormModule(H, c.layerNormEps),
          outputNorm: conditionalLayerNorm({ hiddenSize: H, conditionSize: H, eps: c.layerNormEps }),
        }),
      extraSpecs: [...mount('bert', taskEmbeddingSpecs(T, H)), ...mount('bert.encoder', taskTransformationSpecs(H))],
    });
    this.heads = headLayout(config.numLabelsPerTask);
    this.layers = numHiddenLayers;
  }

  specs() {
    const { bert, numLabelsPerTask } = this.config;
    return [...this.bert.specs(), ...headSpecs(numLabelsPerTask, bert.hiddenSize, bert.initializerRange)];
  }

  forward(root, batch, ctx) {
    // z′ = W_t E[task] + b_t, one row per example: what the conditional modules read from the context.
    const z = taskTransformation(root.at('bert.encoder'), taskEmbedding(root.at('bert'), batch.taskIds));
    const inner = { ...ctx, taskIds: batch.taskIds, taskEmbedding: z };
    const out = this.bert.forward(root, batch, inner);
    const encoded = { sequence: out.lastHiddenState, pooled: out.pooledOutput };
    return multiTaskObjective(root, encoded, batch, this.heads, { headDropout: 0.1 }, ctx);
  }
}

/** A MultiTaskModel (what core's Trainer and the samplers take) over the composed definition. */
class ComposedModel extends MultiTaskModelBase {
  static create(config, seed) {
    const definition = new ComposedDefinition(config);
    return new ComposedModel(definition, storeFromSpecs(definition.specs(), undefined, { seed }).store);
  }

  static async load(dir, fs) {
    const ckpt = await loadHfCheckpoint(dir, fs);
    const c = ckpt.config;
    const config = {
      bert: parseBertConfig(c),
      tasks: c.tasks,
      numLabelsPerTask: c.num_labels_per_task,
      maxSeqLength: c.max_seq_length,
      options: {},
    };
    const definition = new ComposedDefinition(config);
    return new ComposedModel(definition, storeFromSpecs(definition.specs(), ckpt, { strict: true }).store);
  }

  forward(batch, ctx = evalContext()) {
    return this.definition.forward(this.store.view(), batch, ctx);
  }

  async save(dir, fs) {
    const config = multiTaskConfigToJson(this.config, { camtl_model: 'consumer-composed' });
    await saveHfCheckpoint(dir, { config, tensors: await this.store.toTensors() }, fs);
  }
}

function variance(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
}

async function predict(model, rows) {
  const batch = collate(rows);
  const logits = tf.tidy(() => model.forward(batch, evalContext()).logits);
  const values = await logits.data();
  tf.dispose(logits);
  disposeBatch(batch);
  return Array.from(values);
}

/** Two AdamW steps on MT-Uncertainty's batches; `tf.variableGrads` output goes straight into AdamW. */
async function train(model, rows, tasks) {
  const sampler = mtUncertainty()({
    tasks: tasks.map((t, i) => ({
      name: t.name,
      size: rows[i].length,
      kind: t.kind,
      targetVariance: t.kind === 'regression' ? variance(rows[i].map((r) => r.target)) : undefined,
    })),
    batchSize: 4,
    seed: 0,
    epochs: 1,
    model,
    train: rows,
    padTo: 'longest',
  });
  const optimizer = new AdamW(model.store.trainable(), { lr: 1e-3, weightDecay: 0.01 });
  const vars = [...model.store.trainable().values()];
  const losses = [];
  for (let step = 0; step < 2; step++) {
    const draws = await sampler.next({ step, epoch: 1 });
    const batch = collate(
      draws.map((d) => rows[d.task][d.index]),
      { labels: true },
    );
    const rng = new Rng(step + 1);
    const { value, grads } = tf.variableGrads(() => model.forward(batch, trainContext(rng)).loss, vars);
    optimizer.step(grads);
    losses.push((await value.data())[0]);
    tf.dispose([value, ...Object.values(grads)]);
    disposeBatch(batch);
  }
  sampler.dispose?.();
  optimizer.dispose?.();
  return losses;
}

async function main() {
  await useBackend('cpu'); // camtl's kernel patches for it; core registers the gradients it needs
  const work = await mkdtemp(path.join(tmpdir(), 'camtl-consumer-'));
  const fs = nodeFs();
  try {
    await writeData(work);
    const tasks = [
      resolveTask('sst-2'),
      defineTask({
        name: 'similarity',
        kind: 'regression',
        format: 'tsv',
        files: { train: 'sim/train.tsv' },
        columns: { textA: 'a', textB: 'b', label: 'score' },
      }),
    ];
    const examples = await Promise.all(tasks.map(async (t) => (await t.read(work, 'train', fs)).examples));
    const tokenizer = BertTokenizer.fromVocab(vocabOf(examples.flat()));
    const rows = tasks.map((t, i) => encodeExamples(tokenizer, examples[i], t, i, MAX_LEN));
    const bertConfig = {
      vocab_size: tokenizer.vocabSize,
      hidden_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 64,
      max_position_embeddings: 64,
    };
    const config = {
      bert: parseBertConfig(bertConfig),
      tasks: tasks.map((t) => t.name),
      numLabelsPerTask: tasks.map((t) => t.numLabels),
      maxSeqLength: MAX_LEN,
      options: {},
    };
    const model = ComposedModel.create(config, 7);
    const params = model.store.size;
    const losses = await train(model, rows, tasks);
    const allRows = rows.flat();
    const before = await predict(model, allRows);
    const dir = path.join(work, 'model');
    await model.save(dir, fs);
    const reloaded = await ComposedModel.load(dir, fs);
    const after = await predict(reloaded, allRows);
    const maxDiff = Math.max(...before.map((v, i) => Math.abs(v - after[i])));

    // The ready-made baseline with the same heads and loss: shared BERT + per-task heads.
    const baseline = multiTaskBert({
      bertConfig,
      tasks: config.tasks,
      numLabels: config.numLabelsPerTask,
      maxSeqLength: MAX_LEN,
      seed: 1,
    });
    const probe = collate(allRows, { labels: true });
    const baselineLoss = tf.tidy(() => baseline.forward(probe, evalContext()).loss.dataSync()[0]);
    disposeBatch(probe);
    for (const m of [model, reloaded, baseline]) m.dispose();

    const summary = {
      tfjs: tf.version_core,
      backend: tf.getBackend(),
      params,
      losses: losses.map((l) => Number(l.toFixed(5))),
      predictions: before.length,
      max_abs_diff_after_reload: maxDiff,
      baseline_loss: Number(baselineLoss.toFixed(5)),
      tensors_left: tf.memory().numTensors,
    };
    console.log(JSON.stringify(summary));
    const ok = losses.every(Number.isFinite) && maxDiff === 0 && Number.isFinite(baselineLoss);
    if (!ok) throw new Error(`consumer: checks failed: ${JSON.stringify(summary)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
