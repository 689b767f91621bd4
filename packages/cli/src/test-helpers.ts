// Test helpers for the CLI's tests (not exported by the package): camtl run in
// this process, fresh temporary folders, and the fixture folders of the other
// packages (test data, read in place).
import { camtlFixturePath } from '@camtl/testkit';
import { BertModel, parseBertConfig, saveBertModel } from '@camtl/core';
import { nodeFileSystem } from '@camtl/backend-node';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { selectBackend } from './backend';
import { main } from './main';

/** The built bin: the tests that spawn it skip without a build. */
export const BIN = resolve(__dirname, '..', 'dist', 'bin.js');

const PACKAGES = resolve(__dirname, '..', '..');
/** packages/core/fixtures: bert-tiny and the tokenizer (the sources of the CLI's assets). */
export const CORE_FIXTURES = join(PACKAGES, 'core', 'fixtures');
/** GLUE-layout data with every file quirk. */
export const GLUE = join(PACKAGES, 'tasks-glue', 'fixtures', 'glue');
/** The slices of SuperGLUE, ReCoRD, WNUT2017, SQuAD, … in their original layouts. */
export const TESTKIT = join(PACKAGES, 'testkit', 'fixtures');
/** A reference CA-MTL checkpoint and its expected outputs. */
export const TINY_BASE = camtlFixturePath('model', 'tiny-base');
/** A replay of 12 mixed-task batches on tiny-base, with the PyTorch reference trainer's step losses. */
export const REFERENCE_TRAINER = join(PACKAGES, 'testkit', 'fixtures', 'reference-trainer');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `camtl ...argv` in this process and captures what it writes. */
export async function run(...argv: string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'camtl-cli-'));
}

/** `camtl forward` on `model` with `inputs` written as the input file; `out` is the parsed output file. */
export async function forwardJson(model: string, inputs: unknown, backend: string): Promise<RunResult & { out: any }> {
  const dir = tmp();
  writeFileSync(join(dir, 'in.json'), JSON.stringify(inputs));
  const output = join(dir, 'out.json');
  const r = await run(
    'forward',
    '--model',
    model,
    '--input',
    join(dir, 'in.json'),
    '--output',
    output,
    '--backend',
    backend,
  );
  return { ...r, out: r.code === 0 ? JSON.parse(readFileSync(output, 'utf8')) : undefined };
}

/** A random small BERT (H 32, 2 layers) with the fixture tokenizer's vocabulary: a stand-in for bert-base. */
export async function tinyBertFolder(backend = 'auto'): Promise<string> {
  await selectBackend(backend);
  const dir = join(tmp(), 'bert');
  const config = parseBertConfig({
    vocab_size: 2000,
    hidden_size: 32,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 64,
    max_position_embeddings: 64,
  });
  const model = BertModel.create(config, { seed: 1, classifier: false });
  await saveBertModel(model, dir, nodeFileSystem());
  model.dispose();
  for (const f of ['vocab.txt', 'tokenizer.json']) copyFileSync(join(CORE_FIXTURES, 'tokenizer', f), join(dir, f));
  return dir;
}

/** A data root as ../shared/data lays it out (glue/, superglue/ with ReCoRD, wnut17/, squad/), linked to the slices. */
export function dataRoot(): string {
  const root = tmp();
  symlinkSync(GLUE, join(root, 'glue'));
  for (const d of ['wnut17', 'squad']) symlinkSync(join(TESTKIT, d), join(root, d));
  mkdirSync(join(root, 'superglue'));
  for (const d of ['CB', 'COPA', 'MultiRC', 'WSC', 'AX-b', 'AX-g'])
    symlinkSync(join(TESTKIT, 'superglue', d), join(root, 'superglue', d));
  symlinkSync(join(TESTKIT, 'record', 'ReCoRD'), join(root, 'superglue', 'ReCoRD'));
  return root;
}
