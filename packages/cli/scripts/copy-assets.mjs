#!/usr/bin/env node
// Copies the CLI's default model and tokenizer from core's fixtures into
// assets/ (run by `pnpm build`): `camtl forward`/`info` read assets/bert-tiny
// and `camtl tokenize` assets/tokenizer when no folder is given, and the
// package publishes assets/. The copies are generated, not committed (one
// source of truth; see .gitignore), and turbo caches them as build outputs.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(pkgDir, '..', 'core', 'fixtures');
const ASSETS = {
  'bert-tiny': ['config.json', 'model.safetensors'],
  tokenizer: ['tokenizer.json', 'vocab.txt'],
};

for (const [folder, files] of Object.entries(ASSETS)) {
  const out = join(pkgDir, 'assets', folder);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of files) copyFileSync(join(fixtures, folder, file), join(out, file));
}
