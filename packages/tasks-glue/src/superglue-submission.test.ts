import { memoryFileSystem } from '@camtl/core';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  SUPERGLUE_SUBMISSION_FILES,
  pythonJson,
  superglueJsonl,
  superglueSubmissionFiles,
  writeSuperGlueSubmission,
} from './superglue-submission';
import { caught } from './test-helpers';

const line = (idx: number, label: string | number) => `{"idx": ${idx}, "label": ${JSON.stringify(label)}}\n`;

describe('SuperGLUE test-server files', () => {
  it('BoolQ and WiC write "true"/"false", WSC "True"/"False", from class ids or label strings', () => {
    expect(superglueJsonl('boolq', { ids: ['0', '1', 2], predictions: [1, 0, 'True'] })).toBe(
      line(0, 'true') + line(1, 'false') + line(2, 'true'),
    );
    expect(superglueJsonl('wic', { ids: [5], predictions: ['false'] })).toBe(line(5, 'false'));
    expect(superglueJsonl('wsc', { ids: [0, 1, 2], predictions: [1, 0, 'true'] })).toBe(
      line(0, 'True') + line(1, 'False') + line(2, 'True'),
    );
  });

  it('CB, RTE, AX-b and AX-g write the label strings; AX-b ids written as strings become ints', () => {
    expect(superglueJsonl('cb', { ids: [0, 1, 2], predictions: [0, 1, 'neutral'] })).toBe(
      line(0, 'entailment') + line(1, 'contradiction') + line(2, 'neutral'),
    );
    expect(superglueJsonl('rte', { ids: [0, 1], predictions: [1, 0] })).toBe(
      line(0, 'not_entailment') + line(1, 'entailment'),
    );
    expect(superglueJsonl('axb', { ids: ['0', '10'], predictions: [0, 1] })).toBe(
      '{"idx": 0, "label": "entailment"}\n{"idx": 10, "label": "not_entailment"}\n',
    );
    expect(superglueJsonl('axg', { ids: [3], predictions: ['entailment'] })).toBe(line(3, 'entailment'));
  });

  it('COPA writes the choice as an int; ReCoRD the answer text per query idx', () => {
    expect(superglueJsonl('copa', { ids: [0, 1], predictions: [1, '0'] })).toBe(
      '{"idx": 0, "label": 1}\n{"idx": 1, "label": 0}\n',
    );
    expect(superglueJsonl('record', { ids: ['12', '13'], predictions: ['Jeff Flake', 'Trump'] })).toBe(
      '{"idx": 12, "label": "Jeff Flake"}\n{"idx": 13, "label": "Trump"}\n',
    );
  });

  it('MultiRC nests the answer options by paragraph and question, in first-seen order', () => {
    const text = superglueJsonl('multirc', {
      ids: ['36-422-2134', '36-422-2135', '36-423-2140', '4-50-7', '36-422-2136'],
      predictions: [1, 0, 'true', '0', 'false'],
    });
    expect(text).toBe(
      '{"idx": 36, "passage": {"questions": [' +
        '{"idx": 422, "answers": [{"idx": 2134, "label": 1}, {"idx": 2135, "label": 0}, {"idx": 2136, "label": 0}]}, ' +
        '{"idx": 423, "answers": [{"idx": 2140, "label": 1}]}]}}\n' +
        '{"idx": 4, "passage": {"questions": [{"idx": 50, "answers": [{"idx": 7, "label": 0}]}]}}\n',
    );
  });

  it('lines are Python json.dumps bytes: separators and escapes (checked against CPython)', () => {
    const label = 'a\u00e7a\u00ed "Q" \\ \x7f\x01\t\u2028 \u{1f600}';
    expect(pythonJson({ idx: 7, label })).toBe(
      '{"idx": 7, "label": "a\\u00e7a\\u00ed \\"Q\\" \\\\ \\u007f\\u0001\\t\\u2028 \\ud83d\\ude00"}',
    );
    expect(pythonJson({ a: [], b: {}, c: [1, 'x'] })).toBe('{"a": [], "b": {}, "c": [1, "x"]}');
  });

  it('bad inputs are one-line errors naming the task', async () => {
    const bad = async (key: string, ids: (string | number)[], predictions: (string | number)[]) =>
      (await caught(() => superglueJsonl(key, { ids, predictions }))).message;
    expect(await bad('cb', [0], [3])).toBe('superglue submission for "cb": prediction 3 is not a class id 0…2');
    expect(await bad('boolq', [0], ['yes'])).toBe(
      'superglue submission for "boolq": prediction "yes" is not one of false, true',
    );
    expect(await bad('wic', [0, 0], [1, 1])).toBe('superglue submission for "wic": duplicate id "0" at position 1');
    expect(await bad('wsc', ['train-3'], [1])).toBe(
      'superglue submission for "wsc": id "train-3" at position 0 is not an integer idx',
    );
    expect(await bad('multirc', ['1-2'], [1])).toMatch(/id "1-2" at position 0 is not "paragraph-question-answer"$/);
    expect(await bad('record', [0], [1])).toMatch(/prediction 1 is not an answer text$/);
    expect(await bad('copa', [0, 1], [1])).toMatch(/2 ids but 1 predictions$/);
    expect((await caught(() => superglueSubmissionFiles({ cola: { ids: [0], predictions: [1] } }))).message).toMatch(
      /^superglue submission for "cola": no SuperGLUE file; use one of boolq, cb, .*axg$/,
    );
    for (const m of [await bad('cb', [0], [3]), await bad('multirc', ['x'], [1])]) expect(m).not.toContain('\n');
  });

  it('writes the files and a zip of them, and names the missing ones', async () => {
    const fs = memoryFileSystem();
    const preds = {
      cb: { ids: [0], predictions: [2] },
      copa: { ids: [0], predictions: [1] },
      multirc: { ids: ['0-0-0'], predictions: [1] },
      record: { ids: [0], predictions: ['x'] },
    };
    const result = await writeSuperGlueSubmission(preds, 'out/sg', fs);
    expect(result.zip).toBe('out/sg/submission.zip');
    expect(result.files).toEqual([
      'out/sg/CB.jsonl',
      'out/sg/COPA.jsonl',
      'out/sg/MultiRC.jsonl',
      'out/sg/ReCoRD.jsonl',
    ]);
    expect(result.missing).toEqual(['BoolQ.jsonl', 'RTE.jsonl', 'WiC.jsonl', 'WSC.jsonl', 'AX-b.jsonl', 'AX-g.jsonl']);
    const unzipped = unzipSync(fs.files.get('out/sg/submission.zip')!);
    expect(Object.keys(unzipped)).toEqual(['CB.jsonl', 'COPA.jsonl', 'MultiRC.jsonl', 'ReCoRD.jsonl']);
    for (const [name, bytes] of Object.entries(unzipped))
      expect(strFromU8(bytes)).toBe(new TextDecoder().decode(fs.files.get(`out/sg/${name}`)));
    expect(strFromU8(unzipped['CB.jsonl'])).toBe('{"idx": 0, "label": "neutral"}\n');
    const none = await writeSuperGlueSubmission({}, 'o', fs, { zip: false });
    expect(none.zip).toBeUndefined();
    expect(none.missing).toEqual(SUPERGLUE_SUBMISSION_FILES.map((e) => e.file));
  });
});
