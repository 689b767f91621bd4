/**
 * HF `BertProcessing` ([CLS] A [SEP] B [SEP], type ids 0…0 1…1) and the
 * right-side padding of `pad_encodings`.
 */
import type { Encoding, SequenceEncoding, SpecialToken } from './types';

/** Special tokens BertProcessing adds: 2 for one sequence, 3 for a pair. */
export function numSpecialTokens(isPair: boolean): number {
  return isPair ? 3 : 2;
}

// Element by element: push(...seq.ids) spreads every id onto the call stack,
// which overflows at ~120k tokens (encode without maxLength).
function appendSequence(out: Encoding, seq: SequenceEncoding, typeId: number): void {
  for (let i = 0; i < seq.ids.length; i++) {
    out.ids.push(seq.ids[i]);
    out.tokens.push(seq.tokens[i]);
    out.wordIds.push(seq.wordIds[i]);
    out.offsets?.push(seq.offsets?.[i] ?? null);
    out.typeIds.push(typeId);
    out.attentionMask.push(1);
    out.specialTokensMask.push(0);
  }
}

function appendSpecial(out: Encoding, special: SpecialToken, typeId: number): void {
  out.ids.push(special.id);
  out.tokens.push(special.token);
  out.wordIds.push(null);
  out.offsets?.push(null);
  out.typeIds.push(typeId);
  out.attentionMask.push(1);
  out.specialTokensMask.push(1);
}

export function bertProcess(
  first: SequenceEncoding,
  second: SequenceEncoding | null,
  specials: { cls: SpecialToken; sep: SpecialToken },
  addSpecialTokens: boolean,
): Encoding {
  const out: Encoding = { ids: [], tokens: [], typeIds: [], attentionMask: [], specialTokensMask: [], wordIds: [] };
  // Offsets are kept when the sequences carry them (encode's returnOffsets).
  if (first.offsets) out.offsets = [];
  if (addSpecialTokens) appendSpecial(out, specials.cls, 0);
  appendSequence(out, first, 0);
  if (addSpecialTokens) appendSpecial(out, specials.sep, 0);
  if (second) {
    appendSequence(out, second, 1);
    if (addSpecialTokens) appendSpecial(out, specials.sep, 1);
  }
  return out;
}

/** Pads on the right up to `length`: pad id, type 0, mask 0, special 1, word null (as HF). */
export function padEncoding(encoding: Encoding, length: number, pad: SpecialToken): Encoding {
  const n = length - encoding.ids.length;
  if (n <= 0) return encoding;
  const fill = <T>(value: T): T[] => new Array<T>(n).fill(value);
  const padded: Encoding = {
    ids: [...encoding.ids, ...fill(pad.id)],
    tokens: [...encoding.tokens, ...fill(pad.token)],
    typeIds: [...encoding.typeIds, ...fill(0)],
    attentionMask: [...encoding.attentionMask, ...fill(0)],
    specialTokensMask: [...encoding.specialTokensMask, ...fill(1)],
    wordIds: [...encoding.wordIds, ...fill<number | null>(null)],
  };
  if (encoding.offsets) padded.offsets = [...encoding.offsets, ...fill<[number, number] | null>(null)];
  return padded;
}

/** HF pad length: the target rounded up to a multiple of `multiple` when one is given. */
export function roundUpToMultiple(length: number, multiple: number | undefined): number {
  if (!multiple || multiple <= 0 || length % multiple === 0) return length;
  return length + multiple - (length % multiple);
}
