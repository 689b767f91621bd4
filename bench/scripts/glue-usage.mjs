#!/usr/bin/env node
// Measures MT-Uncertainty's per-task "data used" on the real GLUE files with a
// random BERT (the issue-10 starvation check): builds a random small BERT with
// the real bert-base-uncased vocabulary, runs `camtl train` for --steps steps
// with the default sampler and prints each task's data used from train.jsonl.
//
//   node bench/scripts/glue-usage.mjs [--data ../shared/data/glue]
//     [--vocab ../shared/data/bert-base-uncased-tokenizer/vocab.txt] [--steps 150]
//     [--tasks cola,sst-2,mrpc,sts-b,rte,wnli] [--out /tmp/camtl-glue-usage] [--backend cpu]
//     [--batch-size 32] [--max-seq-length 128]
//
// Run from the repository root after `pnpm build`. Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BertModel, parseBertConfig, saveBertModel } from '@camtl/core';
import { nodeFileSystem, useNodeBackend } from '@camtl/backend-node';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const data = resolve(args.data ?? '../shared/data/glue');
const vocab = resolve(args.vocab ?? '../shared/data/bert-base-uncased-tokenizer/vocab.txt');
const steps = Number(args.steps ?? 150);
const tasks = args.tasks ?? 'cola,sst-2,mrpc,sts-b,rte,wnli';
const out = resolve(args.out ?? '/tmp/camtl-glue-usage');

await useNodeBackend({ prefer: 'cpu' }); // only to initialise the random weights

// A random 12-layer BERT, small enough for 2 cores, with the real uncased vocabulary.
rmSync(out, { recursive: true, force: true });
const bert = join(out, 'bert');
mkdirSync(bert, { recursive: true });
const config = parseBertConfig({
  vocab_size: 30522,
  hidden_size: 64,
  num_hidden_layers: 12,
  num_attention_heads: 4,
  intermediate_size: 128,
  max_position_embeddings: 512,
  type_vocab_size: 2,
});
await saveBertModel(BertModel.create(config, { seed: 1 }), bert, nodeFileSystem());
copyFileSync(vocab, join(bert, 'vocab.txt'));

const run = join(out, 'run');
const cli = ['-s', 'camtl', 'train', '--data', data, '--model', bert, '--tasks', tasks, '--max-steps', String(steps)];
cli.push('--output', run, '--backend', args.backend ?? 'cpu', '--max-seq-length', args['max-seq-length'] ?? '128');
cli.push('--batch-size', args['batch-size'] ?? '32');
execFileSync('pnpm', cli, { stdio: ['ignore', 'ignore', 'inherit'] });

const records = readFileSync(join(run, 'train.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const lastStep = records.filter((r) => r.type === 'step').at(-1);
const { step, dataUsed, perTaskDataUsed } = lastStep;
console.log(JSON.stringify({ step, dataUsed, perTaskDataUsed }));
