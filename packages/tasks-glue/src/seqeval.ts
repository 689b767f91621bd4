import { CamtlError } from '@camtl/core';

/**
 * Entity-level scores as seqeval computes them in its default mode (the
 * conlleval chunk rules): `getEntities`, `endOfChunk` and `startOfChunk`
 * follow seqeval 1.2's `get_entities`/`end_of_chunk`/`start_of_chunk` line
 * by line, odd cases included (an I- without a B- starts a chunk, a type
 * change inside an entity ends it, a tag's type is everything after its
 * first "-", a bare "O" has type "_").
 */

/** An entity: its type and its first and last token, indexed in the sentences joined with one "O" after each. */
export type Entity = [type: string, begin: number, end: number];

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

/** seqeval's `get_entities` for prefix tags (B-x, I-x, E-x, S-x, O) over sentences. */
export function getEntities(sentences: readonly (readonly string[])[]): Entity[] {
  // As seqeval does for nested lists: each sentence is followed by an "O", so no chunk crosses sentences.
  const seq = [...sentences.flatMap((s) => [...s, 'O']), 'O'];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  const chunks: Entity[] = [];
  seq.forEach((chunk, i) => {
    if (chunk.length === 0) throw new CamtlError('BAD_INPUT', `seqeval: an empty tag at token ${i}`);
    const tag = chunk[0];
    const rest = chunk.slice(1);
    const dash = rest.indexOf('-');
    const type = (dash >= 0 ? rest.slice(dash + 1) : rest) || '_';
    if (endOfChunk(prevTag, tag, prevType, type)) chunks.push([prevType, begin, i - 1]);
    if (startOfChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  });
  return chunks;
}

function entityKeys(sentences: readonly (readonly string[])[]): Set<string> {
  return new Set(getEntities(sentences).map(([t, b, e]) => `${b}\u0000${e}\u0000${t}`));
}

/** Micro-averaged entity precision, recall and F1; 0 where a denominator is 0 (no entities: all 0). */
export function seqevalMetrics(
  predictions: readonly (readonly string[])[],
  labels: readonly (readonly string[])[],
): { precision: number; recall: number; f1: number } {
  if (predictions.length !== labels.length) {
    throw new CamtlError(
      'BAD_INPUT',
      `seqeval: ${predictions.length} predicted sentences for ${labels.length} labelled`,
    );
  }
  labels.forEach((l, i) => {
    if (predictions[i].length !== l.length) {
      throw new CamtlError(
        'BAD_INPUT',
        `seqeval: sentence ${i} has ${predictions[i].length} predicted tags for ${l.length} labels`,
      );
    }
  });
  const gold = entityKeys(labels);
  const pred = entityKeys(predictions);
  let tp = 0;
  for (const k of pred) if (gold.has(k)) tp += 1;
  const precision = pred.size ? tp / pred.size : 0;
  const recall = gold.size ? tp / gold.size : 0;
  const denom = precision + recall;
  return { precision, recall, f1: denom ? (2 * precision * recall) / denom : 0 };
}
