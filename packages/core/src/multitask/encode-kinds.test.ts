import { describe, expect, it } from 'vitest';
import { BertTokenizer } from '../tokenizer/bert-tokenizer';
import { encodeExamples } from './data';
import { answerTokens, contextWindows } from './encode-kinds';
import type { Example, TaskDefinition } from './tasks';
import { wordTags } from './token-words';

// A vocabulary small enough to know every token by heart.
const VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  '[MASK]',
  'the',
  'cat',
  'sat',
  'un',
  '##lock',
  '##s',
  'who',
  'is',
  'big',
  '?',
  ...'abcdefgh',
];
const tk = BertTokenizer.fromVocab(VOCAB.join('\n'));
const id = (token: string) => VOCAB.indexOf(token);

const TAGS = ['O', 'B-animal', 'I-animal', 'B-act'];
function task(kind: TaskDefinition['kind']): TaskDefinition {
  return { name: 'toy', kind, labels: TAGS, target: (tag: string) => TAGS.indexOf(tag) } as unknown as TaskDefinition;
}

describe('token classification', () => {
  const ner = task('token-classification');
  const example: Example = {
    textA: 'The cats sat unlock',
    words: ['The', 'cats', 'sat', 'unlock'],
    tags: ['O', 'B-animal', 'O', 'B-act'],
  };

  it('labels the first sub-token of each word, −100 elsewhere', () => {
    const [row] = encodeExamples(tk, [example], ner, 3, 32);
    expect(row.ids).toEqual(['[CLS]', 'the', 'cat', '##s', 'sat', 'un', '##lock', '[SEP]'].map(id));
    expect(row.typeIds).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(row.tokenTargets).toEqual([-100, 0, 1, -100, 0, 3, -100, -100]);
    expect(row.wordStarts).toEqual([1, 2, 4, 5]);
    expect(row).toMatchObject({ task: 3, index: 0 });
    expect(row.target).toBeNaN();
  });

  it('truncates at maxSeqLength, cut words start at −1; unlabelled rows are all −100', () => {
    const [five, four] = [5, 4].map((n) => encodeExamples(tk, [example], ner, 0, n)[0]);
    expect(five.ids).toEqual(['[CLS]', 'the', 'cat', '##s', '[SEP]'].map(id));
    expect(five.wordStarts).toEqual([1, 2, -1, -1]);
    expect(four.ids).toEqual(['[CLS]', 'the', 'cat', '[SEP]'].map(id));
    expect(four.tokenTargets).toEqual([-100, 0, 1, -100]);
    const [test] = encodeExamples(tk, [{ ...example, tags: undefined, words: ['cat', '', 'sat'] }], ner, 0, 32);
    expect(test.tokenTargets).toEqual([-100, -100, -100, -100]);
    expect(test.wordStarts).toEqual([1, -1, 2]);
  });

  it('refuses tags that do not match the words', () => {
    expect(() => encodeExamples(tk, [{ ...example, tags: ['O'] }], ner, 0, 32)).toThrow(/1 tags for 4 words/);
  });

  it('wordTags reads each word at its first sub-token, "O" for words cut away', () => {
    const rows = encodeExamples(
      tk,
      [example, { ...example, words: ['sat', 'the', 'cats'], tags: ['O', 'O', 'B-animal'] }],
      ner,
      0,
      5,
    );
    // Predictions: the gold tag at labelled tokens, a wrong one (I-animal) everywhere else.
    const tagIds = rows.map((r) => r.tokenTargets!.map((t) => (t < 0 ? 2 : t)));
    expect(wordTags(rows, tagIds, TAGS)).toEqual([
      ['O', 'B-animal', 'O', 'O'],
      ['O', 'O', 'B-animal'],
    ]);
    expect(() => wordTags(rows, [[9, 9, 9, 9, 9], tagIds[1]], TAGS)).toThrow(/tag id 9/);
  });
});

describe('multiple choice', () => {
  const copa = task('multiple-choice');

  it('encodes one pair per choice; ids repeat choice 0; target is the choice index', () => {
    const [row, unlabelled] = encodeExamples(
      tk,
      [
        { textA: 'the cat', choices: ['sat', 'is big'], label: '1' },
        { textA: 'who', choices: ['a', 'b', 'c'] },
      ],
      copa,
      1,
      32,
    );
    expect(row.choices!.map((c) => c.ids)).toEqual([
      tk.encode('the cat', 'sat').ids,
      tk.encode('the cat', 'is big').ids,
    ]);
    expect(row.choices![1].typeIds).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect([row.ids, row.typeIds]).toEqual([row.choices![0].ids, row.choices![0].typeIds]);
    expect(row).toMatchObject({ target: 1, task: 1, index: 0 });
    expect(unlabelled.choices).toHaveLength(3);
    expect(unlabelled.target).toBeNaN();
  });

  it('truncates each pair to maxSeqLength and refuses labels that are not choice indices', () => {
    const [row] = encodeExamples(tk, [{ textA: 'the cat sat', choices: ['a b c d'], label: '0' }], copa, 0, 6);
    expect(row.choices![0].ids).toHaveLength(6);
    expect(() => encodeExamples(tk, [{ textA: 'a', choices: ['b'], label: '1' }], copa, 0, 8)).toThrow(/\[0, 1\)/);
  });
});

describe('span extraction: windows', () => {
  it('contextWindows steps by room − stride until a window reaches the end (HF stride = overlap)', () => {
    expect(contextWindows(10, 4, 1)).toEqual([
      [0, 4],
      [3, 7],
      [6, 10],
    ]);
    expect(contextWindows(11, 4, 2)).toEqual([
      [0, 4],
      [2, 6],
      [4, 8],
      [6, 10],
      [8, 11],
    ]);
    expect(contextWindows(4, 4, 1)).toEqual([[0, 4]]);
    expect(contextWindows(0, 4, 1)).toEqual([[0, 0]]);
  });

  it('answerTokens follows prepare_train_features: tokens holding the answer, null when cut', () => {
    const offsets: [number, number][] = [
      [0, 3],
      [4, 7],
      [7, 9],
      [10, 12],
    ];
    expect(answerTokens(offsets, [4, 9])).toEqual([1, 2]);
    // An answer starting inside a token starts at that token.
    expect(answerTokens(offsets, [5, 8])).toEqual([1, 2]);
    expect(answerTokens(offsets, [10, 13])).toBeNull();
    expect(answerTokens([], [0, 1])).toBeNull();
  });

  const squad = task('span-extraction');
  // Characters: a0 b2 c4 d6 e8 f10 g12 h14 a16 b18.
  const context = 'a b c d e f g h a b';

  it('one row per window, offsets on context tokens only, positions where the window holds the answer', () => {
    const example: Example = { textA: 'who', textB: context, answers: [{ text: 'f g', start: 10 }], id: 'q1' };
    const rows = encodeExamples(tk, [example], squad, 2, 10, { docStride: 2 });
    expect(rows).toHaveLength(2);
    expect(rows[1].ids).toEqual(['[CLS]', 'who', '[SEP]', 'e', 'f', 'g', 'h', 'a', 'b', '[SEP]'].map(id));
    expect(rows[1].typeIds).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(rows[1].offsets).toEqual([null, null, null, [8, 9], [10, 11], [12, 13], [14, 15], [16, 17], [18, 19], null]);
    expect(rows.map((r) => [r.startPosition, r.endPosition])).toEqual([
      [0, 0],
      [4, 5],
    ]);
    expect(rows.map((r) => [r.example, r.index, r.id, r.task])).toEqual([
      [0, 0, 'q1', 2],
      [0, 1, 'q1', 2],
    ]);
    expect(rows[0].target).toBeNaN();
  });

  it('searches an answer without a start; unlabelled and unfound answers point at [CLS]', () => {
    const rows = encodeExamples(
      tk,
      [
        { textA: 'who', textB: context, answers: [{ text: 'h', start: -1 }] },
        { textA: 'who', textB: context },
        { textA: 'who', textB: context, answers: [{ text: 'zz', start: -1 }] },
      ],
      squad,
      0,
      10,
      { docStride: 2 },
    );
    expect(rows.map((r) => [r.example, r.index, r.startPosition, r.endPosition])).toEqual([
      [0, 0, 0, 0],
      [0, 1, 6, 6],
      [1, 2, 0, 0],
      [1, 3, 0, 0],
      [2, 4, 0, 0],
      [2, 5, 0, 0],
    ]);
  });

  it('truncates the question to maxQueryLength; the default stride fits a short maxSeqLength', () => {
    const long = { textA: 'the cat sat who is big', textB: context };
    const [row] = encodeExamples(tk, [long], squad, 0, 12, { maxQueryLength: 2, docStride: 1 });
    expect(row.ids.slice(0, 4)).toEqual(['[CLS]', 'the', 'cat', '[SEP]'].map(id));
    // Room 7 after a 2-token question: the default overlap is floor(7 / 2) = 3, so windows start 0, 4.
    const rows = encodeExamples(tk, [long], squad, 0, 12, { maxQueryLength: 2 });
    expect(rows.map((r) => r.offsets!.find((o) => o !== null))).toEqual([
      [0, 1],
      [8, 9],
    ]);
    expect(() => encodeExamples(tk, [long], squad, 0, 12, { maxQueryLength: 2, docStride: 7 })).toThrow(
      /docStride 7 must be in \[0, 7\)/,
    );
  });

  it('classification and regression encode as before', () => {
    const ex = { textA: 'the cat', textB: 'is big', label: '1' };
    const plain = { target: (label: string) => Number(label) } as unknown as TaskDefinition;
    const [row] = encodeExamples(tk, [ex], { ...plain, kind: 'classification' }, 0, 32);
    expect(row).toEqual(encodeExamples(tk, [ex], plain, 0, 32)[0]);
    expect(row).toEqual({
      ids: tk.encode('the cat', 'is big').ids,
      typeIds: [0, 0, 0, 0, 1, 1, 1],
      task: 0,
      target: 1,
      index: 0,
      id: undefined,
    });
  });
});
