import { jsonProblem } from './formats';
import type { SpanAnswer } from '@camtl/core';
import { codePointToUtf16 } from './offsets';
import { official, spanTask, type Rows } from './official-base';
import type { OfficialTask } from './official-task';

/**
 * SQuAD v1.1 JSON (`{"data": [{"title", "paragraphs": [{"context", "qas":
 * [{"id", "question", "answers": [{"text", "answer_start"}]}]}]}]}`): one
 * example per question, textA the question, textB the context. Offsets are
 * Python code points, converted to UTF-16; an answer whose offset does not
 * point at its text is kept and counted ("answers not at answer_start").
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function list(v: unknown, rows: Rows, where: string): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  rows.bad(1, `expected a list at ${where}`);
  return undefined;
}

function squadAnswers(raw: unknown[], context: string, rows: Rows, where: string): SpanAnswer[] | undefined {
  const toUtf16 = codePointToUtf16(context);
  const answers: SpanAnswer[] = [];
  for (const [k, a] of raw.entries()) {
    if (!isObject(a) || typeof a.text !== 'string' || typeof a.answer_start !== 'number') {
      rows.bad(1, `expected {"text", "answer_start"} at ${where}.answers[${k}]`);
      return undefined;
    }
    const start = toUtf16(a.answer_start);
    if (context.slice(start, start + a.text.length) !== a.text) rows.quirk('answers not at answer_start');
    answers.push({ text: a.text, start });
  }
  return answers;
}

function readQuestion(qa: unknown, context: string, rows: Rows, where: string): void {
  if (!isObject(qa) || typeof qa.id !== 'string' || typeof qa.question !== 'string') {
    rows.bad(1, `expected {"id", "question", "answers"} at ${where}`);
    return;
  }
  const raw = qa.answers === undefined ? [] : list(qa.answers, rows, `${where}.answers`);
  if (!raw) return;
  const answers = squadAnswers(raw, context, rows, where);
  if (!answers) return;
  if (answers.length === 0) rows.quirk('questions without an answer');
  rows.examples.push({ id: qa.id, textA: qa.question, textB: context, ...(answers.length ? { answers } : {}) });
}

/** Parses a SQuAD v1.1 file; structural problems are bad rows at line 1 (the file is one JSON value). */
export function parseSquad(text: string, rows: Rows): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    rows.bad(1, `expected SQuAD JSON, got invalid JSON (${jsonProblem(e)})`);
    return;
  }
  const articles = isObject(doc) ? list(doc.data, rows, '"data"') : list(undefined, rows, '"data"');
  for (const [i, article] of (articles ?? []).entries()) {
    const paragraphs = list(isObject(article) ? article.paragraphs : undefined, rows, `data[${i}].paragraphs`) ?? [];
    for (const [j, p] of paragraphs.entries()) {
      const where = `data[${i}].paragraphs[${j}]`;
      if (!isObject(p) || typeof p.context !== 'string') {
        rows.bad(1, `expected {"context", "qas"} at ${where}`);
        continue;
      }
      const qas = list(p.qas, rows, `${where}.qas`) ?? [];
      for (const [k, qa] of qas.entries()) readQuestion(qa, p.context, rows, `${where}.qas[${k}]`);
    }
  }
}

/** SQuAD v1.1 (`train-v1.1.json`, `dev-v1.1.json`); its test set is hidden. */
export const squad: OfficialTask = official(
  spanTask({
    name: 'squad',
    dataset: 'squad',
    files: { train: 'train-v1.1.json', dev: 'dev-v1.1.json' },
    parse: (text, rows) => parseSquad(text, rows),
  }),
);
