// camtl data --json's example shape per task kind (the issue 11 contract), and the quirks in both outputs.
import { describe, expect, it } from 'vitest';
import { formatInspection, inspectedExample, inspectSplit } from './inspect';
import { multirc } from './superglue';
import { folderFs, SUPERGLUE_SLICES } from './superglue-test-helpers';

describe('inspectedExample: one documented shape per kind, absent keys omitted', () => {
  it('classification and regression: {text_a, text_b?, label?, id?, group?}', () => {
    expect(
      inspectedExample('classification', { textA: 'a', textB: 'b', label: 'x', id: '1', group: 'g', line: 3 }),
    ).toEqual({ text_a: 'a', text_b: 'b', label: 'x', id: '1', group: 'g' });
    expect(inspectedExample('regression', { textA: 'a' })).toEqual({ text_a: 'a' });
  });

  it('multiple choice: {text_a, choices, label?, id?}', () => {
    const e = { textA: 'p', choices: ['c0', 'c1'], label: '1', id: '7', group: 'ignored' };
    expect(inspectedExample('multiple-choice', e)).toEqual({ text_a: 'p', choices: ['c0', 'c1'], label: '1', id: '7' });
  });

  it('token classification: {words, tags?, id?}', () => {
    const e = { textA: 'New York', words: ['New', 'York'], tags: ['B-location', 'I-location'] };
    expect(inspectedExample('token-classification', e)).toEqual({
      words: ['New', 'York'],
      tags: ['B-location', 'I-location'],
    });
    expect(inspectedExample('token-classification', { textA: 'x', words: ['x'], id: '3' })).toEqual({
      words: ['x'],
      id: '3',
    });
  });

  it('span extraction: {id, question, context, answers: [{text, answer_start}]}', () => {
    const e = { textA: 'Who?', textB: 'Ann ran.', id: 'q1', answers: [{ text: 'Ann', start: 0 }] };
    expect(inspectedExample('span-extraction', e)).toEqual({
      id: 'q1',
      question: 'Who?',
      context: 'Ann ran.',
      answers: [{ text: 'Ann', answer_start: 0 }],
    });
  });
});

describe('quirks in camtl data', () => {
  it("inspectSplit passes the reader's quirks on; the human form lists them", async () => {
    const r = await inspectSplit(multirc, 'superglue', 'train', folderFs(SUPERGLUE_SLICES), { examples: 1 });
    expect(r.quirks).toEqual({
      paragraphs: 2,
      questions: 8,
      'questions whose options are all false': 1,
      'questions with a single answer option': 1,
    });
    const text = formatInspection(r);
    expect(text).toContain('quirks (read as they are):\n        2  paragraphs\n        8  questions\n');
    expect(text).toContain('     group: 119/1392\n');
  });

  it('token and span examples print their words, tags and answers', () => {
    const text = formatInspection({
      count: 2,
      skipped: [],
      histogram: {},
      examples: [
        { words: ['New', 'York'], tags: ['B-location', 'I-location'] },
        { id: 'q', question: 'Who?', context: 'Ann ran.', answers: [{ text: 'Ann', answer_start: 0 }] },
      ],
    });
    expect(text).toContain('  1. "New York"\n     tags: B-location I-location\n');
    expect(text).toContain('  2. "Who?"\n     "Ann ran."\n     answers: "Ann"@0\n');
  });
});
