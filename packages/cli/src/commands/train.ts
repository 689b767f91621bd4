import type { CommandSpec, FlagSpec } from '../args';
import { stringFlag } from '../args';
import { BACKEND_FLAG } from '../backend';
import { readJsonFile } from '../files';
import { nodeFileSystem } from '@camtl/backend-node';
import { resolveTrainConfig } from '../train/config';
import { runTraining } from '../train/run';
import { readTrainConfig } from '../train/run-info';

const s = (value: string, description: string): FlagSpec => ({ type: 'string', value, description });

export const trainCommand: CommandSpec = {
  name: 'train',
  summary: 'train a CA-MTL model on several tasks at once (no arguments: the built-in synthetic default)',
  usage:
    'camtl train [--model BERT_DIR --data GLUE_DIR] [--tasks a,b,…] [--output DIR] [options] | camtl train --resume --output DIR',
  flags: {
    config: s('FILE.json', 'a JSON object with any of these options (flags win)'),
    model: s('DIR', 'HF BERT folder to start from (config.json, model.safetensors, vocab.txt or tokenizer.json)'),
    data: s('DIR', 'data folder in the GLUE layout (CoLA/train.tsv, …); omit for the built-in synthetic suite'),
    glue: s('DIR', 'same as --data'),
    tasks: s('LIST', 'tasks to train, in task-id order (default: the reference 9 GLUE tasks / the synthetic suite)'),
    'task-def': s('FILE.json', 'a custom task definition (defineTask JSON); comma-separate several'),
    output: { ...s('DIR', 'where the run goes: train.jsonl, report.html, checkpoints/, model/'), default: 'camtl-run' },
    variant: s('base|large', 'the CA-MTL layout (default base)'),
    freeze: s(
      'A-B|none',
      'freeze encoder layers A..B and the embeddings (default: 0-4 base / 0-11 large from a checkpoint, none from scratch)',
    ),
    sampler: s('NAME', 'mt-uncertainty (default), proportional, temperature, annealed, round-robin, uniform'),
    epochs: s('N', 'epochs (default 5; the synthetic default 8)'),
    'batch-size': s('N', 'examples per step (default 32)'),
    lr: s('X', 'peak learning rate (default 2e-5; the synthetic default 1e-3)'),
    warmup: s('X', 'warmup fraction of the steps (default 0.1)'),
    'weight-decay': s('X', 'AdamW weight decay, not on biases and LayerNorm weights (default 0)'),
    'max-grad-norm': s('X', 'global-norm gradient clipping (default 1.0)'),
    accumulation: s('N', 'gradient accumulation steps (default 1)'),
    'max-seq-length': s('N', 'max tokens per example, and the attention-bias length L (default 128)'),
    'max-length': s('N', 'same as --max-seq-length'),
    'max-steps': s('N', 'stop after N steps'),
    'eval-every': s('N', 'evaluate every N steps (always at the end of each epoch)'),
    'save-every': s('N', 'checkpoint every N steps (always after each evaluation)'),
    'early-stopping': s('N', 'stop after N evaluations without a better GLUE average'),
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
    backend: BACKEND_FLAG,
  },
  examples: [
    'camtl train',
    'camtl train --model ./bert-base-uncased --data ./glue_data --output runs/ca-mtl-base',
    'camtl train --model ./bert-base-uncased --data ./my-data --task-def my-task.json --tasks my-task,sst-2',
    'camtl train --resume --output runs/ca-mtl-base',
  ],
  async run(values, io) {
    const fs = nodeFileSystem();
    const file = stringFlag(values, 'config');
    const fileConfig = file ? ((await readJsonFile(fs, file)) as Record<string, unknown>) : {};
    const flags = { ...values, config: undefined, help: undefined };
    if (values.resume) {
      const output = stringFlag(values, 'output') ?? String(fileConfig.output ?? 'camtl-run');
      const saved = await readTrainConfig(output, fs);
      return runTraining(resolveTrainConfig(saved, { resume: true, backend: values.backend, output }), io);
    }
    return runTraining(resolveTrainConfig(fileConfig, flags), io);
  },
};
