import type { SpanAnswer } from '@camtl/core';
import { codePointToUtf16 } from './offsets';
import { jsonLines, official, spanTask, type Json, type Rows } from './official-base';
import type { OfficialTask } from './official-task';

/**
 * The MRQA 2019 shared-task format (jsonl, after gunzip): line 1 is
 * `{"header": {...}}`, then one context per line, `{"context", "qas": [{"qid",
 * "question", "answers": [text], "detected_answers": [{"text", "char_spans":
 * [[start, end]]}]}]}` with inclusive, code-point ends. One example per
 * question. Its answers are the detected spans (training uses the first),
 * then any `answers` text not among them with start -1: MRQA's scorer takes
 * the maximum over `answers`, so they must all be golds.
 */

function detected(qa: Json, context: string, rows: Rows): SpanAnswer[] {
  const toUtf16 = codePointToUtf16(context);
  const out: SpanAnswer[] = [];
  for (const d of Array.isArray(qa.detected_answers) ? qa.detected_answers : []) {
    for (const span of Array.isArray(d?.char_spans) ? d.char_spans : []) {
      if (!Array.isArray(span) || typeof span[0] !== 'number' || typeof span[1] !== 'number') continue;
      const start = toUtf16(span[0]);
      const text = context.slice(start, toUtf16(span[1] + 1));
      if (typeof d.text === 'string' && text !== d.text)
        rows.quirk('detected answers whose text differs from their span');
      if (!out.some((a) => a.start === start && a.text === text)) out.push({ text, start });
    }
  }
  return out;
}

function readContext(obj: Json, line: number, rows: Rows): void {
  if (typeof obj.context !== 'string' || !Array.isArray(obj.qas)) {
    rows.bad(line, 'expected an MRQA context {"context", "qas"}');
    return;
  }
  for (const qa of obj.qas as Json[]) {
    if (qa === null || typeof qa !== 'object' || typeof qa.question !== 'string') {
      rows.bad(line, 'expected each of "qas" to have a "question"');
      continue;
    }
    const answers = detected(qa, obj.context, rows);
    for (const text of Array.isArray(qa.answers) ? qa.answers : []) {
      if (typeof text === 'string' && !answers.some((a) => a.text === text)) answers.push({ text, start: -1 });
    }
    if (answers.length === 0) rows.quirk('questions without an answer');
    const id = typeof qa.qid === 'string' ? qa.qid : `${line}-${rows.examples.length}`;
    rows.examples.push({ id, textA: qa.question, textB: obj.context, line, ...(answers.length ? { answers } : {}) });
  }
}

/** Parses an MRQA jsonl file into `rows`. */
export function readMrqa(text: string, rows: Rows): void {
  jsonLines(
    text,
    rows,
    (obj, line) => (obj.header !== undefined ? rows.quirk('header lines') : readContext(obj, line, rows)),
    'blank lines',
  );
}

/** A task of MRQA-format files, e.g. `mrqaTask('newsqa', {train: 'train/NewsQA.jsonl', dev: 'dev/NewsQA.jsonl'})`. */
export function mrqaTask(name: string, files: Readonly<Record<string, string>>): OfficialTask {
  return official(spanTask({ name, dataset: 'mrqa', files, parse: (text, rows) => readMrqa(text, rows) }));
}

/**
 * The MRQA training sets of the paper's 24-task model besides SQuAD (read from
 * the `squad` folder's v1.1 JSON), as the shared task ships them, gunzipped:
 * `train/NAME.jsonl`, `dev/NAME.jsonl` under an `mrqa` folder. None of their
 * data is in the project's shared data; the shipped fixture is a hand-made slice.
 */
const mrqa = (name: string, file: string) => mrqaTask(name, { train: `train/${file}`, dev: `dev/${file}` });
export const newsqa = mrqa('newsqa', 'NewsQA.jsonl');
export const triviaqa = mrqa('triviaqa', 'TriviaQA-web.jsonl');
export const searchqa = mrqa('searchqa', 'SearchQA.jsonl');
export const hotpotqa = mrqa('hotpotqa', 'HotpotQA.jsonl');
export const naturalquestions = mrqa('naturalquestions', 'NaturalQuestionsShort.jsonl');
export const MRQA_TASKS: readonly OfficialTask[] = [newsqa, triviaqa, searchqa, hotpotqa, naturalquestions];
