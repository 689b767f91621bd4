/**
 * Host-side encoding of the task kinds beyond sentence classification:
 * token classification (words → WordPiece with first-sub-token labels), span
 * extraction (question + overlapping context windows, HF `run_qa`
 * `prepare_train_features`) and multiple choice (one pair per choice).
 */
import { IGNORE_INDEX } from '../bert/task-heads';
import { CamtlError } from '../errors';
import type { BertTokenizer, TruncationStrategy } from '../tokenizer';
import type { EncodedExample } from './data';
import type { Example, TaskDefinition } from './tasks';

/** The label of tokens no loss is taken on (PyTorch's CrossEntropyLoss ignore_index). */

/** HF run_qa's defaults. */
export const DEFAULT_DOC_STRIDE = 128;
export const DEFAULT_MAX_QUERY_LENGTH = 64;

export interface SpanEncodeOptions {
  /**
   * Tokens two consecutive windows of a long context share (HF fast
   * tokenizers' `stride`, as in `prepare_train_features`; the original BERT
   * run_squad's doc_stride was the step instead). Unset: 128, or half the
   * room a window has for the context when 128 does not fit (e.g. with
   * maxSeqLength 128), so the default works at any length.
   */
  docStride?: number;
  /** Question tokens kept (the original BERT run_squad's max_query_length); default 64. */
  maxQueryLength?: number;
}

function where(ex: Example, index: number): string {
  return ex.line === undefined ? `example ${index}` : `line ${ex.line}`;
}

/**
 * Token classification: each word is tokenized on its own (HF
 * `is_split_into_words`); its first sub-token carries the tag id, later
 * sub-tokens and the specials −100. Words cut by maxSeqLength (or with no
 * tokens) get wordStarts −1. Unlabelled examples: every target −100.
 */
export function encodeTokenExamples(
  tokenizer: BertTokenizer,
  examples: readonly Example[],
  task: TaskDefinition,
  taskIndex: number,
  maxSeqLength: number,
): EncodedExample[] {
  if (maxSeqLength < 2) throw new CamtlError('BAD_INPUT', `encode-kinds.ts: maxSeqLength ${maxSeqLength} < 2`);
  const { cls, sep } = tokenizer.specialTokens;
  return examples.map((ex, index) => {
    const words = ex.words;
    if (!words) throw new CamtlError('BAD_INPUT', `${task.name} ${where(ex, index)}: a token example needs words`);
    if (ex.tags && ex.tags.length !== words.length) {
      const counts = `${ex.tags.length} tags for ${words.length} words`;
      throw new CamtlError('BAD_INPUT', `${task.name} ${where(ex, index)}: ${counts}`);
    }
    const ids = [cls.id];
    const tokenTargets = [IGNORE_INDEX];
    const wordStarts = words.map((word, w) => {
      const pieces = tokenizer.encode(word, null, { addSpecialTokens: false }).ids;
      const room = maxSeqLength - 1 - ids.length;
      if (pieces.length === 0 || room <= 0) return -1;
      const kept = pieces.slice(0, room);
      const start = ids.length;
      ids.push(...kept);
      tokenTargets.push(ex.tags ? task.target(ex.tags[w]) : IGNORE_INDEX, ...kept.slice(1).map(() => IGNORE_INDEX));
      return start;
    });
    ids.push(sep.id);
    tokenTargets.push(IGNORE_INDEX);
    const typeIds = ids.map(() => 0);
    return { ids, typeIds, task: taskIndex, target: Number.NaN, index, id: ex.id, tokenTargets, wordStarts };
  });
}

/** Multiple choice: choice c is the pair (textA, choices[c]); `target` is the label as a choice index. */
export function encodeChoiceExamples(
  tokenizer: BertTokenizer,
  examples: readonly Example[],
  task: TaskDefinition,
  taskIndex: number,
  maxSeqLength: number,
  truncation: TruncationStrategy,
): EncodedExample[] {
  return examples.map((ex, index) => {
    const texts = ex.choices;
    if (!texts || texts.length === 0) {
      throw new CamtlError('BAD_INPUT', `${task.name} ${where(ex, index)}: a multiple-choice example needs choices`);
    }
    const choices = texts.map((choice) => {
      const enc = tokenizer.encode(ex.textA, choice, { maxSeqLength, truncation });
      return { ids: enc.ids, typeIds: enc.typeIds };
    });
    const target = ex.label === undefined ? Number.NaN : Number(ex.label);
    if (ex.label !== undefined && !(Number.isInteger(target) && target >= 0 && target < texts.length)) {
      const why = `label "${ex.label}" is not a choice index in [0, ${texts.length})`;
      throw new CamtlError('BAD_INPUT', `${task.name} ${where(ex, index)}: ${why}`);
    }
    return { ids: choices[0].ids, typeIds: choices[0].typeIds, task: taskIndex, target, index, id: ex.id, choices };
  });
}

/**
 * The [from, to) token ranges of a context of `length` tokens cut into
 * windows of at most `room` tokens, consecutive windows sharing `stride`
 * (HF `Encoding::truncate` with a stride: starts step by room − stride,
 * until a window reaches the end). The whole context is windowed: tokenizers
 * 0.23 stops tokenizing a sequence near max_length tokens even when asked for
 * overflow, silently losing later windows, a regression not copied here.
 */
export function contextWindows(length: number, room: number, stride: number): [number, number][] {
  if (length <= room) return [[0, length]];
  const out: [number, number][] = [];
  for (let from = 0; ; from += room - stride) {
    const to = Math.min(from + room, length);
    out.push([from, to]);
    if (to === length) return out;
  }
}

/** The first gold answer's [start, end) characters in the context; null without one (or when not found). */
function goldChars(ex: Example, context: string): [number, number] | null {
  const answer = ex.answers?.[0];
  if (!answer) return null;
  const start = answer.start >= 0 ? answer.start : context.indexOf(answer.text);
  return start < 0 ? null : [start, start + answer.text.length];
}

/**
 * HF prepare_train_features' positions within one window's context tokens
 * (`offsets`), or null when the window does not hold the whole answer.
 */
export function answerTokens(offsets: readonly [number, number][], chars: [number, number]): [number, number] | null {
  const [startChar, endChar] = chars;
  const last = offsets.length - 1;
  if (last < 0 || !(offsets[0][0] <= startChar && offsets[last][1] >= endChar)) return null;
  let s = 0;
  while (s < offsets.length && offsets[s][0] <= startChar) s++;
  let e = last;
  while (e >= 0 && offsets[e][1] >= endChar) e--;
  return [s - 1, e + 1];
}

interface SpanLayout {
  question: number[];
  contextIds: number[];
  contextOffsets: [number, number][];
  room: number;
  stride: number;
}

function spanLayout(
  tokenizer: BertTokenizer,
  ex: Example,
  context: string,
  maxSeqLength: number,
  options: SpanEncodeOptions,
): SpanLayout {
  const maxQuery = options.maxQueryLength ?? DEFAULT_MAX_QUERY_LENGTH;
  const question = tokenizer.encode(ex.textA, null, { addSpecialTokens: false }).ids.slice(0, maxQuery);
  const encoded = tokenizer.encode(context, null, { addSpecialTokens: false, returnOffsets: true });
  const room = maxSeqLength - question.length - 3;
  const stride = options.docStride ?? Math.min(DEFAULT_DOC_STRIDE, Math.floor(room / 2));
  if (!(Number.isInteger(stride) && stride >= 0 && stride < room)) {
    const sizes = `maxSeqLength ${maxSeqLength} leaves ${room} context tokens after a ${question.length}-token question`;
    throw new CamtlError('BAD_INPUT', `encode-kinds.ts: docStride ${stride} must be in [0, ${room}): ${sizes}`);
  }
  const contextOffsets = encoded.offsets as [number, number][];
  return { question, contextIds: encoded.ids, contextOffsets, room, stride };
}

/**
 * Span extraction: [CLS] question [SEP] window [SEP] for every window of the
 * context; one row per window (`example` = the example's position, `index` =
 * the row's). Offsets only on context tokens; a window without the whole
 * answer (or an unlabelled example) points at [CLS] (0, 0).
 */
export function encodeSpanExamples(
  tokenizer: BertTokenizer,
  examples: readonly Example[],
  task: TaskDefinition,
  taskIndex: number,
  maxSeqLength: number,
  options: SpanEncodeOptions = {},
): EncodedExample[] {
  const { cls, sep } = tokenizer.specialTokens;
  const rows: EncodedExample[] = [];
  examples.forEach((ex, example) => {
    const context = ex.textB;
    if (context === undefined) {
      throw new CamtlError('BAD_INPUT', `${task.name} ${where(ex, example)}: a span example needs a context (textB)`);
    }
    const layout = spanLayout(tokenizer, ex, context, maxSeqLength, options);
    const chars = goldChars(ex, context);
    const head = layout.question.length + 2;
    for (const [from, to] of contextWindows(layout.contextIds.length, layout.room, layout.stride)) {
      const ids = [cls.id, ...layout.question, sep.id, ...layout.contextIds.slice(from, to), sep.id];
      const typeIds = ids.map((_, i) => (i < head ? 0 : 1));
      const windowOffsets = layout.contextOffsets.slice(from, to);
      const offsets = [...new Array<null>(head).fill(null), ...windowOffsets, null];
      const span = chars && answerTokens(windowOffsets, chars);
      const [startPosition, endPosition] = span ? [span[0] + head, span[1] + head] : [0, 0];
      const index = rows.length;
      rows.push({
        ids,
        typeIds,
        task: taskIndex,
        target: Number.NaN,
        index,
        id: ex.id,
        example,
        startPosition,
        endPosition,
        offsets,
      });
    }
  });
  return rows;
}
