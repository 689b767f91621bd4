import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GLUE, run, tinyBertFolder, tmp } from './test-helpers';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const runRecord = (dir: string) => JSON.parse(readFileSync(join(dir, 'train.jsonl'), 'utf8').split('\n')[0]);

/** A two-step run on RTE and STS-B from a --config file; returns the output folder. */
async function trainWith(config: Record<string, unknown>, ...flags: string[]): Promise<string> {
  const out = join(tmp(), 'run');
  const file = join(tmp(), 'run.json');
  writeFileSync(
    file,
    JSON.stringify({
      data: GLUE,
      tasks: 'rte,sts-b',
      'max-steps': 2,
      batchSize: 4,
      maxLength: 32,
      limit: 8,
      ...config,
    }),
  );
  const r = await run('train', '--config', file, '--output', out, '--backend', 'cpu', ...flags);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
  expect(r.code).toBe(0);
  return out;
}

describe('camtl train --config: nested options reach the model, the freezing, the sampler and the trainer', () => {
  let bert: string;
  beforeAll(async () => {
    bert = await tinyBertFolder();
  });

  it('writes them into the model, the run record and train-config.json', async () => {
    const options = { cln: { conditionShift: true }, alignment: { mode: 'matrix' }, headDropout: 0 };
    const sampler = {
      name: 'mt-uncertainty',
      candidatesPerTask: 2,
      score: 'paper',
      regression: { kind: 'prior', value: 0.3 },
    };
    const out = await trainWith({
      model: { from: bert, ...options },
      freeze: { range: '0-0', fixQuirk: true },
      sampler,
      trainer: { keepCheckpoints: 1, decay: 'constant' },
      tokenizer: { truncation: 'longest-first-reference' },
    });
    expect(json(join(out, 'model', 'config.json')).camtl_options).toEqual(options);
    const { config } = runRecord(out);
    expect(config).toMatchObject({ fixQuirk: true, freeze: '0-0', truncation: 'longest-first-reference', sampler });
    const saved = json(join(out, 'train-config.json'));
    expect(saved).toMatchObject({
      model: { from: bert, ...options },
      sampler,
      freeze: { range: '0-0', fixQuirk: true },
    });
    expect(saved.trainer).toMatchObject({ decay: 'constant', keepCheckpoints: 1, maxSteps: 2, batchSize: 4 });
  });

  it("fixQuirk keeps the frozen layers' attention-bias generators trainable", async () => {
    const trainable = async (fixQuirk: boolean) =>
      runRecord(await trainWith({ model: bert, freeze: { range: '0-0', fixQuirk } })).model.trainableParameters;
    const [kept, fixed] = [await trainable(false), await trainable(true)];
    expect(fixed).toBeGreaterThan(kept);
  });

  it('--preset reference over a config file: the file and the flags win', async () => {
    const out = await trainWith({ model: bert }, '--preset', 'reference', '--freeze', 'none');
    const saved = json(join(out, 'train-config.json'));
    expect(saved).toMatchObject({ preset: 'reference', freeze: { range: 'none', fixQuirk: false } });
    expect(saved.trainer).toMatchObject({ batchSize: 4, padding: 'max', maxSeqLength: 32 });
    expect(saved.tasks).toEqual(['rte', 'sts-b']);
    expect(saved.tokenizer).toEqual({ truncation: 'longest-first-reference' });
  });

  it('a mistyped key is one line naming its path', async () => {
    const file = join(tmp(), 'run.json');
    writeFileSync(file, JSON.stringify({ model: { cln: { conditionShft: true } } }));
    const r = await run('train', '--config', file);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(`error: ${file}: model.cln.conditionShft: unknown key (did you mean conditionShift?)\n`);
  });

  it('--help-config prints the JSON Schema', async () => {
    const r = await run('train', '--help-config');
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema/);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['model', 'freeze', 'sampler', 'trainer']));
  });
});
