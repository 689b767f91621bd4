import type { CommandSpec, FlagSpec } from '../args';
import { asUsageError, stringFlag } from '../args';
import { BACKEND_FLAG } from '../backend';
import { readJsonFile } from '../files';
import { nodeFileSystem } from '@camtl/backend-node';
import { CamtlError, type FileSystem } from '@camtl/core';
import { naming, resolveTrainConfig, type TrainConfig } from '../train/config';
import { readTaskDef, resolveTasks } from '../train/data';
import { configJsonSchema } from '../train/config-help';
import { PRESET_NAMES, PRESETS } from '../train/presets';
import { runTraining } from '../train/run';
import { CONFIG_FILE, damagedConfigError, readTrainConfig } from '../train/run-info';
import { SELECT_BY_FLAG } from '../train/select-by';

async function readConfigFile(fs: FileSystem, file: string): Promise<Record<string, unknown>> {
  if (!(await fs.exists(file))) throw new CamtlError('NOT_FOUND', `${file}: no such --config file`);
  const json = await readJsonFile(fs, file);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new CamtlError('BAD_CONFIG', `${file}: expected a JSON object of options`, 'see camtl train --help-config');
  return json as Record<string, unknown>;
}

/**
 * The configuration from --config and the flags, and every --task-def file
 * checked before any work starts. A bad value there is a usage error (exit 2),
 * as a bad flag is; a damaged saved run (--resume) is a failure (exit 1).
 */
export async function commandLineConfig(values: Record<string, unknown>, fs: FileSystem): Promise<TrainConfig> {
  try {
    const file = stringFlag(values, 'config');
    const fileConfig = file ? await readConfigFile(fs, file) : {};
    const flags = { ...values, config: undefined, help: undefined, 'help-config': undefined };
    const cfg = resolveTrainConfig(fileConfig, flags, file);
    const where = file ? `${file} with the flags` : undefined;
    const specs = await naming(where, () => Promise.all(cfg.taskDefs.map((def) => readTaskDef(def, fs))));
    naming(where, () => resolveTasks(cfg.data === undefined ? 'synthetic' : 'folder', cfg.tasks, specs)); // unknown names
    return cfg;
  } catch (e) {
    throw asUsageError(e);
  }
}

/** The saved configuration of the run in --output (or --config's output), for --resume. */
export async function resumeConfig(values: Record<string, unknown>, fs: FileSystem): Promise<TrainConfig> {
  let output = stringFlag(values, 'output');
  if (output === undefined) {
    const file = stringFlag(values, 'config');
    const fileConfig = file
      ? await readConfigFile(fs, file).catch((e: unknown) => Promise.reject(asUsageError(e)))
      : {};
    output = typeof fileConfig.output === 'string' ? fileConfig.output : 'camtl-run';
  }
  const saved = await readTrainConfig(output, fs);
  try {
    return resolveTrainConfig(saved, { resume: true, backend: values.backend, output }, fs.join(output, CONFIG_FILE));
  } catch (e) {
    throw damagedConfigError(e, output);
  }
}

const s = (value: string, description: string): FlagSpec => ({ type: 'string', value, description });

export const trainCommand: CommandSpec = {
  name: 'train',
  summary: 'train a CA-MTL model on several tasks at once (no arguments: the built-in synthetic default)',
  usage:
    'camtl train [--model BERT_DIR --data GLUE_DIR] [--tasks a,b,…] [--output DIR] [options] | camtl train --resume --output DIR',
  flags: {
    config: s(
      'FILE.json',
      'a JSON object: any of these options, plus the sections model, freeze, sampler, trainer, tokenizer (flags win; see --help-config; a bad file, like a bad flag, exits 2)',
    ),
    preset: s(
      PRESET_NAMES.join('|'),
      PRESET_NAMES.map((n) => `${n}: ${PRESETS[n].description}`).join('; ') + ' (the config file and flags win)',
    ),
    'help-config': { type: 'boolean', description: 'print the JSON Schema of --config files and exit' },
    model: s(
      'DIR',
      'HF BERT folder to start from (config.json, model.safetensors, vocab.txt or tokenizer.json), or a CA-MTL checkpoint (all its weights, heads included; same tasks in the same order)',
    ),
    data: s('DIR', 'data folder in the GLUE layout (CoLA/train.tsv, …); omit for the built-in synthetic suite'),
    glue: s('DIR', 'same as --data'),
    tasks: s(
      'LIST',
      'tasks or suites (glue, superglue, paper-24, scitail, snli) to train, in task-id order (default: the reference 9 GLUE tasks / the synthetic suite)',
    ),
    'task-def': s(
      'FILE.json',
      'a custom task definition (defineTask JSON: name, kind, format tsv|csv|jsonl|conll|squad|mrqa, files, columns); comma-separate several',
    ),
    // No flag defaults where a config file may set the value: a default would override it.
    output: s('DIR', 'where the run goes: train.jsonl, report.html, checkpoints/, model/ (default camtl-run)'),
    variant: s('base|large', 'the CA-MTL layout (default base)'),
    adapter: s(
      'hyperformer',
      'train the Hyperformer++ baseline instead: generated adapters on a BERT frozen except its LayerNorms (--freeze does not apply)',
    ),
    'loss-weighting': s(
      'equal|uncertainty',
      "per-task loss weights: equal (the reference) or Kendall et al.'s learned uncertainty",
    ),
    without: s(
      'LIST',
      'ablation: remove these conditional components (comma-separated): conditional-attention, conditional-alignment, conditional-layer-norm, conditional-bottleneck',
    ),
    freeze: s(
      'A-B|none',
      'freeze encoder layers A..B and the embeddings (default: 0-4 base / 0-11 large from a checkpoint, none from scratch)',
    ),
    sampler: s(
      'NAME',
      'mt-uncertainty (default), proportional, temperature, annealed, round-robin, uniform, replay (with --schedule)',
    ),
    schedule: s(
      'FILE',
      "with --sampler replay: a run's schedule.jsonl, whose batches this run trains on exactly (it stops at its end)",
    ),
    dropout: s('X', 'every dropout: hidden, attention and the task heads (0 turns them all off)'),
    epochs: s('N', 'epochs (default 5; from scratch, the synthetic suite or --tokenizer-dir, 8)'),
    'batch-size': s('N', 'examples per step (default 32)'),
    lr: s('X', 'peak learning rate (default 2e-5; from scratch 1e-3)'),
    warmup: s('X', 'warmup fraction of the steps (default 0.1)'),
    'weight-decay': s('X', 'AdamW weight decay, not on biases and LayerNorm weights (default 0)'),
    'max-grad-norm': s('X', 'global-norm gradient clipping (default 1.0)'),
    accumulation: s('N', 'gradient accumulation steps (default 1)'),
    'max-seq-length': s('N', 'max tokens per example, and the attention-bias length L (default 128)'),
    'max-length': s('N', 'same as --max-seq-length'),
    'tokenizer-dir': s(
      'DIR',
      'without --model: a small BERT from scratch with this tokenizer (tokenizer.json or vocab.txt)',
    ),
    'doc-stride': s(
      'N',
      'span tasks: tokens two windows of a long context share (default 128, less when it does not fit)',
    ),
    'max-query-length': s('N', 'span tasks: question tokens kept (default 64)'),
    'max-steps': s('N', 'stop after N steps, at most the planned epochs (the learning-rate schedule spans the run)'),
    'eval-every': s('N', 'evaluate every N steps (always at the end of each epoch)'),
    'save-every': s('N', 'checkpoint every N steps (always after each evaluation)'),
    'early-stopping': s('N', 'stop after N evaluations without a better selected score (--select-by)'),
    'select-by': SELECT_BY_FLAG,
    seed: s('N', 'random seed (default 12; the synthetic default 0)'),
    padding: s('longest|max', 'dynamic padding (default) or pad every batch to --max-seq-length like the reference'),
    limit: s('N', 'use at most N examples per task and split (quick runs)'),
    'data-fraction': s(
      'F',
      "train on a seeded fraction F (0.001–1) of each task's train split, ≥ 1 row a task (default 1)",
    ),
    'skip-bad-rows': {
      type: 'boolean',
      description: 'skip malformed data rows (counted and reported) instead of stopping',
    },
    resume: { type: 'boolean', description: 'continue the run in --output from its latest checkpoint, exactly' },
    backend: { ...BACKEND_FLAG, default: undefined, description: `${BACKEND_FLAG.description} (default auto)` },
  },
  examples: [
    'camtl train',
    'camtl train --model ./bert-base-uncased --data ./glue_data --output runs/ca-mtl-base',
    'camtl train --model ./bert-base-uncased --data ./my-data --task-def my-task.json --tasks my-task,sst-2',
    'camtl train --resume --output runs/ca-mtl-base',
    'camtl train --sampler replay --schedule runs/ca-mtl-base/schedule.jsonl --dropout 0 --output runs/replay',
    'camtl train --without conditional-attention,conditional-layer-norm --output runs/ablation',
    'camtl train --model ./bert-base-cased --data ./glue_data --preset reference --output runs/reference',
    'camtl train --help-config > camtl-config.schema.json',
  ],
  async run(values, io) {
    if (values['help-config']) {
      io.stdout(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      return 0;
    }
    const fs = nodeFileSystem();
    const cfg = values.resume ? await resumeConfig(values, fs) : await commandLineConfig(values, fs);
    return runTraining(cfg, io);
  },
};
