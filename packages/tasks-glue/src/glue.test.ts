import { memoryFileSystem, type ReadResult } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { GLUE_TASK_NAMES, GLUE_TASKS, mnli, resolveTask, sst2, stsb } from './glue';
import { caught, glueFs } from './test-helpers';

const fs = glueFs();
const read = (task: string, split: string, skipBadRows = false): Promise<ReadResult> =>
  resolveTask(task).read('glue', split, fs, { skipBadRows });

describe('GLUE tasks by name', () => {
  it('the ten tasks, by lower-case name in any case, and their aliases', () => {
    expect(GLUE_TASK_NAMES).toEqual(['cola', 'sst-2', 'mrpc', 'sts-b', 'qqp', 'mnli', 'qnli', 'rte', 'wnli', 'ax']);
    expect(GLUE_TASK_NAMES.map(resolveTask)).toEqual(GLUE_TASKS);
    expect(resolveTask('MNLI')).toBe(mnli);
    expect([resolveTask('mnli-m'), resolveTask('MNLI-MM'), resolveTask('sst2'), resolveTask('stsb')]).toEqual([
      mnli,
      mnli,
      sst2,
      stsb,
    ]);
  });

  it('an unknown name is NOT_FOUND, with the known tasks in the hint', async () => {
    const e = await caught(() => resolveTask('squad'));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('unknown GLUE task "squad"');
    expect(e.hint).toContain('cola, sst-2, mrpc');
    expect(e.hint).toContain('mnli-mm');
    // Object.prototype's names are not tasks either.
    expect((await caught(() => resolveTask('constructor'))).code).toBe('NOT_FOUND');
  });

  it('label maps in HF get_labels() order, metrics and scores as GLUE', () => {
    const summary = Object.fromEntries(
      GLUE_TASKS.map((t) => [t.name, [t.kind, t.numLabels, t.labels?.join(' '), t.metricNames.join(' ')]]),
    );
    expect(summary).toEqual({
      cola: ['classification', 2, '0 1', 'mcc'],
      'sst-2': ['classification', 2, '0 1', 'accuracy'],
      mrpc: ['classification', 2, '0 1', 'accuracy f1 acc_and_f1'],
      'sts-b': ['regression', 1, undefined, 'pearson spearman pearson_and_spearman'],
      qqp: ['classification', 2, '0 1', 'accuracy f1 acc_and_f1'],
      mnli: ['classification', 3, 'contradiction entailment neutral', 'accuracy'],
      qnli: ['classification', 2, 'entailment not_entailment', 'accuracy'],
      rte: ['classification', 2, 'entailment not_entailment', 'accuracy'],
      wnli: ['classification', 2, '0 1', 'accuracy'],
      ax: ['classification', 3, 'contradiction entailment neutral', 'accuracy'],
    });
    expect(resolveTask('mrpc').score({ accuracy: 0.8, f1: 0.9, acc_and_f1: 0.85 })).toBe(0.85);
    expect(resolveTask('sts-b').score({ pearson: 0.8, spearman: 0.9, pearson_and_spearman: 0.85 })).toBe(0.85);
    expect(resolveTask('cola').score({ mcc: 0.5 })).toBe(0.5);
    expect(resolveTask('sts-b').score({ pearson: null, spearman: null, pearson_and_spearman: null })).toBeNull();
    expect(mnli.devSplits).toEqual(['dev_matched', 'dev_mismatched']);
    expect(resolveTask('ax').splits).toEqual({ test: 'diagnostic/diagnostic.tsv' });
    expect(resolveTask('ax').devSplits).toEqual([]);
  });

  it('targets and test-server strings', () => {
    expect(mnli.target('neutral')).toBe(2);
    expect(resolveTask('rte').formatPrediction(1)).toBe('not_entailment');
    expect(resolveTask('sts-b').target('3.800')).toBeCloseTo(3.8, 15);
    expect(resolveTask('sts-b').formatPrediction(5.4)).toBe('5.000');
    expect(resolveTask('sts-b').formatPrediction(-0.2)).toBe('0.000');
    expect(resolveTask('sts-b').formatPrediction(2.71828)).toBe('2.718');
    expect(() => resolveTask('cola').formatPrediction(2)).toThrow('prediction 2 is not a class id 0…1');
    expect(() => mnli.target('maybe')).toThrow('label "maybe" is not one of contradiction, entailment, neutral');
  });
});

describe('GLUE files, read as the HF processors read them', () => {
  it('CoLA train/dev have no header; the label is column 1, the sentence column 3', async () => {
    const train = await read('cola', 'train');
    expect(train.file).toBe('glue/CoLA/train.tsv');
    expect(train.examples).toHaveLength(6); // a trailing blank line is ignored
    expect(train.examples[0]).toEqual({
      textA: 'The sailors rode the breeze clear of the rocks.',
      label: '1',
      line: 1,
    });
    expect(train.examples[2]).toMatchObject({ textA: 'The cat were bringing her kittens home.', label: '0', line: 3 });
    const dev = await read('cola', 'dev'); // CRLF line ends
    expect(dev.examples.map((e) => e.label)).toEqual(['1', '0', '0']);
    expect(dev.examples[2].textA).toBe('Him wrote a letter to his mother.');
  });

  it('CoLA test has a header `index sentence` and no labels', async () => {
    const test = await read('cola', 'test');
    expect(test.examples).toHaveLength(3);
    expect(test.examples[0]).toEqual({ textA: 'Bill cooked the rice slowly.', id: '0', line: 2 });
  });

  it('SST-2 keeps texts as written (trailing space) and test ids', async () => {
    const train = await read('sst-2', 'train');
    expect(train.examples.map((e) => e.label)).toEqual(['0', '1', '1', '0']);
    expect(train.examples[0].textA).toBe('hides fresh regrets from the patient viewers ');
    const test = await read('sst-2', 'test');
    expect(test.examples.map((e) => [e.id, e.label])).toEqual([
      ['0', undefined],
      ['1', undefined],
    ]);
  });

  it('MRPC: Quality, #1 ID, #2 ID, #1 String, #2 String; quotes are plain characters', async () => {
    const train = await read('mrpc', 'train');
    expect(train.examples).toHaveLength(3);
    expect(train.examples[0].label).toBe('1');
    expect(train.examples[0].textA).toContain('" the witness , of'); // an unbalanced quote
    expect(train.examples[1]).toMatchObject({ label: '0', textB: expect.stringMatching(/^Yucaipa bought/) });
    const test = await read('mrpc', 'test');
    expect(test.examples.map((e) => e.id)).toEqual(['0', '1']);
    expect(test.examples[0].textB).toMatch(/^Current Chief Operating Officer/);
  });

  it('STS-B: texts in columns 7/8, the float score last; test has 9 columns', async () => {
    const train = await read('sts-b', 'train');
    expect(train.examples.map((e) => e.label)).toEqual(['5.000', '3.800', '3.800', '2.600', '0.000']);
    expect(train.examples[1]).toMatchObject({
      textA: 'A man is playing a large flute.',
      textB: 'A man is playing a flute.',
      id: '1',
    });
    expect(train.examples.map((e) => resolveTask('sts-b').target(e.label!))).toEqual([5, 3.8, 3.8, 2.6, 0]);
    const test = await read('sts-b', 'test');
    expect(test.examples[1]).toEqual({
      textA: 'A group of men play soccer on the beach.',
      textB: 'A group of boys are playing soccer on the beach.',
      id: '1',
      line: 3,
    });
  });

  it('QQP: a row broken by a newline fails fast with file:line …', async () => {
    const e = await caught(() => read('qqp', 'train'));
    expect(e.code).toBe('BAD_FILE');
    expect(e.message).toBe(
      'glue/QQP/train.tsv:4: expected 6 tab-separated columns (id, qid1, qid2, question1, question2, is_duplicate), got 4',
    );
    expect(e.hint).toContain('skipBadRows');
  });

  it('… or is skipped and counted, as HF does', async () => {
    const train = await read('qqp', 'train', true);
    expect(train.examples.map((e) => e.id)).toEqual(['133273', '402555', '150662']);
    expect(train.skipped).toEqual([
      { line: 4, reason: expect.stringMatching(/expected 6 tab-separated columns .*, got 4$/) },
      { line: 5, reason: expect.stringMatching(/got 3$/) },
    ]);
    const test = await read('qqp', 'test');
    expect(test.examples[1]).toMatchObject({
      id: '1',
      textA: expect.stringMatching(/^What are the top ten Consumer-to-Consumer/),
    });
  });

  it('MNLI: texts 8/9, gold label last (12 columns in train, 16 in dev); matched and mismatched', async () => {
    const train = await read('mnli', 'train');
    expect(train.examples.map((e) => e.label)).toEqual([
      'neutral',
      'entailment',
      'entailment',
      'entailment',
      'contradiction',
    ]);
    expect(train.examples[0].textB).toBe('Product and geography are what make cream skimming work. ');
    const dm = await read('mnli', 'dev_matched');
    expect(dm.examples.map((e) => e.label)).toEqual(['neutral', 'contradiction', 'entailment']); // not label1 ('entailment' in row 1)
    const dmm = await read('mnli', 'dev_mismatched');
    expect(dmm.file).toBe('glue/MNLI/dev_mismatched.tsv');
    expect(dmm.examples).toHaveLength(2);
    const tm = await read('mnli', 'test_matched');
    expect(tm.examples.map((e) => [e.id, e.label])).toEqual([
      ['0', undefined],
      ['1', undefined],
    ]);
    const tmm = await read('mnli', 'test_mismatched');
    expect(tmm.examples[0]).toMatchObject({ id: '0', textA: 'What have you decided, what are you going to do?' });
  });

  it('QNLI, RTE, WNLI: index sentence1 sentence2 label; tests without label', async () => {
    expect((await read('qnli', 'train')).examples.map((e) => e.label)).toEqual([
      'not_entailment',
      'not_entailment',
      'entailment',
    ]);
    expect((await read('qnli', 'dev')).examples[0].textA).toBe(
      'What came into force after the new constitution was herald?',
    );
    expect((await read('qnli', 'test')).examples[0].textB).toContain('a "quiescent" stance');
    expect((await read('rte', 'train')).examples[1]).toMatchObject({ id: '1', label: 'entailment' });
    expect((await read('rte', 'test')).examples[0].label).toBeUndefined();
    expect((await read('wnli', 'train')).examples.map((e) => e.label)).toEqual(['1', '1', '1', '0']);
    expect((await read('wnli', 'test')).examples).toHaveLength(1);
  });

  it('AX: diagnostic/diagnostic.tsv, test only', async () => {
    const ax = await read('ax', 'test');
    expect(ax.examples).toHaveLength(3);
    expect(ax.examples[1]).toEqual({
      textA: 'The cat did not sit on the mat.',
      textB: 'The cat sat on the mat.',
      id: '1',
      line: 3,
    });
  });
});

const MNLI_DEV_HEADER = [
  'index',
  'promptID',
  'pairID',
  'genre',
  'sentence1_binary_parse',
  'sentence2_binary_parse',
  'sentence1_parse',
  'sentence2_parse',
  'sentence1',
  'sentence2',
  'label1',
  'label2',
  'label3',
  'label4',
  'label5',
  'gold_label',
];

describe('GLUE file errors', () => {
  const bad = memoryFileSystem({
    'd/CoLA/train.tsv': 'gj04\t1\t\tFine sentence.\ngj04\t2\t\tBad label.\n',
    'd/RTE/dev.tsv': 'index\tsentence1\tsentence2\tlabel\n0\tA.\tB.\tentailment\n1\tA.\tB.\tmaybe\n',
    'd/SST-2/dev.tsv': 'sentence\tlabel\n \t1\n',
    'd/STS-B/dev.tsv':
      'index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n0\tg\tf\ty\to\ts\ts\tA.\tB.\tn/a\n',
    'd/MNLI/dev_matched.tsv': `${MNLI_DEV_HEADER.join('\t')}\n0\t1\t2\n`,
  });
  const err = (task: string, split: string) => caught(() => resolveTask(task).read('d', split, bad));

  it('a label outside the label map names file, line, column and the labels', async () => {
    expect((await err('cola', 'train')).message).toBe(
      'd/CoLA/train.tsv:2: expected a label in {0, 1} in column 1 ("label"), got "2"',
    );
    expect((await err('rte', 'dev')).message).toBe(
      'd/RTE/dev.tsv:3: expected a label in {entailment, not_entailment} in the last column ("label"), got "maybe"',
    );
  });

  it("an empty text is kept, as HF's GLUE processors do; a non-numeric STS-B score is a bad row", async () => {
    const { examples } = await resolveTask('sst-2').read('d', 'dev', bad);
    expect(examples).toEqual([expect.objectContaining({ textA: ' ', label: '1', line: 2 })]);
    expect((await err('sts-b', 'dev')).message).toBe(
      'd/STS-B/dev.tsv:2: expected a number as label in the last column ("score"), got "n/a"',
    );
  });

  it('too few columns for a layout with a label counted from the end', async () => {
    expect((await err('mnli', 'dev_matched')).message).toBe(
      'd/MNLI/dev_matched.tsv:2: expected 11 tab-separated columns (text_a: column 8 ("sentence1"), text_b: column 9 ("sentence2"), label: the last column ("gold_label"), id: column 0 ("index")), got 3',
    );
  });

  it('a missing file names the path looked for', async () => {
    const e = await err('qnli', 'train');
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('d/QNLI/train.tsv: no such file (split "train" of task "qnli")');
  });

  it('an unknown split lists the splits', async () => {
    const e = await err('mnli', 'dev');
    expect(e.code).toBe('BAD_CONFIG');
    expect(e.hint).toBe('splits: train, dev_matched, dev_mismatched, test_matched, test_mismatched');
  });
});
