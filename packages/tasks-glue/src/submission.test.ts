import { memoryFileSystem } from '@camtl/core';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { defineTask } from './define';
import { GLUE_SUBMISSION_FILES, glueSubmissionFiles, writeGlueSubmission, zipSubmission } from './submission';
import { caught } from './test-helpers';

const all = {
  cola: { ids: [0, 1], predictions: [1, 0] },
  'sst-2': { ids: [0, 1], predictions: [0, 1] },
  mrpc: { ids: [0, 1], predictions: [1, 1] },
  'sts-b': { ids: [0, 1, 2], predictions: [5.7, -0.3, 2.71828] },
  qqp: { ids: [0, 1], predictions: [0, '1'] },
  'mnli-m': { ids: [0, 1], predictions: [0, 2] },
  'mnli-mm': { ids: [0], predictions: ['entailment'] },
  qnli: { ids: [0], predictions: [1] },
  rte: { ids: [0], predictions: [0] },
  wnli: { ids: [0], predictions: [1] },
  ax: { ids: [0, 1, 2], predictions: [1, 0, 2] },
};

describe('GLUE test-server submission', () => {
  it('one TSV per task with the server names, header and label strings', () => {
    const files = glueSubmissionFiles(all);
    expect(Object.keys(files).sort()).toEqual(GLUE_SUBMISSION_FILES.map((e) => e.file).sort());
    expect(files['CoLA.tsv']).toBe('index\tprediction\n0\t1\n1\t0\n');
    expect(files['STS-B.tsv']).toBe('index\tprediction\n0\t5.000\n1\t0.000\n2\t2.718\n');
    expect(files['MNLI-m.tsv']).toBe('index\tprediction\n0\tcontradiction\n1\tneutral\n');
    expect(files['MNLI-mm.tsv']).toBe('index\tprediction\n0\tentailment\n');
    expect(files['QNLI.tsv']).toBe('index\tprediction\n0\tnot_entailment\n');
    expect(files['RTE.tsv']).toBe('index\tprediction\n0\tentailment\n');
    expect(files['QQP.tsv']).toBe('index\tprediction\n0\t0\n1\t1\n');
    expect(files['AX.tsv']).toBe('index\tprediction\n0\tentailment\n1\tcontradiction\n2\tneutral\n');
  });

  it('writes the files and a zip that round-trips through fflate', async () => {
    const fs = memoryFileSystem();
    const result = await writeGlueSubmission(all, 'out/glue', fs);
    expect(result.missing).toEqual([]);
    expect(result.zip).toBe('out/glue/submission.zip');
    expect(result.files).toContain('out/glue/MNLI-mm.tsv');
    const unzipped = unzipSync(fs.files.get('out/glue/submission.zip')!);
    expect(Object.keys(unzipped).sort()).toEqual(GLUE_SUBMISSION_FILES.map((e) => e.file).sort());
    for (const [name, bytes] of Object.entries(unzipped)) {
      expect(strFromU8(bytes)).toBe(new TextDecoder().decode(fs.files.get(`out/glue/${name}`)));
    }
  });

  it('a partial submission lists what the server will miss; the zip is deterministic', async () => {
    const fs = memoryFileSystem();
    const result = await writeGlueSubmission({ rte: all.rte }, 'o', fs, { zip: false });
    expect(result.files).toEqual(['o/RTE.tsv']);
    expect(result.zip).toBeUndefined();
    expect(result.missing).toHaveLength(10);
    const files = glueSubmissionFiles({ rte: all.rte });
    expect(zipSubmission(files)).toEqual(zipSubmission(files));
  });

  it('a custom task with a submissionFile joins when passed in, and only then', async () => {
    const mine = defineTask({
      name: 'my-nli',
      kind: 'classification',
      labels: ['no', 'yes'],
      format: 'tsv',
      files: { test: 'x.tsv' },
      columns: { textA: 0 },
      submissionFile: 'MY-NLI.tsv',
    });
    const predictions = { 'my-nli': { ids: ['a'], predictions: [1] } };
    expect(glueSubmissionFiles(predictions, [mine])).toEqual({ 'MY-NLI.tsv': 'index\tprediction\na\tyes\n' });
    expect((await caught(() => glueSubmissionFiles(predictions))).message).toBe(
      'submission: no test-server file for "my-nli"',
    );
    const fs = memoryFileSystem();
    const result = await writeGlueSubmission(predictions, 'o', fs, { zip: false, tasks: [mine] });
    expect(result.files).toEqual(['o/MY-NLI.tsv']);
  });

  it('refuses bad input', async () => {
    expect((await caught(() => glueSubmissionFiles({ mnli: all.rte }))).hint).toContain('MNLI has two test sets');
    expect((await caught(() => glueSubmissionFiles({ cola: { ids: [0, 1], predictions: [1] } }))).message).toBe(
      'submission for "cola": 2 ids but 1 predictions',
    );
    expect((await caught(() => glueSubmissionFiles({ cola: { ids: [0, 0], predictions: [1, 1] } }))).message).toBe(
      'submission for "cola": duplicate id "0" at position 1',
    );
    expect((await caught(() => glueSubmissionFiles({ cola: { ids: [0], predictions: [3] } }))).code).toBe('BAD_INPUT');
    expect((await caught(() => glueSubmissionFiles({ 'sts-b': { ids: [0], predictions: [NaN] } }))).code).toBe(
      'BAD_INPUT',
    );
  });
});
