import type { Example, ReadResult } from '@camtl/core';
import {
  arrayField,
  countQuirk,
  idxField,
  integerField,
  labelField,
  nonEmptyString,
  objectField,
  RecordProblem,
  stringField,
  type JsonRecord,
  type QuirkCounts,
} from './jsonl-records';

/**
 * One reader per SuperGLUE file layout: a record of the official JSONL → the
 * examples camtl trains on, with the oddities of the files counted. Labels
 * are strings as `String(JSON value)`: "true"/"false", "entailment", "0"/"1".
 */

export const BOOLEAN_CLASSES = ['false', 'true'] as const;
export const CB_CLASSES = ['entailment', 'contradiction', 'neutral'] as const;
export const ENTAILMENT_CLASSES = ['entailment', 'not_entailment'] as const;
export const COPA_CLASSES = ['0', '1'] as const;

function example(textA: string, textB: string | undefined, label: string | undefined, id: string, line: number) {
  const ex: Example = { textA, line, id };
  if (textB !== undefined) ex.textB = textB;
  if (label !== undefined) ex.label = label;
  return ex;
}

/** BoolQ: question, then the passage ("Title -- text", as the release writes it). */
export function readBoolq(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  const passage = nonEmptyString(r, 'passage');
  if (/^.+? -- /.test(passage)) countQuirk(quirks, 'passages starting with their "Title -- "');
  const label = labelField(r, BOOLEAN_CLASSES);
  return [example(nonEmptyString(r, 'question'), passage, label, idxField(r), line)];
}

/** CB: premise, hypothesis. The texts keep the corpus's PTB-style `` '' quotes. */
export function readCb(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  const premise = nonEmptyString(r, 'premise');
  if (premise.includes('``')) countQuirk(quirks, "premises with PTB-style `` '' quotes");
  const label = labelField(r, CB_CLASSES);
  return [example(premise, nonEmptyString(r, 'hypothesis'), label, idxField(r), line)];
}

/** The question phrase appended to COPA's premise, as the SuperGLUE (jiant) baselines phrase it. */
export const COPA_QUESTIONS: Readonly<Record<string, string>> = {
  cause: 'What was the cause of this?',
  effect: 'What happened as a result?',
};

/** COPA: a multiple-choice example, textA = premise + question phrase, choices [choice1, choice2]. */
export function readCopa(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  const question = stringField(r, 'question');
  if (!Object.hasOwn(COPA_QUESTIONS, question)) {
    throw new RecordProblem(`expected "cause" or "effect" in key "question", got ${JSON.stringify(question)}`);
  }
  countQuirk(quirks, `questions asking for the ${question}`);
  const ex = example(
    `${nonEmptyString(r, 'premise')} ${COPA_QUESTIONS[question]}`,
    undefined,
    undefined,
    idxField(r),
    line,
  );
  ex.choices = [nonEmptyString(r, 'choice1'), nonEmptyString(r, 'choice2')];
  const label = labelField(r, COPA_CLASSES);
  if (label !== undefined) ex.label = label;
  return [ex];
}

function readMultircQuestion(q: JsonRecord, text: string, ids: { p: string; line: number }, quirks: QuirkCounts) {
  const qIdx = idxField(q, 'passage.questions[].idx');
  const question = nonEmptyString(q, 'question', 'passage.questions[].question');
  const answers = arrayField(q, 'answers', 'passage.questions[].answers');
  if (answers.length === 0) throw new RecordProblem(`question ${qIdx} has no answer options`);
  if (answers.length === 1) countQuirk(quirks, 'questions with a single answer option');
  countQuirk(quirks, 'questions');
  const examples = answers.map((a) => {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) {
      throw new RecordProblem(`expected an object in passage.questions[].answers of question ${qIdx}`);
    }
    const answer = a as JsonRecord;
    const aIdx = idxField(answer, 'passage.questions[].answers[].idx');
    const label = labelField(answer, ['0', '1'], 'passage.questions[].answers[].label');
    const answerText = stringField(answer, 'text', 'passage.questions[].answers[].text');
    const ex = example(
      text,
      `${question} ${answerText}`,
      label === undefined ? undefined : BOOLEAN_CLASSES[+label],
      `${ids.p}-${qIdx}-${aIdx}`,
      ids.line,
    );
    ex.group = `${ids.p}/${qIdx}`;
    return ex;
  });
  const labels = examples.map((e) => e.label);
  if (labels.every((l) => l === 'true')) countQuirk(quirks, 'questions whose options are all true');
  if (labels.every((l) => l === 'false')) countQuirk(quirks, 'questions whose options are all false');
  return examples;
}

/**
 * MultiRC: one example per answer option (textA = the paragraph, textB =
 * question + " " + answer), grouped by question as "paragraph/question" (the
 * files' idx values, which are global, not positions); id "p-q-a" is what
 * the submission file needs.
 */
export function readMultirc(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  const p = idxField(r);
  const passage = objectField(r, 'passage');
  const text = nonEmptyString(passage, 'text', 'passage.text');
  const questions = arrayField(passage, 'questions', 'passage.questions');
  countQuirk(quirks, 'paragraphs');
  return questions.flatMap((q) => {
    if (q === null || typeof q !== 'object' || Array.isArray(q)) {
      throw new RecordProblem('expected an object in each of passage.questions');
    }
    return readMultircQuestion(q as JsonRecord, text, { p, line }, quirks);
  });
}

/** A [start, end) character span of `text` from the record, checked. */
function charSpan(r: JsonRecord, text: string, n: 1 | 2): string {
  const start = integerField(r, `start${n}`);
  const end = integerField(r, `end${n}`);
  if (start < 0 || end > text.length || start >= end) {
    throw new RecordProblem(
      `start${n}/end${n} (${start}, ${end}) are outside sentence${n} (${text.length} characters)`,
    );
  }
  return text.slice(start, end);
}

/**
 * WiC: textA = word + ": " + sentence1 (so the encoder knows which word is
 * asked about, without span markers), textB = sentence2. The word as written
 * at start/end often differs from `word` (an inflection, a capital): counted.
 */
export function readWic(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  const word = nonEmptyString(r, 'word');
  const s1 = nonEmptyString(r, 'sentence1');
  const s2 = nonEmptyString(r, 'sentence2');
  for (const [n, s] of [
    [1, s1],
    [2, s2],
  ] as const) {
    const written = charSpan(r, s, n);
    if (written.toLowerCase() !== word.toLowerCase())
      countQuirk(quirks, `sentence${n}: word inflected at start${n}/end${n}`);
    else if (written !== word) countQuirk(quirks, `sentence${n}: word capitalised differently at start${n}/end${n}`);
  }
  return [example(`${word}: ${s1}`, s2, labelField(r, BOOLEAN_CLASSES), idxField(r), line)];
}

/** How the words at a WSC span index compare with the span text (the index counts words split on spaces). */
function checkWscSpan(text: string, target: JsonRecord, n: 1 | 2, quirks: QuirkCounts): string {
  const span = nonEmptyString(target, `span${n}_text`, `target.span${n}_text`);
  const index = integerField(target, `span${n}_index`, `target.span${n}_index`);
  const words = text.split(' ');
  const written = words.slice(index, index + span.split(' ').length).join(' ');
  if (written === span) return span;
  if (written.toLowerCase() === span.toLowerCase()) countQuirk(quirks, `span${n} capitalised differently in the text`);
  else if (written.startsWith(span)) countQuirk(quirks, `span${n} followed by punctuation in the text`);
  else countQuirk(quirks, `span${n} not at span${n}_index in the text`);
  return span;
}

/**
 * WSC: textA = the text, textB = "<span2> refers to <span1>" (the pronoun,
 * then its candidate referent), label whether it does. Span mismatches are
 * counted, not fatal: the texts are used as written.
 */
export function readWsc(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  const text = nonEmptyString(r, 'text');
  if (text !== text.trim()) countQuirk(quirks, 'texts with leading or trailing spaces');
  const target = objectField(r, 'target');
  const span1 = checkWscSpan(text, target, 1, quirks);
  const span2 = checkWscSpan(text, target, 2, quirks);
  return [example(text, `${span2} refers to ${span1}`, labelField(r, BOOLEAN_CLASSES), idxField(r), line)];
}

const AXB_CATEGORIES = ['lexical-semantics', 'predicate-argument-structure', 'logic', 'knowledge'];

/** AX-b: sentence1/sentence2; idx is a string here; the diagnostic categories are counted. */
export function readAxb(r: JsonRecord, line: number, quirks: QuirkCounts): Example[] {
  if (typeof r.idx === 'string') countQuirk(quirks, 'idx written as a string');
  const categories = AXB_CATEGORIES.filter((c) => Object.hasOwn(r, c));
  for (const c of categories) countQuirk(quirks, `diagnostic category ${c}`);
  if (categories.length === 0) countQuirk(quirks, 'no diagnostic category');
  const label = labelField(r, ENTAILMENT_CLASSES);
  return [example(nonEmptyString(r, 'sentence1'), nonEmptyString(r, 'sentence2'), label, idxField(r), line)];
}

/** AX-g: premise/hypothesis; the group is set per pair of rows by `pairAxg`, pair_id kept until then. */
export function readAxg(r: JsonRecord, line: number): Example[] {
  const ex = example(
    nonEmptyString(r, 'premise'),
    nonEmptyString(r, 'hypothesis'),
    labelField(r, ENTAILMENT_CLASSES),
    idxField(r),
    line,
  );
  ex.group = String(integerField(r, 'pair_id'));
  return [ex];
}

/**
 * AX-g's `pair_id` is unique per row, so it cannot group a premise's male and
 * female forms. jiant's GenderParity pairs rows 2k and 2k+1, which share the
 * hypothesis; so does this: both get the group "idA+idB" (their pair_ids).
 * A row without such a partner keeps its own group (consistent by itself).
 */
export function pairAxg(result: ReadResult): ReadResult {
  const quirks = { ...result.quirks };
  const ex = result.examples;
  for (let k = 0; k < ex.length; k += 2) {
    if (k + 1 < ex.length && ex[k].textB === ex[k + 1].textB) {
      const group = `${ex[k].group}+${ex[k + 1].group}`;
      ex[k].group = group;
      ex[k + 1].group = group;
      countQuirk(quirks, 'pairs of consecutive rows (pair_id is unique per row)');
    } else {
      countQuirk(quirks, 'rows without a partner (the next row has another hypothesis)');
      k -= 1; // the next row may start a pair
    }
  }
  return { ...result, quirks };
}
