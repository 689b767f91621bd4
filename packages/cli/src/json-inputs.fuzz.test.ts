import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isCamtlError,
  latestCheckpoint,
  loadTrainingCheckpoint,
  memoryFileSystem,
  serializeSafetensors,
  type FileSystem,
} from '@camtl/core';
import { commandLineConfig, resumeConfig } from './commands/train';
import { resolveTrainConfig, savedConfig } from './train/config';
import { checkTaskDef } from './train/data';
import { readRunInfo, runDataDir } from './train/run-info';
import { jsonInput } from './fuzz-json';

/**
 * The CLI's JSON inputs (--config, --task-def, train-config.json,
 * trainer_state.json and latest.json, run.json), driven through the functions
 * the commands call: each input resolves, or fails with a one-line CamtlError
 * naming the file. Any other exception, or a case slower than a second, fails.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const counts: Record<string, number> = {};

const SPEC = {
  name: 'mine',
  kind: 'classification',
  labels: ['neg', 'pos'],
  format: 'csv',
  files: { train: 'mine/train.csv', dev: { path: 'mine/dev.csv', header: false, columnNames: ['text', 'label'] } },
  columns: { textA: 'text', label: 'label' },
  metrics: ['accuracy', 'f1'],
};
const SPECS = [
  SPEC,
  {
    name: 'ner',
    kind: 'token-classification',
    labels: ['O', 'B-x', 'I-x'],
    format: 'conll',
    files: { train: 't.conll' },
  },
  {
    name: 'qa',
    kind: 'span-extraction',
    format: 'jsonl',
    files: { train: 'qa.jsonl' },
    columns: { question: 'q', context: 'c', answers: 'a' },
  },
  {
    name: 'mc',
    kind: 'multiple-choice',
    format: 'jsonl',
    files: { train: 'mc.jsonl' },
    columns: { textA: 'p', choices: 'ch', label: 'y' },
  },
  {
    name: 'sim',
    kind: 'regression',
    format: 'tsv',
    header: false,
    files: { train: 's.tsv' },
    columns: { textA: 0, textB: 1, label: -1 },
  },
];
const CONFIG = {
  data: 'glue',
  model: {
    from: 'bert',
    cln: { conditionShift: true },
    alignment: { mode: 'matrix' },
    headDropout: 0,
    without: ['conditional-attention'],
  },
  tasks: 'rte,sts-b,mine',
  'task-def': 'def.json',
  'max-steps': 2,
  batchSize: 4,
  maxLength: 32,
  limit: 8,
  dataFraction: 0.5,
  freeze: { range: '0-0', fixQuirk: true },
  sampler: { name: 'mt-uncertainty', candidatesPerTask: 2, score: 'paper', regression: { kind: 'prior', value: 0.3 } },
  trainer: { keepCheckpoints: 1, decay: 'constant', warmupRatio: 0.1, seed: 3 },
  tokenizer: { truncation: 'longest-first-reference', docStride: 16 },
};
const STATE = {
  version: 1,
  step: 2,
  epoch: 1,
  updates: 2,
  sampler: { kind: 'mt-uncertainty', version: 1, batches: 2, rng: [1, 2, 3, 4] },
  dropoutRng: [5, 6, 7, 8],
  best: { step: 2, average: 0.5, score: 0.5, selectBy: 'paper' },
  evalsWithoutImprovement: 0,
  examplesSeen: 8,
  optimizer: { step: 2, paramSteps: { 'heads.weight': 2 } },
};
const RUN = {
  version: 1,
  data: { kind: 'folder', dir: '../glue', relativeTo: 'run' },
  tasks: ['rte', 'mine'],
  taskDefs: [SPEC],
  maxSeqLength: 32,
  docStride: 16,
};
const LATEST = { step: 2, path: 'checkpoint-0000002' };

/** Runs `load`; checks that it succeeds, or fails with a one-line CamtlError naming `file`, within a second. */
async function outcome(file: string, load: () => Promise<unknown>): Promise<void> {
  const started = Date.now();
  try {
    await load();
  } catch (e) {
    if (!isCamtlError(e)) throw new Error(`${file}: not a CamtlError: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.message, e.message).toContain(file);
    expect(e.message, e.message).not.toContain('\n');
    expect(e.hint ?? '', e.hint).not.toContain('\n');
  }
  expect(Date.now() - started, `${file}: too slow`).toBeLessThan(1000);
}

async function fuzz(name: string, valid: unknown, runs: number, check: (text: string) => Promise<void>) {
  runs = Math.round(runs * SCALE);
  await fc.assert(fc.asyncProperty(jsonInput(valid), check), { numRuns: runs, seed: SEED });
  counts[name] = runs;
  console.log(`fuzz cli ${name}: ${runs} cases (seed ${SEED})`);
}

const withFiles = (files: Record<string, string>): FileSystem =>
  memoryFileSystem({ 'def.json': JSON.stringify(SPEC), ...files });

describe('the CLI JSON inputs under mutation', () => {
  it('--config', () =>
    fuzz('--config', CONFIG, 2000, (text) =>
      outcome('cfg/run.json', () => commandLineConfig({ config: 'cfg/run.json' }, withFiles({ 'cfg/run.json': text }))),
    ));

  it('--task-def', async () => {
    for (const [i, spec] of SPECS.entries())
      await fuzz(`--task-def ${spec.kind}/${spec.format}`, spec, 300, async (text) =>
        outcome(`defs/${i}.json`, async () => checkTaskDef(text, `defs/${i}.json`)),
      );
  });

  it('train-config.json (--resume)', async () => {
    const cfg = await commandLineConfig({ config: 'c.json' }, withFiles({ 'c.json': JSON.stringify(CONFIG) }));
    const saved = JSON.parse(JSON.stringify(savedConfig(cfg))) as Record<string, unknown>;
    expect(() => resolveTrainConfig(saved, { resume: true })).not.toThrow();
    await fuzz('train-config.json', saved, 1500, (text) =>
      outcome('run/train-config.json', () =>
        resumeConfig({ output: 'run' }, withFiles({ 'run/train-config.json': text })),
      ),
    );
  });

  const checkpoint = (state: string, latest = JSON.stringify(LATEST)) =>
    memoryFileSystem({
      'run/checkpoints/latest.json': latest,
      'run/checkpoints/checkpoint-0000002/trainer_state.json': state,
      'run/checkpoints/checkpoint-0000002/optimizer.safetensors': serializeSafetensors(
        [{ name: 'm.heads.weight', shape: [2], data: new Float32Array([1, 2]) }],
        { format: 'camtl-adamw' },
      ),
    });
  const resume = async (fs: FileSystem) => loadTrainingCheckpoint((await latestCheckpoint('run/checkpoints', fs))!, fs);

  it('trainer_state.json and latest.json', async () => {
    await fuzz('trainer_state.json', STATE, 1000, (text) =>
      outcome('run/checkpoints/checkpoint-0000002/trainer_state.json', () => resume(checkpoint(text))),
    );
    await fuzz('latest.json', LATEST, 300, (text) =>
      outcome('run/checkpoints/latest.json', () => resume(checkpoint(JSON.stringify(STATE), text))),
    );
  });

  it('run.json (eval, predict, submit)', () =>
    fuzz('run.json', RUN, 1000, (text) =>
      outcome('run/run.json', async () => {
        const fs = memoryFileSystem({ 'run/run.json': text });
        const info = await readRunInfo('run', fs);
        if (info) await runDataDir(info, 'run', fs);
      }),
    ));

  it('prints the total', () => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`fuzz cli JSON inputs: ${total} cases`);
    expect(total).toBeGreaterThanOrEqual(5000 * Math.min(1, SCALE));
  });
});
