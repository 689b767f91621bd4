import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '@camtl/backend-node';
import { runDataDir, type RunInfo } from './train/run-info';
import { GLUE, run, tinyBertFolder, tmp } from './test-helpers';

/** The last stderr line, which must be the only error line. */
function errorLine(stderr: string): string {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error'));
  expect(errors, stderr).toHaveLength(1);
  return errors[0];
}

const TINY_RUN = [
  '--max-length',
  '32',
  '--limit',
  '8',
  '--max-steps',
  '2',
  '--save-every',
  '2',
  '--batch-size',
  '4',
  '--backend',
  'cpu',
];

describe('camtl train: a bad --config or --task-def file is a one-line usage error (exit 2) naming the file', () => {
  const dir = tmp();
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  it.each([
    ['array.json', '[1,2]', /array\.json: expected a JSON object of options/],
    ['null.json', 'null', /null\.json: expected a JSON object of options/],
    ['cut.json', '{"trainer": {"batchSize": 4', /cut\.json: not valid JSON/],
    [
      'huge.json',
      '{"trainer": {"batchSize": 1e12}}',
      /huge\.json: trainer\.batchSize: must be ≤ 65536, got 1000000000000/,
    ],
    ['steps.json', '{"max-steps": 1e300}', /steps\.json: max-steps: must be ≤ \d+, got 1e\+300/],
    ['len.json', '{"maxSeqLength": 1000000}', /len\.json: maxSeqLength: must be ≤ 16384/],
    ['lr.json', '{"lr": "fast"}', /lr\.json: lr: expected number, got "fast"/],
    ['nulls.json', '{"trainer": null}', /nulls\.json: trainer: expected object, got null/],
    ['unknown.json', '{"epoch": 3}', /unknown\.json: epoch: unknown key \(did you mean epochs\?\)/],
  ])('--config %s', async (name, text, message) => {
    const r = await run('train', '--config', file(name, text), '--output', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(message);
  });

  it('--config on a missing file', async () => {
    const r = await run('train', '--config', join(dir, 'nope.json'));
    expect([r.code, errorLine(r.stderr)]).toEqual([2, expect.stringMatching(/nope\.json: no such --config file/)]);
  });

  const spec = { name: 'mine', kind: 'classification', labels: ['a', 'b'], format: 'tsv', files: { train: 't.tsv' } };
  it.each([
    ['null', null, /null-def\.json: task definition: \(root\): expected an object, got null/],
    [
      'no files',
      { ...spec, files: undefined },
      /no files-def\.json: task definition "mine": files: missing \(expected an object\)/,
    ],
    ['no columns', spec, /no columns-def\.json: task "mine": columns need textA/],
    [
      'bad format',
      { ...spec, format: 'xlsx', columns: { textA: 0 } },
      /reads format "tsv", "csv" or "jsonl", got "xlsx"/,
    ],
  ])('--task-def: %s', async (name, value, message) => {
    const def = file(`${name}-def.json`, JSON.stringify(value));
    const r = await run('train', '--task-def', def, '--output', join(dir, 'out'));
    expect(r.code).toBe(2);
    expect(errorLine(r.stderr)).toMatch(message);
  });
});

describe('camtl train --resume and camtl eval on damaged or moved runs', () => {
  let root: string;
  const cwd = process.cwd();
  beforeAll(async () => {
    root = tmp();
    symlinkSync(GLUE, join(root, 'glue'));
    const bert = await tinyBertFolder('cpu');
    process.chdir(root);
    try {
      const r = await run(
        'train',
        '--model',
        bert,
        '--data',
        'glue',
        '--tasks',
        'rte,sst-2',
        '--output',
        'run',
        ...TINY_RUN,
      );
      expect(r.code, r.stderr).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });
  afterEach(() => process.chdir(cwd));

  it('run.json holds the data folder relative to itself: eval works from another directory', async () => {
    const info = JSON.parse(readFileSync(join(root, 'run', 'run.json'), 'utf8'));
    expect(info.data).toMatchObject({ kind: 'folder', dir: '../glue', relativeTo: 'run' });
    const elsewhere = tmp();
    process.chdir(elsewhere);
    const r = await run(
      'eval',
      '--model',
      relative(elsewhere, join(root, 'run', 'model')),
      '--json',
      '--backend',
      'cpu',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).metrics)).toEqual(['rte', 'sst-2']);
    // --resume from elsewhere too: train-config.json holds absolute input paths.
    const resumed = await run(
      'train',
      '--resume',
      '--output',
      relative(elsewhere, join(root, 'run')),
      '--backend',
      'cpu',
    );
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it('an older run.json (the data folder relative to where training ran) is still read', async () => {
    const fs = nodeFileSystem();
    const old = (kind: RunInfo['data']['kind'], dir: string) =>
      ({ version: 1, data: { kind, dir }, tasks: [], taskDefs: [], maxSeqLength: 8 }) as RunInfo;
    expect(await runDataDir(old('synthetic', 'somewhere/run/data'), join(root, 'run'), fs)).toBe(
      join(root, 'run', 'data'),
    );
    process.chdir(root);
    expect(await runDataDir(old('folder', 'glue'), join(root, 'run'), fs)).toBe('glue'); // as trained here
    process.chdir(tmp());
    expect(await runDataDir(old('folder', '../glue'), join(root, 'run'), fs)).toBe(join(root, 'glue'));
  });

  /** A copy of the trained run with `file` (relative to it) overwritten; returns the copy's folder. */
  function damaged(file: string, text: string): string {
    const copy = join(tmp(), 'run');
    cpSync(join(root, 'run'), copy, { recursive: true });
    writeFileSync(join(copy, file), text);
    return copy;
  }

  const STATE = 'checkpoints/checkpoint-0000002/trainer_state.json';
  const state = () => JSON.parse(readFileSync(join(root, 'run', STATE), 'utf8'));
  it.each([
    ['train-config.json', '{"output": "run", "trainer": {', /train-config\.json: not valid JSON/],
    ['train-config.json', 'null', /train-config\.json: expected a JSON object of options/],
    [
      'train-config.json',
      '{"trainer": {"batchSize": null}}',
      /train-config\.json: trainer\.batchSize: expected number/,
    ],
    [STATE, 'null', /trainer_state\.json: \(root\): expected an object, got null/],
    [STATE, '{"version": 1, "step"', /trainer_state\.json: not valid JSON/],
    [
      STATE,
      () => JSON.stringify({ ...state(), epoch: null }),
      /trainer_state\.json: epoch: expected a finite number, got null/,
    ],
    [STATE, () => JSON.stringify({ ...state(), optimizer: { step: 2, paramSteps: null } }), /optimizer\.paramSteps/],
    ['checkpoints/latest.json', '{"path": null}', /latest\.json: "path" must name a checkpoint folder/],
  ])('--resume with a damaged %s: exit 1, one line naming it, and what to do', async (file, text, message) => {
    const copy = damaged(file, typeof text === 'function' ? text() : text);
    const r = await run('train', '--resume', '--output', copy, '--backend', 'cpu');
    expect(r.code).toBe(1);
    const line = errorLine(r.stderr);
    expect(line).toMatch(message);
    expect(line).toMatch(/\((the run's saved configuration is damaged|the checkpoint is damaged|delete )/);
  });

  it('eval with a damaged run.json names it', async () => {
    const copy = damaged('run.json', '{"version": 1, "data": null}');
    const r = await run('eval', '--model', join(copy, 'model'), '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(errorLine(r.stderr)).toMatch(/run\.json: data: expected object, got null/);
  });
});

describe('--task-def with "format": "csv" (RFC 4180)', () => {
  it('trains on it, skipping a bad row by file:line, and camtl data lists that row', async () => {
    const bert = await tinyBertFolder('cpu');
    const data = tmp();
    mkdirSync(join(data, 'mine'));
    const rows = [
      '"A fine, sturdy pan",pos',
      '"It said ""broken""\non arrival",neg',
      'Works well,pos',
      'odd row,maybe',
    ];
    writeFileSync(join(data, 'mine', 'train.csv'), ['text,label', ...rows, ...rows].join('\r\n') + '\r\n');
    writeFileSync(join(data, 'mine', 'dev.csv'), ['text,label', ...rows.slice(0, 3)].join('\n'));
    const def = join(data, 'mine.json');
    const spec = { name: 'mine', kind: 'classification', labels: ['neg', 'pos'], format: 'csv' };
    writeFileSync(
      def,
      JSON.stringify({
        ...spec,
        files: { train: 'mine/train.csv', dev: 'mine/dev.csv' },
        columns: { textA: 'text', label: 'label' },
      }),
    );
    const flags = ['--max-steps', '2', '--batch-size', '2', '--max-length', '32', '--backend', 'cpu'];
    const out = join(tmp(), 'run');
    const r = await run(
      'train',
      '--model',
      bert,
      '--data',
      data,
      '--task-def',
      def,
      '--skip-bad-rows',
      '--output',
      out,
      ...flags,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/mine train: 6 examples, 2 bad rows skipped/);
    const d = await run('data', '--glue', data, '--task', 'mine', '--task-def', def, '--json');
    expect(d.code, d.stderr).toBe(0);
    const skipped = JSON.parse(d.stdout).skipped as { line: number; reason: string }[];
    expect(skipped.map((s) => s.line)).toEqual([6, 11]); // a quoted line break makes a row two lines long
    expect(skipped[0].reason).toMatch(/expected a label in \{neg, pos\}/);
  });
});
