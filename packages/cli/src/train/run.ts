import { CamtlError, Trainer, type FileSystem, type TrainProgress } from '@camtl/core';
import { createCaMtl, type CaMtlModel } from '@camtl/ca-mtl';
import { createSampler, type SamplerName } from '@camtl/sampler';
import { DEFAULT_MODEL_CONFIG } from '@camtl/synthetic';
import { parseLog, renderReport, summaryTable } from '@camtl/report';
import type { CliIO } from '../args';
import { selectBackend } from '../backend';
import { nodeFileSystem } from '@camtl/backend-node';
import { ProgressBar } from '../progress';
import type { TrainConfig } from './config';
import { prepareData, prepareTokenizer, readSplits, type DataSource } from './data';
import { saveTokenizer, writeRunInfo } from './run-info';

async function createModel(cfg: TrainConfig, source: DataSource, fs: FileSystem): Promise<CaMtlModel> {
  const { model, report } = await createCaMtl({
    base: cfg.model,
    bertConfig: cfg.model ? undefined : { ...DEFAULT_MODEL_CONFIG },
    fs,
    tasks: source.tasks.map((t) => t.name),
    numLabels: source.tasks.map((t) => t.numLabels),
    variant: cfg.variant,
    maxSeqLength: cfg.maxSeqLength,
    freeze: cfg.freeze,
    seed: cfg.seed,
  });
  if (report.unexpected.length > 0) {
    throw new CamtlError(
      'MISSING_KEYS',
      `${cfg.model}: ${report.unexpected.length} tensor(s) fit no CA-MTL parameter, e.g. ${report.unexpected[0]}`,
    );
  }
  return model;
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

function progressReporter(io: CliIO): (p: TrainProgress) => void {
  let bar: ProgressBar | undefined;
  return (p) => {
    bar ??= new ProgressBar({ label: 'train', total: p.totalSteps, stream: process.stderr });
    if (p.phase === 'eval') return io.stderr(process.stderr.isTTY ? '' : `evaluating at step ${p.step}\n`);
    bar.update(p.step, { epoch: String(p.epoch), loss: p.loss.toFixed(4), 'ex/s': p.examplesPerSecond.toFixed(0) });
    if (p.step === p.totalSteps) bar.done();
  };
}

function describeStart(
  cfg: TrainConfig,
  source: DataSource,
  model: CaMtlModel,
  backend: string,
  splits: Awaited<ReturnType<typeof readSplits>>,
  io: CliIO,
): void {
  const s = model.summary();
  const origin = cfg.model
    ? `from ${cfg.model}`
    : 'from scratch (no pretrained weights: the built-in default trains a tiny BERT-shaped CA-MTL from random init)';
  io.stderr(`camtl train: ${source.kind === 'synthetic' ? 'built-in synthetic suite' : source.dir} on ${backend}\n`);
  io.stderr(
    `  model: CA-MTL-${cfg.variant} ${origin}; ${s.total.toLocaleString('en-US')} parameters, ${s.trainable.toLocaleString('en-US')} trainable\n`,
  );
  for (const row of splits.summary)
    io.stderr(
      `  ${row.task} ${row.split}: ${row.count} examples${row.skipped ? `, ${row.skipped} bad rows skipped` : ''}\n`,
    );
}

/**
 * The built-in default's model is tiny (H 64): a second wasm thread costs more
 * in synchronisation than it computes, so it runs on one unless
 * CAMTL_WASM_THREADS says otherwise. Real models keep 'auto' (2 threads).
 */
function backendOptions(cfg: TrainConfig): { wasmThreads?: number } {
  return !cfg.model && process.env.CAMTL_WASM_THREADS === undefined ? { wasmThreads: 1 } : {};
}

/** `camtl train`: data → model → Trainer → report.html and the final table. */
export async function runTraining(cfg: TrainConfig, io: CliIO): Promise<number> {
  const fs = nodeFileSystem();
  const report = await selectBackend(cfg.backend, backendOptions(cfg));
  const backend = report.backend;
  io.stderr(`${report.summary}\n`);
  await fs.mkdirp(cfg.output);
  const source = await prepareData(cfg, fs);
  const tokenizer = await prepareTokenizer(source, cfg.model, fs);
  const splits = await readSplits(source, tokenizer, cfg, fs);
  const model = await createModel(cfg, source, fs);
  describeStart(cfg, source, model, backend, splits, io);
  await writeRunInfo(cfg, source, fs);
  const { signal, release } = interruptible(io);
  try {
    const trainer = new Trainer({
      model,
      tasks: source.tasks,
      train: splits.train,
      dev: splits.dev,
      outputDir: cfg.output,
      fs,
      sampler: createSampler(cfg.sampler as SamplerName),
      learningRate: cfg.learningRate,
      epochs: cfg.epochs,
      maxSteps: cfg.maxSteps,
      batchSize: cfg.batchSize,
      warmupRatio: cfg.warmupRatio,
      weightDecay: cfg.weightDecay,
      maxGradNorm: cfg.maxGradNorm,
      gradientAccumulation: cfg.gradientAccumulation,
      padding: cfg.padding === 'max' ? cfg.maxSeqLength : 'longest',
      evalEvery: cfg.evalEvery,
      saveEvery: cfg.saveEvery,
      earlyStoppingPatience: cfg.earlyStopping,
      seed: cfg.seed,
      resume: cfg.resume,
      stopSignal: signal,
      onProgress: progressReporter(io),
      runInfo: {
        backend,
        model: {
          name: `CA-MTL-${cfg.variant}`,
          from: cfg.model ?? 'scratch',
          parameters: model.summary().total,
          trainableParameters: model.summary().trainable,
        },
        config: {
          maxSeqLength: cfg.maxSeqLength,
          freeze: cfg.freeze ? cfg.freeze.join('-') : 'none',
          data: source.kind === 'synthetic' ? 'synthetic suite' : source.dir,
        },
      },
    });
    const result = await trainer.run();
    await saveTokenizer(source, cfg, result.modelDir, fs);
    const records = parseLog(await fs.readText(fs.join(cfg.output, 'train.jsonl')));
    await fs.writeFileAtomic(
      fs.join(cfg.output, 'report.html'),
      renderReport(records, { title: `camtl run ${cfg.output}` }),
    );
    io.stdout(summaryTable(records) + '\n');
    io.stdout(
      `\n${result.reason === 'interrupted' ? 'interrupted at' : 'finished after'} step ${result.steps}; best model: ${result.modelDir}\nreport: ${fs.join(cfg.output, 'report.html')}\n`,
    );
    if (result.reason === 'interrupted') io.stdout(`resume with: camtl train --resume --output ${cfg.output}\n`);
    return 0;
  } finally {
    release();
    model.dispose();
  }
}
