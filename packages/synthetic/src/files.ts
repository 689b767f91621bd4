/**
 * The suite on disk, GLUE-style: `<Folder>/{train,dev,test}.tsv` per task, plus
 * the vocabulary (`vocab.txt`) and a manifest (`suite.json`) that records the
 * options and generator version, so a caller can tell whether a folder it
 * generated earlier is still current.
 */
import type { FileSystem } from '@camtl/core';
import { SPLITS } from './specs';
import { generateSuite, type SuiteOptions, type SyntheticSuite } from './suite';
import { formatTsv } from './tsv';
import { buildVocab } from './vocab';

export const VOCAB_FILE = 'vocab.txt';
export const MANIFEST_FILE = 'suite.json';

export interface SuiteManifest {
  generator: '@camtl/synthetic';
  version: number;
  seed: number;
  scale: number;
  vocab: string;
  tasks: { name: string; folder: string; kind: string; labels?: readonly string[]; sizes: Record<string, number> }[];
}

export function suiteManifest(suite: SyntheticSuite): SuiteManifest {
  return {
    generator: '@camtl/synthetic',
    version: suite.version,
    seed: suite.seed,
    scale: suite.scale,
    vocab: VOCAB_FILE,
    tasks: suite.tasks.map((t) => ({
      name: t.name,
      folder: t.folder,
      kind: t.kind,
      ...(t.labels ? { labels: t.labels } : {}),
      sizes: Object.fromEntries(SPLITS.map((s) => [s, t.splits[s].length])),
    })),
  };
}

/** Relative path → file text, for every file of the suite (in a fixed order). */
export function suiteFiles(suite: SyntheticSuite): Record<string, string> {
  const files: Record<string, string> = {};
  for (const task of suite.tasks) {
    for (const split of SPLITS) files[`${task.folder}/${split}.tsv`] = formatTsv(task.splits[split], task.pair);
  }
  files[VOCAB_FILE] = buildVocab(suite);
  files[MANIFEST_FILE] = JSON.stringify(suiteManifest(suite), null, 2) + '\n';
  return files;
}

/** Generates the suite and writes it under `dir`; returns the suite and the paths written. */
export async function writeSuite(
  dir: string,
  fs: FileSystem,
  options: SuiteOptions = {},
): Promise<{ suite: SyntheticSuite; files: string[] }> {
  const suite = generateSuite(options);
  await fs.mkdirp(dir);
  for (const task of suite.tasks) await fs.mkdirp(fs.join(dir, task.folder));
  const written: string[] = [];
  for (const [relative, text] of Object.entries(suiteFiles(suite))) {
    const path = fs.join(dir, ...relative.split('/'));
    await fs.writeFileAtomic(path, text);
    written.push(path);
  }
  return { suite, files: written };
}
