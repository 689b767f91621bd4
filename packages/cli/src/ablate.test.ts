// camtl ablate: every arm × seed (× data fraction) trained in its own folder,
// finished runs skipped on a rerun, and the comparison as a table, JSON and HTML.
// camtl train --data-fraction: the subset is recorded in the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArms } from './ablate/arms';
import { runScores } from './ablate/results';
import { trainCommand } from './commands/train';
import { run, tmp } from './test-helpers';

// Tiny runs on the built-in suite: a few steps, a few rows per split.
const TINY = ['--max-steps', '2', '--limit', '24', '--batch-size', '4', '--max-length', '32'];
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('camtl ablate', () => {
  it('trains arms × seeds in their own folders, prints mean ± sd, and skips finished runs when rerun', async () => {
    const out = join(tmp(), 'ablate');
    const arms = 'ca-mtl;ca-mtl --lr 0.002';
    const r = await run('ablate', '--arms', arms, '--seeds', '2', '--seed', '3', ...TINY, '--output', out);
    expect(r.code, r.stderr).toBe(0);
    for (const dir of ['ca-mtl/seed-3', 'ca-mtl/seed-4', 'ca-mtl-lr-0.002/seed-3', 'ca-mtl-lr-0.002/seed-4']) {
      expect(existsSync(join(out, dir, 'result.json')), dir).toBe(true);
      expect(json(join(out, dir, 'train-config.json')).trainer.seed).toBe(Number(dir.slice(-1)));
    }
    expect(json(join(out, 'ca-mtl-lr-0.002/seed-3/train-config.json')).trainer.learningRate).toBe(0.002);
    expect(r.stderr).toMatch(/\[4\/4\] ca-mtl --lr 0\.002, seed 4: mean -?\d\.\d{4} at step 2, \d+s/);
    expect(r.stdout).toMatch(/^arm\s+synthetic-sentiment\s+synthetic-paraphrase\s+.*mean\s+data used/);
    expect(r.stdout).toMatch(/\nca-mtl --lr 0\.002\s+\d\.\d{3} ± \d\.\d{3}/);

    const summary = json(join(out, 'ablation.json'));
    expect(summary.arms).toEqual(['ca-mtl', 'ca-mtl --lr 0.002']);
    expect(summary.rows.map((x: { seeds: number[] }) => x.seeds)).toEqual([
      [3, 4],
      [3, 4],
    ]);
    expect(summary.runs).toHaveLength(4);
    // The row is the mean and sample sd of the two runs' best-evaluation scores.
    const scores = summary.runs
      .filter((x: { arm: string }) => x.arm === 'ca-mtl')
      .map((x: { tasks: Record<string, number> }) => x.tasks['synthetic-sentiment']);
    const stat = summary.rows[0].tasks['synthetic-sentiment'];
    expect(stat.mean).toBeCloseTo((scores[0] + scores[1]) / 2, 12);
    expect(stat.sd).toBeCloseTo(Math.abs(scores[0] - scores[1]) / Math.SQRT2, 12);
    expect(readFileSync(join(out, 'ablation.html'), 'utf8')).toContain('<svg class="cmp-chart"');

    const again = await run(
      'ablate',
      '--arms',
      arms,
      '--seeds',
      '2',
      '--seed',
      '3',
      ...TINY,
      '--output',
      out,
      '--json',
    );
    expect(again.code).toBe(0);
    expect(again.stderr.match(/done before, skipped/g)).toHaveLength(4);
    expect(JSON.parse(again.stdout).rows).toEqual(summary.rows);

    const other = await run(
      'ablate',
      '--arms',
      arms,
      '--seeds',
      '1',
      '--seed',
      '3',
      ...TINY,
      '--lr',
      '0.1',
      '--output',
      out,
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/ca-mtl[/\\]seed-3 holds a run with other train options/);
  }, 120_000);

  it('adds a data-fraction axis: each fraction in its folder, recorded in the run', async () => {
    const out = join(tmp(), 'ablate');
    const r = await run(
      'ablate',
      '--arms',
      'ca-mtl',
      '--seeds',
      '1',
      '--data-fractions',
      '1,0.5',
      ...TINY,
      '--output',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const half = join(out, 'ca-mtl/seed-0/frac-0.5');
    expect(json(join(half, 'run.json')).dataFraction).toBe(0.5);
    const runRecord = JSON.parse(readFileSync(join(half, 'train.jsonl'), 'utf8').split('\n')[0]);
    expect(runRecord.tasks.map((t: { trainSize: number }) => t.trainSize)).toEqual([12, 12, 12, 12]);
    expect(runRecord.config.dataFraction).toBe(0.5);
    expect(json(join(out, 'ablation.json')).fractions).toEqual([0.5, 1]);
    expect(r.stdout).toContain('training data: 50% of each task');
    expect(readFileSync(join(out, 'ablation.html'), 'utf8')).toContain('Data efficiency');
  }, 60_000);

  it('refuses a bad arm, seed count or fraction with a one-line error', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--arms', 'ca-mtl --bogus 1'], /^error: camtl ablate: arm "ca-mtl --bogus 1": Unknown option '--bogus' \(/],
      [['--arms', 'bert'], /^error: camtl ablate: arm "bert": unknown model "bert" \(.*ca-mtl, mtl-bert\)/],
      [['--arms', 'ca-mtl --output x'], /arm "ca-mtl --output x": --output is set by camtl ablate for every run/],
      [['--arms', 'ca-mtl;ca-mtl'], /arms "ca-mtl" and "ca-mtl" are the same run folder/],
      [['--arms', 'ca-mtl', '--seeds', '0'], /--seeds: expected a positive integer, got "0"/],
      [
        ['--arms', 'ca-mtl --data-fraction 0.5', '--data-fractions', '0.1,1'],
        /sets --data-fraction, and --data-fractions is given/,
      ],
      [
        ['--arms', 'ca-mtl', '--data-fractions', '0.1,2'],
        /--data-fraction: expected a number from 0\.001 to 1, got "2"/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await run('ablate', ...argv, '--output', join(tmp(), 'x'));
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('parses an arm with the flags of camtl train, so new train flags work in arms', () => {
    const [a, b] = parseArms(' ca-mtl ; ca-mtl  --sampler proportional --skip-bad-rows ', trainCommand);
    expect(a).toEqual({ label: 'ca-mtl', slug: 'ca-mtl', flags: {} });
    expect(b).toEqual({
      label: 'ca-mtl --sampler proportional --skip-bad-rows',
      slug: 'ca-mtl-sampler-proportional-skip-bad-rows',
      flags: { sampler: 'proportional', 'skip-bad-rows': true },
    });
    const withPreset = {
      ...trainCommand,
      flags: { ...trainCommand.flags, preset: { type: 'string' as const, description: '' } },
    };
    expect(parseArms('mtl-bert', withPreset)[0].flags).toEqual({ preset: 'mtl-bert' });
    if (!('preset' in trainCommand.flags))
      expect(() => parseArms('mtl-bert', trainCommand)).toThrowError(/arm "mtl-bert": needs camtl train --preset/);
  });

  it('reports the selection score (GLUE: the paper convention) before the mean', () => {
    const ev = { type: 'eval' as const, step: 1, epoch: 1, time: 0, split: 'dev', metrics: {}, scores: {}, best: true };
    expect(runScores({ ...ev, average: 0.5, score: 0.6, selectBy: 'paper' })).toEqual({
      'GLUE (paper)': 0.6,
      mean: 0.5,
    });
    expect(runScores({ ...ev, average: 0.5, score: 0.5, selectBy: 'mean' })).toEqual({ mean: 0.5 });
    expect(runScores({ ...ev, average: 0.4 })).toEqual({ mean: 0.4 });
  });

  it('states its default run time in --help', async () => {
    const r = await run('ablate', '--help');
    expect(r.stdout).toMatch(/default: about \d+ minutes on 2 cores/);
    expect(r.stdout).toContain('--data-fractions F,…');
    expect(r.stdout).toContain('--max-steps N');
  });
});

describe('camtl train --data-fraction', () => {
  it('trains on the seeded subset, says so at the start, and records it in run.json', async () => {
    const out = join(tmp(), 'run');
    const r = await run('train', ...TINY, '--data-fraction', '0.25', '--output', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('data fraction: 0.25 of each train split (seeded subset, seed 0)');
    expect(r.stderr).toMatch(/synthetic-polarity train: 6 \/ 240 examples/);
    expect(json(join(out, 'run.json')).dataFraction).toBe(0.25);
    const bad = await run('train', '--data-fraction', '0', '--output', out);
    expect(bad.code).toBe(2); // a bad flag value: a usage error
    expect(bad.stderr).toMatch(/^error: --data-fraction: expected a number from 0\.001 to 1, got 0 \(/);
  }, 60_000);
});
