import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCamtlError } from '@camtl/core';
import { resolveTrainConfig, savedConfig } from './config';
import { configJsonSchema } from './config-help';

const GLUE = { model: './bert', data: './glue' };

/** The one-line message (and hint) a bad config gives. */
function errorOf(file: Record<string, unknown>, flags: Record<string, unknown> = {}): string {
  try {
    resolveTrainConfig(file, flags, 'run.json');
  } catch (e) {
    if (!isCamtlError(e)) throw e;
    return `${e.message}${e.hint ? ` (${e.hint})` : ''}`;
  }
  throw new Error('expected a config error');
}

describe('--config sections', () => {
  it('carries every nested option to the model, the freezing, the sampler, the trainer and the tokenizer', () => {
    const cfg = resolveTrainConfig(
      {
        ...GLUE,
        model: {
          from: './bert',
          variant: 'large',
          attention: { blocks: 2, perHead: true },
          cln: { conditionShift: true, conditionRows: 'per-example' },
          alignment: { mode: 'matrix' },
          bottleneck: { size: 96, activation: 'gelu' },
          headDropout: 0.2,
        },
        freeze: { range: '0-3', fixQuirk: true },
        sampler: {
          name: 'mt-uncertainty',
          candidatesPerTask: 16,
          score: 'paper',
          regression: { kind: 'mc-dropout', samples: 3 },
          scoreWithDropout: true,
          scoreChunkSize: 64,
          minRowsPerTask: 2,
          epochLength: 100,
        },
        trainer: { batchSize: 16, decay: 'cosine', adamEpsilon: 1e-6, keepCheckpoints: 3, earlyStoppingPatience: 2 },
        tokenizer: { truncation: 'longest-first-reference' },
      },
      {},
    );
    expect(cfg).toMatchObject({
      model: './bert',
      variant: 'large',
      caMtl: {
        attention: { blocks: 2, perHead: true },
        cln: { conditionShift: true, conditionRows: 'per-example' },
        alignment: { mode: 'matrix' },
        bottleneck: { size: 96, activation: 'gelu' },
        headDropout: 0.2,
      },
      freeze: [0, 3],
      fixQuirk: true,
      sampler: 'mt-uncertainty',
      samplerOptions: {
        candidatesPerTask: 16,
        score: 'paper',
        regression: { kind: 'mc-dropout', samples: 3 },
        scoreWithDropout: true,
        scoreChunkSize: 64,
        minRowsPerTask: 2,
        epochLength: 100,
      },
      batchSize: 16,
      learningRate: 2e-5,
      trainer: { decay: 'cosine', adamEpsilon: 1e-6, keepCheckpoints: 3 },
      earlyStopping: 2,
      truncation: 'longest-first-reference',
    });
    expect(cfg.caMtl).not.toHaveProperty('from');
  });

  it('reads flat keys as before: camelCase or kebab-case, older names, strings for numbers; flags win', () => {
    const cfg = resolveTrainConfig(
      {
        'batch-size': '4',
        learningRate: 1e-4,
        maxLength: 64,
        freeze: [0, 2],
        taskDefs: ['a.json'],
        sampler: 'uniform',
      },
      { epochs: '2', 'max-steps': '7', tasks: 'sst-2,rte', lr: '3e-5', ...GLUE },
    );
    expect(cfg).toMatchObject({ batchSize: 4, learningRate: 3e-5, maxSeqLength: 64, freeze: [0, 2], epochs: 2 });
    expect(cfg).toMatchObject({ maxSteps: 7, tasks: ['sst-2', 'rte'], taskDefs: ['a.json'], sampler: 'uniform' });
    expect(resolveTrainConfig({ freeze: 'none', ...GLUE }, {}).freeze).toBeUndefined();
    expect(resolveTrainConfig(GLUE, {}).freeze).toEqual([0, 4]);
    expect(resolveTrainConfig({}, {}).freeze).toBeUndefined(); // from scratch
  });

  it("a sampler named by a later source drops the earlier sampler's options", () => {
    const cfg = resolveTrainConfig(
      { sampler: { name: 'mt-uncertainty', candidatesPerTask: 4 } },
      { sampler: 'temperature' },
    );
    expect(cfg).toMatchObject({ sampler: 'temperature', samplerOptions: {} });
    const same = resolveTrainConfig({ sampler: { name: 'temperature', T: 2 } }, { sampler: 'temperature' });
    expect(same.samplerOptions).toEqual({ T: 2 });
  });

  it('the saved train-config.json resolves to the same configuration (what --resume reads)', () => {
    for (const flags of [{ preset: 'reference' }, { preset: 'paper', variant: 'large' }, { freeze: 'none' }, {}]) {
      const cfg = resolveTrainConfig({ ...GLUE, sampler: { name: 'mt-uncertainty', candidatesPerTask: 3 } }, flags);
      const saved = JSON.parse(JSON.stringify(savedConfig(cfg)));
      // with its input paths absolute, so that --resume works from any directory
      const absolute = { data: resolve(cfg.data!), model: resolve(cfg.model!) };
      expect(resolveTrainConfig(saved, {}, 'train-config.json')).toEqual({ ...cfg, ...absolute });
    }
    // a flat train-config.json of an older camtl is read too
    const old = { output: 'r', model: './bert', data: './glue', variant: 'base', freeze: [0, 4], sampler: 'uniform' };
    const more = { learningRate: 2e-5, warmupRatio: 0.1, gradientAccumulation: 1, maxSeqLength: 128, resume: false };
    expect(resolveTrainConfig({ ...old, ...more, padding: 'max', skipBadRows: true }, {})).toMatchObject({
      freeze: [0, 4],
      sampler: 'uniform',
      padding: 'max',
    });
  });
});

describe('config errors are one line naming the key path', () => {
  it.each([
    [
      { model: { cln: { conditionShft: true } } },
      'run.json: model.cln.conditionShft: unknown key (did you mean conditionShift?)',
    ],
    [{ 'max-stepz': 3 }, 'run.json: max-stepz: unknown key (did you mean maxSteps?)'],
    [
      { sampler: { name: 'mt-uncertainty', candidatesPerTask: 0 } },
      'run.json: sampler.candidatesPerTask: must be ≥ 1, got 0',
    ],
    [
      { sampler: { name: 'mt-uncertainty', minRowsPerTask: -1 } },
      'run.json: sampler.minRowsPerTask: must be ≥ 0, got -1',
    ],
    [
      { sampler: { name: 'proportional', score: 'paper' } },
      'run.json: sampler.score: unknown key (known keys: name, epochLength)',
    ],
    [
      { sampler: { name: 'mt-uncertainty', regression: { kind: 'prior', valu: 1 } } },
      'run.json: sampler.regression.valu: unknown key (did you mean value?)',
    ],
    [{ trainer: { padding: 'maxi' } }, 'run.json: trainer.padding: expected "longest" | "max", got "maxi"'],
    [{ model: { bottleneck: { activation: 'swishy' } } }, 'run.json: model.bottleneck.activation: expected'],
    [{ freeze: { range: '0-x' } }, 'run.json: freeze.range: expected a layer range'],
    [{ epochs: 'many' }, 'run.json: epochs: expected number, got "many"'],
    [
      { tokenizer: { truncation: 'reference' } },
      'run.json: tokenizer.truncation: expected "longest-first" | "longest-first-reference"',
    ],
  ])('%j', (file, message) => {
    const got = errorOf(file);
    expect(got.startsWith(message), got).toBe(true);
    expect(got).not.toContain('\n');
  });

  it('names flags as --flags', () => {
    expect(errorOf({}, { epochs: '2.5' })).toBe('--epochs: expected an integer, got 2.5');
    expect(errorOf({}, { 'max-steps': 'x' })).toBe('--max-steps: expected number, got "x"');
    expect(errorOf({}, { preset: 'papr' })).toBe('--preset: expected "reference" | "paper" | "mtl-bert", got "papr"');
  });

  it('real data still needs a model', () => {
    expect(errorOf({ data: './glue' })).toMatch(/^run\.json with the flags: --data \.\/glue needs --model/);
  });
});

describe('--help-config', () => {
  it('is the JSON Schema of the file, with every section and no other top-level keys', () => {
    const schema = configJsonSchema() as { properties: Record<string, any>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    for (const k of ['model', 'freeze', 'sampler', 'trainer', 'tokenizer', 'preset', 'lr', 'batchSize', 'maxSteps'])
      expect(schema.properties, k).toHaveProperty(k);
    const text = JSON.stringify(schema);
    for (const k of [
      'conditionShift',
      'fixQuirk',
      'candidatesPerTask',
      'scoreChunkSize',
      'minRowsPerTask',
      'adamEpsilon',
      'truncation',
    ])
      expect(text, k).toContain(`"${k}"`);
  });
});

describe("the root README's --config example", () => {
  it('resolves to what it says', () => {
    const readme = readFileSync(resolve(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const block = /```json\n(\{\n  "preset": "paper"[\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const cfg = resolveTrainConfig(JSON.parse(block![1]), GLUE, 'run.json');
    expect(cfg).toMatchObject({ preset: 'paper', freeze: [0, 5], fixQuirk: true, batchSize: 32, evalEvery: 2000 });
    expect(cfg.samplerOptions).toMatchObject({ score: 'paper', candidatesPerTask: 32 });
    expect(cfg.caMtl).toMatchObject({ cln: { conditionShift: true }, alignment: { mode: 'matrix' } });
    const typo = JSON.parse(block![1].replace('"conditionShift"', '"conditionShft"'));
    expect(() => resolveTrainConfig(typo, {}, 'run.json')).toThrow('run.json: model.cln.conditionShft: unknown key');
  });
});
