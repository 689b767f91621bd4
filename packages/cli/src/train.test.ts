import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, GLUE, run, tmp, tinyBertFolder } from './test-helpers';

const records = (dir: string) =>
  readFileSync(join(dir, 'train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('camtl train / eval / predict / submit on GLUE-layout data', () => {
  let bert: string;
  let out: string;
  beforeAll(async () => {
    bert = await tinyBertFolder();
    out = join(tmp(), 'run');
  });

  it("trains all nine reference tasks from a HF BERT folder (skipping QQP's bad rows)", async () => {
    const r = await run(
      'train',
      '--model',
      bert,
      '--data',
      GLUE,
      '--output',
      out,
      '--max-steps',
      '4',
      '--batch-size',
      '4',
      '--max-length',
      '32',
      '--skip-bad-rows',
      '--freeze',
      '0-0',
    );
    expect(r.stderr).toMatch(/qqp train: \d+ examples, \d+ bad rows skipped/);
    expect(r.code).toBe(0);
    for (const f of [
      'train.jsonl',
      'report.html',
      'run.json',
      'train-config.json',
      'model/model.safetensors',
      'model/vocab.txt',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const log = records(out);
    expect(log[0].tasks.map((t: { name: string }) => t.name)).toEqual([
      'cola',
      'mnli',
      'rte',
      'wnli',
      'qqp',
      'sts-b',
      'sst-2',
      'qnli',
      'mrpc',
    ]);
    expect(log.filter((x) => x.type === 'step')).toHaveLength(4);
    expect(log.at(-1)).toMatchObject({ type: 'end', reason: 'done' });
    expect(r.stdout).toMatch(/average/);
    // Every task is a GLUE task: selected by the paper's score; the mean is still logged beside it.
    for (const e of log.filter((x) => x.type === 'eval')) {
      expect(e.selectBy).toBe('paper');
      expect(typeof e.score).toBe('number');
      expect(typeof e.average).toBe('number');
    }
    expect(Object.keys(log.at(-1).final)).toEqual(
      expect.arrayContaining(['bestStep', 'bestAverage', 'bestScore', 'selectBy', 'average', 'score']),
    );
  });

  it("camtl eval on the exported model reproduces the training run's final metrics", async () => {
    const r = await run('eval', '--model', join(out, 'model'), '--json');
    expect(r.code).toBe(0);
    const evals = records(out).filter((x) => x.type === 'eval');
    const last = evals.at(-1);
    const got = JSON.parse(r.stdout);
    expect(got.scores).toEqual(last.scores);
    expect(got.average).toBe(last.average);
    expect(Object.keys(got.metrics)).toContain('mnli/dev_mismatched');
    expect(got).toMatchObject({ convention: 'paper', score: last.score });
    const mean = JSON.parse((await run('eval', '--model', join(out, 'model'), '--select-by', 'mean', '--json')).stdout);
    expect(mean).toMatchObject({ convention: 'mean', score: last.average, average: last.average });
    const human = await run('eval', '--model', join(out, 'model'));
    expect(human.stdout).toMatch(/average\s+\d\.\d{4}/);
    expect(human.stdout).toMatch(/score \(paper\)\s+\d\.\d{4}/);
  });

  it('camtl predict and camtl submit write valid files', async () => {
    const p = await run('predict', '--model', join(out, 'model'), '--output', join(out, 'preds'));
    expect(p.code).toBe(0);
    const sst = readFileSync(join(out, 'preds', 'sst-2.test.tsv'), 'utf8')
      .trim()
      .split('\n');
    expect(sst[0]).toBe('index\tprediction');
    expect(sst.slice(1).every((l) => /^\S+\t[01]$/.test(l))).toBe(true);
    const s = await run('submit', '--model', join(out, 'model'), '--output', join(out, 'submission'));
    expect(s.code).toBe(0);
    const zip = unzipSync(new Uint8Array(readFileSync(join(out, 'submission', 'submission.zip'))));
    expect(Object.keys(zip).sort()).toEqual([
      'AX.tsv',
      'CoLA.tsv',
      'MNLI-m.tsv',
      'MNLI-mm.tsv',
      'MRPC.tsv',
      'QNLI.tsv',
      'QQP.tsv',
      'RTE.tsv',
      'SST-2.tsv',
      'STS-B.tsv',
      'WNLI.tsv',
    ]);
    const mnli = new TextDecoder().decode(zip['MNLI-m.tsv']).trim().split('\n');
    expect(mnli.slice(1).every((l) => /\t(entailment|neutral|contradiction)$/.test(l))).toBe(true);
  });

  it('clear one-line errors: data without a model, an unknown task (usage: 2), nothing to resume (1)', async () => {
    for (const [argv, pattern, code] of [
      [['train', '--data', GLUE], /--data .* needs --model/, 2],
      [
        ['train', '--model', bert, '--data', GLUE, '--tasks', 'nope', '--output', join(tmp(), 'x')],
        /unknown task "nope"/,
        2,
      ],
      [['train', '--resume', '--output', join(tmp(), 'empty')], /no run to resume/, 1],
      [['eval', '--model', join(tmp(), 'none')], /model folder not found/, 1],
      [['eval', '--model', join(tmp(), 'none'), '--select-by', 'best'], /--select-by: expected paper or mean/, 1],
      [
        ['train', '--model', bert, '--data', GLUE, '--select-by', 'best'],
        /--select-by: expected "paper" \| "mean", got "best"/,
        2,
      ],
    ] as const) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(code);
      expect(r.stderr.trim().split('\n').pop()).toMatch(pattern);
    }
  });
});

describe('camtl data and camtl metrics', () => {
  it('data --json: count, skipped rows with line numbers and examples with the label as written', async () => {
    const r = await run('data', '--glue', GLUE, '--task', 'qqp', '--split', 'train', '--json');
    const got = JSON.parse(r.stdout);
    expect(Object.keys(got).sort()).toEqual(['count', 'examples', 'skipped']);
    expect(got.skipped.length).toBeGreaterThan(0);
    expect(got.skipped[0]).toEqual({ line: expect.any(Number), reason: expect.stringMatching(/columns/) });
    expect(got.examples).toHaveLength(got.count);
    expect(got.examples[0]).toEqual({
      text_a: expect.any(String),
      text_b: expect.any(String),
      label: expect.stringMatching(/^[01]$/),
      id: expect.any(String),
    });
    const mnli = JSON.parse(
      (await run('data', '--glue', GLUE, '--task', 'mnli', '--split', 'dev_mismatched', '--json')).stdout,
    );
    expect(mnli.count).toBeGreaterThan(0);
    const human = await run('data', '--glue', GLUE, '--task', 'sts-b', '--split', 'dev');
    expect(human.stdout).toMatch(/example/);
  });

  it('metrics prints the GLUE keys, null where undefined', async () => {
    const dir = tmp();
    const write = (name: string, value: unknown) => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(value));
      return f;
    };
    const mrpc = JSON.parse(
      (
        await run(
          'metrics',
          '--task',
          'mrpc',
          '--input',
          write('a.json', { predictions: [1, 0, 1, 1], labels: [1, 0, 0, 1] }),
        )
      ).stdout,
    );
    expect(mrpc).toEqual({ accuracy: 0.75, f1: 0.8, acc_and_f1: 0.775 });
    const stsb = JSON.parse(
      (
        await run(
          'metrics',
          '--task',
          'sts-b',
          '--input',
          write('b.json', { predictions: [1, 1, 1], labels: [0.5, 2, 3] }),
        )
      ).stdout,
    );
    expect(stsb).toEqual({ pearson: null, spearman: null, pearson_and_spearman: null });
    const cola = await run(
      'metrics',
      '--task',
      'cola',
      '--input',
      write('c.json', { predictions: [1], labels: [1, 0] }),
    );
    expect(cola.code).toBe(1);
  });
});

/** Sends `signal` to `child` once the run in `out` has a checkpoint at `step` or later. */
function signalAtCheckpoint(child: ChildProcess, out: string, step: number, signal: NodeJS.Signals): void {
  const latest = join(out, 'checkpoints', 'latest.json');
  const timer = setInterval(() => {
    if (existsSync(latest) && JSON.parse(readFileSync(latest, 'utf8')).step >= step) {
      child.kill(signal);
      clearInterval(timer);
    }
  }, 20);
  child.on('exit', () => clearInterval(timer));
}

describe.skipIf(!existsSync(BIN))('a killed run resumes exactly (cpu, fixed seed)', () => {
  const args = (out: string) => [
    BIN,
    'train',
    '--output',
    out,
    '--limit',
    '24',
    '--max-steps',
    '8',
    '--save-every',
    '2',
    '--batch-size',
    '4',
    '--backend',
    'cpu',
    '--seed',
    '3',
  ];
  const weights = (out: string) => readFileSync(join(out, 'checkpoints', 'checkpoint-0000008', 'model.safetensors'));

  it('SIGKILL after a checkpoint, then --resume: the final weights equal an uninterrupted run, bit for bit', async () => {
    const straight = join(tmp(), 'straight');
    expect(spawnSync(process.execPath, args(straight), { encoding: 'utf8' }).status).toBe(0);
    const killed = join(tmp(), 'killed');
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, args(killed), { stdio: 'ignore' });
      signalAtCheckpoint(child, killed, 4, 'SIGKILL');
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? done() : fail(new Error(`run ended by itself (${code}) before the kill`)),
      );
    });
    expect(existsSync(join(killed, 'model'))).toBe(false);
    const resumed = spawnSync(process.execPath, [BIN, 'train', '--resume', '--output', killed, '--backend', 'cpu'], {
      encoding: 'utf8',
    });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(weights(killed).equals(weights(straight))).toBe(true);
    // The killed run may have logged steps past its checkpoint: the resumed schedule is still exact.
    const schedule = (out: string) => readFileSync(join(out, 'schedule.jsonl'), 'utf8');
    expect(schedule(killed)).toEqual(schedule(straight));
  }, 600_000);

  it('Ctrl-C (SIGINT) stops at a step boundary with a checkpoint and exits 130', async () => {
    const out = join(tmp(), 'sigint');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = spawn(process.execPath, [...args(out), '--max-steps', '400'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      signalAtCheckpoint(child, out, 2, 'SIGINT');
      child.on('exit', (c) => done({ code: c, stdout }));
    });
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted at step \d+/);
    expect(stdout).toContain(`resume with: camtl train --resume --output ${out}`);
  }, 600_000);
});
