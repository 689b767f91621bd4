import {
  CamtlError,
  Trainer,
  type FileSystem,
  type SamplerFactory,
  type TrainResult,
  type TrainerOptions,
} from '@camtl/core';
import { CaMtlModel, createMultiTaskModel, type CamtlMultiTaskModel } from '@camtl/ca-mtl';
import { DEFAULT_MODEL_CONFIG } from '@camtl/synthetic';
import { parseLog, renderReport, summaryTable } from '@camtl/report';
import type { CliIO } from '../args';
import { selectBackend } from '../backend';
import { nodeFileSystem } from '@camtl/backend-node';
import { splitSummaryLine, trainProgress } from '../progress';
import type { TrainConfig } from './config';
import { prepareData, prepareTokenizer, readSplits, type DataSource, type PreparedSplits } from './data';
import { trainSampler } from './replay';
import { isCaMtlCheckpoint, loadCaMtlForTraining, withDropout } from './start-model';
import { saveTokenizer, writeRunInfo } from './run-info';
import { runSelection } from './select-by';

/** The model `cfg.architecture` names (CA-MTL by default), from `--model` (a BERT or a CA-MTL checkpoint) or from scratch. */
async function createModel(
  cfg: TrainConfig,
  source: DataSource,
  fs: FileSystem,
  vocabSize: number,
): Promise<{ model: CamtlMultiTaskModel; created: string[] }> {
  if (cfg.model && (await isCaMtlCheckpoint(cfg.model, fs))) {
    const tasks = source.tasks.map((t) => t.name);
    const model = await loadCaMtlForTraining(cfg.model, { tasks, maxSeqLength: cfg.maxSeqLength }, fs);
    if (cfg.freeze) model.freeze(cfg.freeze, { fixQuirk: cfg.fixQuirk });
    return { model: withDropout(model, cfg.dropout), created: [] };
  }
  const { model, report } = await createMultiTaskModel({
    architecture: cfg.architecture,
    lossWeighting: cfg.lossWeighting,
    base: cfg.model,
    bertConfig: cfg.model ? undefined : scratchConfig(cfg, vocabSize),
    fs,
    tasks: source.tasks.map((t) => t.name),
    numLabels: source.tasks.map((t) => t.numLabels),
    taskKinds: source.tasks.map((t) => t.kind),
    variant: cfg.variant,
    maxSeqLength: cfg.maxSeqLength,
    options: cfg.caMtl,
    freeze: cfg.freeze,
    freezeOptions: { fixQuirk: cfg.fixQuirk },
    seed: cfg.seed,
  });
  if (report.unexpected.length > 0) {
    throw new CamtlError(
      'MISSING_KEYS',
      `${cfg.model}: ${report.unexpected.length} tensor(s) fit no ${modelName(cfg)} parameter, e.g. ${report.unexpected[0]}`,
    );
  }
  // core's loader already refuses a BERT missing one of its own weights: what it created is new parts only.
  return { model: withDropout(model, cfg.dropout), created: cfg.model ? report.initialized : [] };
}

/** "N tensor(s) …: a.layer.N.x, b": the new parameters grouped (layer and task numbers as N, no weight/bias). */
export function describeNew(names: readonly string[]): string {
  const group = (n: string) => n.replace(/\.\d+(?=\.|$)/g, '.N').replace(/\.(weight|bias)$/, '');
  const groups = [...new Set(names.map(group))];
  const shown = groups.slice(0, 8).join(', ') + (groups.length > 8 ? `, … (${groups.length} groups)` : '');
  return `${names.length} tensor(s), random init: ${shown}`;
}

/** The small BERT of a run from scratch: the synthetic suite's, sized to the tokenizer and the longest input. */
function scratchConfig(cfg: TrainConfig, vocabSize: number): Record<string, unknown> {
  if (cfg.tokenizerDir === undefined) return { ...DEFAULT_MODEL_CONFIG };
  const positions = Math.max(DEFAULT_MODEL_CONFIG.max_position_embeddings, cfg.maxSeqLength);
  return { ...DEFAULT_MODEL_CONFIG, vocab_size: vocabSize, max_position_embeddings: positions };
}

/** How the run names its model: CA-MTL-base/large, MTL-BERT or Hyperformer++, with the loss weighting if not equal. */
function modelName(cfg: TrainConfig, model?: CamtlMultiTaskModel): string {
  // A CA-MTL checkpoint names its own variant.
  const variant = model instanceof CaMtlModel ? model.config.variant : cfg.variant;
  const names = { 'ca-mtl': `CA-MTL-${variant}`, 'mtl-bert': 'MTL-BERT', hyperformer: 'Hyperformer++' };
  const name = names[cfg.architecture ?? 'ca-mtl'];
  return cfg.lossWeighting === 'uncertainty' ? `${name} (uncertainty loss weighting)` : name;
}

/** Ctrl-C stops at the next step boundary with a checkpoint; a second Ctrl-C aborts. */
function interruptible(io: CliIO): { signal: { stopped: boolean }; release: () => void } {
  const signal = { stopped: false };
  const onSigint = () => {
    if (signal.stopped) process.exit(130);
    signal.stopped = true;
    io.stderr('\nstopping after this step, with a checkpoint (Ctrl-C again to abort)…\n');
  };
  process.on('SIGINT', onSigint);
  return { signal, release: () => process.off('SIGINT', onSigint) };
}

/** " without a, b" for an ablated model (the start line names what was removed). */
const ablation = (model: CamtlMultiTaskModel) => {
  const without = model instanceof CaMtlModel ? (model.config.options.without ?? []) : [];
  return without.length > 0 ? ` without ${without.join(', ')}` : '';
};

function describeStart(
  cfg: TrainConfig,
  source: DataSource,
  model: CamtlMultiTaskModel,
  backend: string,
  splits: Awaited<ReturnType<typeof readSplits>>,
  io: CliIO,
): void {
  const s = model.summary();
  const origin = cfg.model
    ? `from ${cfg.model}`
    : cfg.tokenizerDir
      ? `from scratch with the tokenizer of ${cfg.tokenizerDir} (random init: expect scores near chance on real tasks)`
      : `from scratch (no pretrained weights: the built-in default trains a tiny BERT-shaped ${modelName(cfg)} from random init)`;
  io.stderr(`camtl train: ${source.kind === 'synthetic' ? 'built-in synthetic suite' : source.dir} on ${backend}\n`);
  io.stderr(
    `  model: ${modelName(cfg, model)}${ablation(model)} ${origin}; ${s.total.toLocaleString('en-US')} parameters, ${s.trainable.toLocaleString('en-US')} trainable\n`,
  );
  if (cfg.dataFraction < 1)
    io.stderr(`  data fraction: ${cfg.dataFraction} of each train split (seeded subset, seed ${cfg.seed})\n`);
  for (const row of splits.summary) io.stderr(`${splitSummaryLine(row)}\n`);
}

/**
 * The built-in default's model is tiny (H 64): a second wasm thread costs more
 * in synchronisation than it computes, so it runs on one unless
 * CAMTL_WASM_THREADS says otherwise. Real models keep 'auto' (2 threads).
 */
function backendOptions(cfg: TrainConfig): { wasmThreads?: number } {
  return !cfg.model && process.env.CAMTL_WASM_THREADS === undefined ? { wasmThreads: 1 } : {};
}

interface Prepared {
  source: DataSource;
  splits: PreparedSplits;
  model: CamtlMultiTaskModel;
  backend: string;
  fs: FileSystem;
  sampler: SamplerFactory;
}

/** What the log's "run" record says about the model and the data, besides the trainer's own fields. */
function runInfo(cfg: TrainConfig, { source, model, backend }: Prepared): Record<string, unknown> {
  const { total, trainable } = model.summary();
  return {
    backend,
    model: {
      name: modelName(cfg, model),
      architecture: cfg.architecture ?? 'ca-mtl',
      lossWeighting: cfg.lossWeighting ?? 'equal',
      without: model instanceof CaMtlModel ? (model.config.options.without ?? []) : [],
      from: cfg.model ?? 'scratch',
      parameters: total,
      trainableParameters: trainable,
    },
    config: {
      preset: cfg.preset ?? 'none',
      maxSeqLength: cfg.maxSeqLength,
      freeze:
        cfg.architecture === 'hyperformer' ? 'BERT except LayerNorms' : cfg.freeze ? cfg.freeze.join('-') : 'none',
      fixQuirk: cfg.fixQuirk,
      options: cfg.caMtl,
      sampler: { name: cfg.sampler, ...cfg.samplerOptions },
      truncation: cfg.truncation,
      dataFraction: cfg.dataFraction,
      data: source.kind === 'synthetic' ? 'synthetic suite' : source.dir,
    },
  };
}

/** The Trainer's options: the resolved recipe (maxSeqLength went into tokenization and the model) and the run's. */
function trainerOptions(cfg: TrainConfig, p: Prepared, signal: { stopped: boolean }, io: CliIO): TrainerOptions {
  const { epochs, batchSize, learningRate, warmupRatio, weightDecay, maxGradNorm, gradientAccumulation, seed } = cfg;
  return {
    ...{ epochs, batchSize, learningRate, warmupRatio, weightDecay, maxGradNorm, gradientAccumulation, seed },
    ...cfg.trainer,
    model: p.model,
    tasks: p.source.tasks,
    train: p.splits.train,
    dev: p.splits.dev,
    outputDir: cfg.output,
    fs: p.fs,
    sampler: p.sampler,
    maxSteps: cfg.maxSteps,
    padding: cfg.padding === 'max' ? cfg.maxSeqLength : 'longest',
    evalEvery: cfg.evalEvery,
    saveEvery: cfg.saveEvery,
    earlyStoppingPatience: cfg.earlyStopping,
    selectBy: runSelection(p.source.tasks, cfg.selectBy),
    resume: cfg.resume,
    stopSignal: signal,
    onProgress: trainProgress(io),
    runInfo: runInfo(cfg, p),
  };
}

/** report.html, the final table and what to do next. */
async function finish(cfg: TrainConfig, result: TrainResult, fs: FileSystem, io: CliIO): Promise<void> {
  const records = parseLog(await fs.readText(fs.join(cfg.output, 'train.jsonl')));
  const reportFile = fs.join(cfg.output, 'report.html');
  await fs.writeFileAtomic(reportFile, renderReport(records, { title: `camtl run ${cfg.output}` }));
  io.stdout(summaryTable(records) + '\n');
  const ended = result.reason === 'interrupted' ? 'interrupted at' : 'finished after';
  io.stdout(`\n${ended} step ${result.steps}; best model: ${result.modelDir}\nreport: ${reportFile}\n`);
  if (result.reason === 'interrupted') io.stdout(`resume with: camtl train --resume --output ${cfg.output}\n`);
}

/** `camtl train`: data → model → Trainer → report.html and the final table. */
export async function runTraining(cfg: TrainConfig, io: CliIO): Promise<number> {
  const fs = nodeFileSystem();
  const report = await selectBackend(cfg.backend, backendOptions(cfg));
  io.stderr(`${report.summary}\n`);
  await fs.mkdirp(cfg.output);
  const source = await prepareData(cfg, fs);
  const tokenizer = await prepareTokenizer(source, cfg.model, fs, cfg.tokenizerDir);
  const splits = await readSplits(source, tokenizer, cfg, fs);
  const sampler = await trainSampler(cfg, fs); // before the model: a bad schedule fails fast
  const { model, created } = await createModel(cfg, source, fs, tokenizer.vocabSize);
  describeStart(cfg, source, model, report.backend, splits, io);
  if (created.length > 0) io.stderr(`  new parameters: ${describeNew(created)}\n`);
  await writeRunInfo(cfg, source, fs);
  const { signal, release } = interruptible(io);
  try {
    const prepared = { source, splits, model, backend: report.backend, fs, sampler };
    const result = await new Trainer(trainerOptions(cfg, prepared, signal, io)).run();
    await saveTokenizer(source, cfg, result.modelDir, fs);
    await finish(cfg, result, fs, io);
    // Stopped by Ctrl-C, checkpoint written: the shell's convention for SIGINT.
    return result.reason === 'interrupted' ? 130 : 0;
  } finally {
    release();
    model.dispose();
  }
}
