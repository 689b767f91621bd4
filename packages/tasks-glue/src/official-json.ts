import { CamtlError } from '@camtl/core';

/**
 * Validation of `camtl metrics` inputs (the parsed IN.json): each failure is
 * one line naming the file and the key at fault.
 */

function bad(source: string, message: string): CamtlError {
  return new CamtlError('BAD_INPUT', `${source}: ${message}`);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** The top-level object with the given keys present. */
export function jsonObject(input: unknown, source: string, keys: readonly string[]): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw bad(source, `expected a JSON object with keys ${keys.map((k) => `"${k}"`).join(', ')}`);
  }
  const obj = input as Record<string, unknown>;
  for (const k of keys) if (!(k in obj)) throw bad(source, `expected a key "${k}"`);
  return obj;
}

/** `{"predictions": {id: text}, "references": {id: [golds]}}` (SQuAD, ReCoRD). */
export function spanJson(
  input: unknown,
  source: string,
): { predictions: Record<string, string>; references: Record<string, string[]> } {
  const obj = jsonObject(input, source, ['predictions', 'references']);
  const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(obj.predictions))
    throw bad(source, `expected "predictions" to be {id: text}, got ${describe(obj.predictions)}`);
  if (!isMap(obj.references))
    throw bad(source, `expected "references" to be {id: [golds]}, got ${describe(obj.references)}`);
  const predictions = obj.predictions as Record<string, unknown>;
  for (const [id, p] of Object.entries(predictions)) {
    if (typeof p !== 'string') throw bad(source, `predictions["${id}"]: expected a string, got ${describe(p)}`);
  }
  const references = obj.references as Record<string, unknown>;
  for (const [id, golds] of Object.entries(references)) {
    if (!Array.isArray(golds) || golds.length === 0 || golds.some((g) => typeof g !== 'string')) {
      throw bad(source, `references["${id}"]: expected a non-empty list of strings, got ${describe(golds)}`);
    }
  }
  if (Object.keys(references).length === 0) throw bad(source, '"references" is empty');
  return { predictions: predictions as Record<string, string>, references: references as Record<string, string[]> };
}

/** `{"predictions": [[tags]], "labels": [[tags]]}` with matching sentence lengths (WNUT17). */
export function tagsJson(input: unknown, source: string): { predictions: string[][]; labels: string[][] } {
  const obj = jsonObject(input, source, ['predictions', 'labels']);
  const lists = (key: string): string[][] => {
    const v = obj[key];
    if (!Array.isArray(v)) throw bad(source, `expected "${key}" to be a list of tag lists, got ${describe(v)}`);
    v.forEach((s, i) => {
      if (!Array.isArray(s) || s.some((t) => typeof t !== 'string' || t === '')) {
        throw bad(source, `${key}[${i}]: expected a list of non-empty tag strings, got ${describe(s)}`);
      }
    });
    return v as string[][];
  };
  const predictions = lists('predictions');
  const labels = lists('labels');
  if (predictions.length !== labels.length) {
    throw bad(source, `${predictions.length} predicted sentences for ${labels.length} labelled ones`);
  }
  labels.forEach((l, i) => {
    if (predictions[i].length !== l.length) {
      throw bad(source, `sentence ${i}: ${predictions[i].length} predicted tags for ${l.length} labels`);
    }
  });
  return { predictions, labels };
}

/** `{"predictions", "labels"}`: class ids or label strings, both mapped to class ids. */
export function classJson(
  input: unknown,
  source: string,
  labelNames: readonly string[],
): { predictions: number[]; labels: number[] } {
  const obj = jsonObject(input, source, ['predictions', 'labels']);
  const ids = (key: string): number[] => {
    const v = obj[key];
    if (!Array.isArray(v)) throw bad(source, `expected "${key}" to be a list, got ${describe(v)}`);
    return v.map((x, i) => {
      const id = typeof x === 'string' ? labelNames.indexOf(x) : x;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= labelNames.length) {
        throw bad(
          source,
          `${key}[${i}]: expected a class id 0…${labelNames.length - 1} or one of ${labelNames.join(', ')}, got ${describe(x)}`,
        );
      }
      return id;
    });
  };
  const predictions = ids('predictions');
  const labels = ids('labels');
  if (predictions.length !== labels.length || labels.length === 0) {
    throw bad(
      source,
      `expected as many predictions as labels (at least one), got ${predictions.length} and ${labels.length}`,
    );
  }
  return { predictions, labels };
}
