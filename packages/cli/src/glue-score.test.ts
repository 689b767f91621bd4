import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmp } from './test-helpers';

/** BERT-base's published GLUE test row (spec §6.3), each task as `camtl metrics` prints it. */
const BERT_BASE = {
  cola: { mcc: 0.521 },
  'sst-2': { accuracy: 0.935 },
  mrpc: { accuracy: 0.849, f1: 0.889, acc_and_f1: 0.869 },
  'sts-b': { pearson: 0.871, spearman: 0.858, pearson_and_spearman: 0.8645 },
  qqp: { accuracy: 0.892, f1: 0.712, acc_and_f1: 0.802 },
  mnli: { accuracy: 0.846 },
  'mnli-mm': { accuracy: 0.834 },
  qnli: { accuracy: 0.905 },
  rte: { accuracy: 0.664 },
  wnli: { accuracy: 0.651 },
};

function write(value: unknown, text?: string): string {
  const f = join(tmp(), 'metrics.json');
  writeFileSync(f, text ?? JSON.stringify(value));
  return f;
}

describe('camtl glue-score', () => {
  it("--json: BERT-base's published row gives 0.796 in the paper convention (the default)", async () => {
    const r = await run('glue-score', '--input', write(BERT_BASE), '--json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(Object.keys(got)).toEqual(['convention', 'score', 'entries']);
    expect(got.convention).toBe('paper');
    expect(got.score.toFixed(3)).toBe('0.796');
    expect(Object.keys(got.entries)).toHaveLength(9);
    expect(got.entries).not.toHaveProperty('wnli.accuracy');
  });

  it('--convention mean: the average of every task score, WNLI included; a readable table without --json', async () => {
    const file = write(BERT_BASE);
    const mean = JSON.parse((await run('glue-score', '--input', file, '--convention', 'mean', '--json')).stdout);
    expect(mean.convention).toBe('mean');
    expect(mean.entries.wnli).toBe(0.651);
    expect(mean.score).toBeCloseTo(0.78915, 12); // (0.521 + 0.935 + 0.869 + 0.8645 + 0.802 + 0.846 + 0.834 + 0.905 + 0.664 + 0.651) / 10
    const human = await run('glue-score', '--input', file);
    expect(human.stdout).toMatch(/paper convention/);
    expect(human.stdout).toMatch(/cola\.mcc\s+0\.5210/);
    expect(human.stdout).toMatch(/score\s+0\.7960/);
  });

  it('one-line errors naming the file, the task or the key', async () => {
    const missing = join(tmp(), 'nope.json');
    for (const [argv, pattern] of [
      [['--input', write(null, '{"cola": ')], /metrics\.json: not valid JSON/],
      [['--input', missing], /nope\.json/],
      [['--input', write([1, 2])], /metrics\.json: expected an object/],
      [['--input', write({ boolq: { accuracy: 1 } })], /metrics\.json: glue score: unknown task "boolq"/],
      [['--input', write({ 'sts-b': { pearson: 1 } })], /task "sts-b" has no metric "spearman"/],
      [['--input', write(BERT_BASE), '--convention', 'best'], /--convention: expected paper or mean/],
      [[], /needs --input/],
    ] as const) {
      const r = await run('glue-score', ...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
  });
});
