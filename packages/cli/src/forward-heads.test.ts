import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hfHeadsFixturePath, maxAbsDiff } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import { forwardJson, run, tmp } from './test-helpers';

const HEADS = ['token-classification', 'question-answering', 'multiple-choice'];
const json = (head: string, file: string) => JSON.parse(readFileSync(hfHeadsFixturePath(head, file), 'utf8'));

describe.each(['cpu', 'wasm'])('camtl forward on HF task-head checkpoints [%s]', (backend) => {
  it.each(HEADS)('%s matches PyTorch within 1e-4 (logits and loss)', async (head) => {
    const { out, ...r } = await forwardJson(hfHeadsFixturePath(head), json(head, 'inputs.json'), backend);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ref = json(head, 'expected.json').outputs;
    expect(Object.keys(out).sort()).toEqual(Object.keys(ref).sort()); // logits | start/end_logits, loss, hidden states
    for (const key of Object.keys(ref)) {
      if (key === 'loss') expect(Math.abs(out.loss - ref.loss)).toBeLessThan(1e-4);
      else {
        expect(out[key].shape, key).toEqual(ref[key].shape);
        expect(maxAbsDiff(out[key].data, ref[key].data), key).toBeLessThan(1e-4);
      }
    }
  });

  it('without targets there is no loss, and the human output names the architecture', async () => {
    const { labels: _labels, ...inputs } = json('multiple-choice', 'inputs.json');
    const { out } = await forwardJson(hfHeadsFixturePath('multiple-choice'), inputs, backend);
    expect(out.loss).toBeUndefined();
    expect(out.logits.shape).toEqual([2, 3]);
    const d = tmp();
    writeFileSync(join(d, 'in.json'), JSON.stringify(json('question-answering', 'inputs.json')));
    const r = await run('forward', '--model', hfHeadsFixturePath('question-answering'), '--input', join(d, 'in.json'));
    expect(r.stdout).toMatch(/BertForQuestionAnswering\n.*\nstart_logits \[4,10\]\nend_logits \[4,10\]\nloss \d/);
  });
});

/** The fixture's inputs.json of `head` with `edit` applied, written to a fresh folder. */
function editedInputs(head: string, edit: (inputs: any) => void): string {
  const inputs = json(head, 'inputs.json');
  edit(inputs);
  const file = join(tmp(), 'in.json');
  writeFileSync(file, JSON.stringify(inputs));
  return file;
}

const flat = (data: number[], shape: number[]) => ({ shape, dtype: 'int64', data });

describe('camtl forward on HF task heads: malformed inputs are one-line errors naming the file', () => {
  const cases: Array<[string, string, (inputs: any) => void, RegExp]> = [
    [
      'multiple choice with rank-2 input_ids',
      'multiple-choice',
      (i) => (i.input_ids.shape = [6, 7]),
      /in\.json: input_ids must be \[batch, choices, seq\] for BertForMultipleChoice, got \[6,7\]/,
    ],
    [
      'token labels of the wrong shape',
      'token-classification',
      (i) => (i.labels = flat(i.labels.data.slice(0, 9), [1, 9])),
      /in\.json: labels: expected shape \[batch, seq\] = \[3,9\], got \[1,9\]/,
    ],
    [
      'a token label outside the tag set',
      'token-classification',
      (i) => (i.labels.data[4] = 5),
      /in\.json: labels: value 5 at flat index 4 is neither -100 nor in \[0, 5\)/,
    ],
    [
      'start_positions without end_positions',
      'question-answering',
      (i) => delete i.end_positions,
      /in\.json: give both start_positions and end_positions, or neither/,
    ],
    [
      'QA positions of the wrong shape',
      'question-answering',
      (i) => (i.end_positions = flat([1, 2], [2])),
      /in\.json: end_positions: expected shape \[batch\] = \[4\], got \[2\]/,
    ],
    [
      'a multiple-choice label past the choices',
      'multiple-choice',
      (i) => (i.labels.data[0] = 3),
      /in\.json: labels: value 3 at flat index 0 is neither -100 nor in \[0, 3\)/,
    ],
    [
      'an attention_mask of another shape',
      'multiple-choice',
      (i) => (i.attention_mask = flat(i.attention_mask.data.slice(0, 14), [2, 7])),
      /in\.json: attention_mask: shape \[2,7\] differs from input_ids \[2,3,7\]/,
    ],
  ];
  it.each(cases)('%s', async (_name, head, edit, pattern) => {
    const r = await run('forward', '--model', hfHeadsFixturePath(head), '--input', editedInputs(head, edit));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  });

  it('the help text lists the heads and their inputs', async () => {
    const r = await run('forward', '--help');
    for (const s of ['BertForTokenClassification', 'BertForMultipleChoice', 'start_positions', 'end_logits']) {
      expect(r.stdout).toContain(s);
    }
  });
});
