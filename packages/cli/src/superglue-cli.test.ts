// camtl data and camtl metrics on the SuperGLUE tasks (the shipped slices of the official files).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tmp } from './test-helpers';

const SUPERGLUE = resolve(__dirname, '..', '..', 'testkit', 'fixtures', 'superglue');

function inputFile(value: unknown): string {
  const f = join(tmp(), 'in.json');
  writeFileSync(f, JSON.stringify(value));
  return f;
}

describe('camtl data on SuperGLUE folders', () => {
  it('copa --json: the multiple-choice shape {text_a, choices, label, id} and the quirks', async () => {
    const r = await run('data', '--glue', SUPERGLUE, '--task', 'copa', '--split', 'train', '--json');
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(Object.keys(got)).toEqual(['count', 'skipped', 'examples', 'quirks']);
    expect(got.count).toBe(4);
    expect(got.examples[0]).toEqual({
      text_a: 'My body cast a shadow over the grass. What was the cause of this?',
      choices: ['The sun was rising.', 'The grass was cut.'],
      label: '0',
      id: '0',
    });
    expect(got.quirks).toEqual({ 'questions asking for the cause': 4 });
  });

  it('multirc --json: one row per answer option with its group; dev reads val.jsonl', async () => {
    const got = JSON.parse(
      (await run('data', '--glue', SUPERGLUE, '--task', 'MultiRC', '--split', 'dev', '--json')).stdout,
    );
    expect(got.count).toBe(21);
    expect(got.examples[0]).toEqual({
      text_a: expect.any(String),
      text_b: expect.stringMatching(/ /),
      label: 'true',
      id: '36-422-2134',
      group: '36/422',
    });
    expect(got.quirks).toEqual({ paragraphs: 1, questions: 5 });
  });

  it('the human output lists the quirks; axb reads the labelled diagnostic as test', async () => {
    const r = await run('data', '--glue', SUPERGLUE, '--task', 'wsc', '--split', 'train');
    expect(r.stdout).toContain('wsc train');
    expect(r.stdout).toContain('quirks (read as they are):');
    expect(r.stdout).toMatch(/ {6}1 {2}span2 followed by punctuation in the text/);
    expect(r.stdout).toContain('"he refers to the lawyer"');
    const axb = await run('data', '--glue', SUPERGLUE, '--task', 'axb', '--split', 'test');
    expect(axb.stdout).toMatch(/axb test \(.*\): 5 examples/);
    expect(axb.stdout).toMatch(/not_entailment\s+\d+/);
  });
});

describe('camtl data --file', () => {
  it("reads a file wherever it is, with the task's reader, and names it in errors", async () => {
    const copy = join(tmp(), 'copa-sample.jsonl');
    writeFileSync(copy, readFileSync(join(SUPERGLUE, 'COPA', 'train.jsonl')));
    const r = await run('data', '--task', 'copa', '--split', 'train', '--file', copy, '--json');
    expect(r.code).toBe(0);
    const byFolder = await run('data', '--glue', SUPERGLUE, '--task', 'copa', '--split', 'train', '--json');
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(byFolder.stdout));
    writeFileSync(copy, '{"premise": "x"\n');
    const bad = await run('data', '--task', 'copa', '--split', 'train', '--file', copy, '--json');
    expect(JSON.parse(bad.stdout).skipped[0].line).toBe(1);
    const missing = await run('data', '--task', 'copa', '--split', 'dev', '--file', join(tmp(), 'nope.jsonl'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('nope.jsonl');
  });
});

describe('camtl metrics on SuperGLUE tasks', () => {
  it('cb, multirc (groups), axg (groups), axb: the official keys, as fractions', async () => {
    const metrics = async (task: string, value: unknown) => {
      const r = await run('metrics', '--task', task, '--input', inputFile(value));
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };
    // Per-class F1: entailment 2/3, contradiction 2/3, neutral 1.
    const cb = await metrics('cb', { predictions: ['neutral', 0, 1, 1], labels: [2, 0, 1, 0] });
    expect(cb.accuracy).toBe(0.75);
    expect(cb.f1).toBeCloseTo(7 / 9, 15);
    const multirc = { predictions: [1, 0, 1, 1], labels: [1, 0, 0, 1], groups: ['x', 'y', 'x', 'y'] };
    expect(await metrics('multirc', multirc)).toEqual({ f1a: 0.8, em: 0.5 });
    const axg = { predictions: [0, 1, 1, 1], labels: [0, 0, 1, 1], groups: ['a', 'a', 'b', 'b'] };
    expect(await metrics('axg', axg)).toEqual({ accuracy: 0.75, gender_parity: 0.5 });
    expect(await metrics('axb', { predictions: [1, 0, 1, 0], labels: [0, 1, 0, 1] })).toEqual({ mcc: -1 });
    expect(await metrics('boolq', { predictions: [true, false], labels: ['true', 'true'] })).toEqual({ accuracy: 0.5 });
  });

  it('a bad input is a one-line error naming the file', async () => {
    const f = inputFile({ predictions: [0, 1], labels: [0, 1] });
    const r = await run('metrics', '--task', 'multirc', '--input', f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}: expected "groups": [...] (one group id per prediction)`);
  });
});

describe('help texts', () => {
  it('data and metrics --help name the SuperGLUE tasks and the input shapes', async () => {
    const data = (await run('data', '--help')).stdout;
    expect(data).toContain('multirc, record, wic, wsc, axb, axg), wnut17, scitail, snli, squad');
    expect(data).toContain('{text_a, choices, label?, id?}');
    const metrics = (await run('metrics', '--help')).stdout;
    expect(metrics).toContain('SuperGLUE: boolq, cb, copa, multirc, record, ');
    expect(metrics).toContain('"groups"');
  });
});
