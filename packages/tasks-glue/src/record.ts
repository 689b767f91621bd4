import type { SpanAnswer } from '@camtl/core';
import { codePointToUtf16 } from './offsets';
import { jsonLines, official, spanTask, type Json, type Rows } from './official-base';
import type { OfficialTask } from './official-task';

/**
 * SuperGLUE's ReCoRD (`ReCoRD/{train,val,test}.jsonl`): one line per passage,
 * `{"passage": {"text", "entities"}, "qas": [{"query", "answers": [{"start",
 * "end", "text"}], "idx"}], "idx"}`, ends inclusive and in code points. One
 * example per query: textA the query (with its `@placeholder`), textB the
 * passage. The passage's summary bullets are written `\n@highlight\n…`; as
 * the SuperGLUE baseline (jiant) does, each `@highlight\n` becomes "- ", a
 * list item, and the answer offsets move with the text. The id is the query's
 * `idx`, which the SuperGLUE server's `ReCoRD.jsonl` expects.
 */

const MARKER = '@highlight\n';
const BULLET = '- ';

/** The passage with its markers replaced, and original → new UTF-16 offsets. */
export function recordPassage(raw: string): { text: string; markers: number; map: (offset: number) => number } {
  const toUtf16 = codePointToUtf16(raw);
  const at: number[] = [];
  for (let i = raw.indexOf(MARKER); i >= 0; i = raw.indexOf(MARKER, i + MARKER.length)) at.push(i);
  const shift = MARKER.length - BULLET.length;
  const map = (offset: number) => {
    const o = toUtf16(offset);
    return o - shift * at.filter((m) => m < o).length;
  };
  return { text: raw.split(MARKER).join(BULLET), markers: at.length, map };
}

function answersOf(qa: Json, passage: ReturnType<typeof recordPassage>, rows: Rows): SpanAnswer[] | undefined {
  if (!Array.isArray(qa.answers)) return undefined;
  const out: SpanAnswer[] = [];
  for (const a of qa.answers as Json[]) {
    if (typeof a?.text !== 'string' || typeof a.start !== 'number') continue;
    const start = passage.map(a.start);
    if (passage.text.slice(start, start + a.text.length) !== a.text) rows.quirk('answers not at their offsets');
    out.push({ text: a.text, start });
  }
  return out;
}

function readPassage(obj: Json, line: number, rows: Rows): void {
  const p = obj.passage as Json | undefined;
  if (typeof p?.text !== 'string' || !Array.isArray(obj.qas)) {
    rows.bad(line, 'expected a ReCoRD record {"passage": {"text"}, "qas"}');
    return;
  }
  const passage = recordPassage(p.text);
  rows.quirk('@highlight markers', passage.markers);
  for (const qa of obj.qas as Json[]) {
    if (typeof qa?.query !== 'string' || qa.idx === undefined) {
      rows.bad(line, 'expected each of "qas" to have a "query" and an "idx"');
      continue;
    }
    const answers = answersOf(qa, passage, rows);
    if (answers && answers.length === 0) rows.quirk('queries without an answer');
    const ex = { id: String(qa.idx), textA: qa.query, textB: passage.text, line };
    rows.examples.push(answers?.length ? { ...ex, answers } : ex);
  }
}

export function parseRecord(text: string, rows: Rows): void {
  jsonLines(text, rows, (obj, line) => readPassage(obj, line, rows));
}

export const record: OfficialTask = official(
  spanTask({
    name: 'record',
    dataset: 'superglue',
    files: { train: 'ReCoRD/train.jsonl', dev: 'ReCoRD/val.jsonl', test: 'ReCoRD/test.jsonl' },
    parse: (text, rows) => parseRecord(text, rows),
  }),
);
