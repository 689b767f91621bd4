import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { CamtlError } from './errors';
import { checkSchema, describeValue, jsonPath, parseJsonText } from './schema';

const schema = z.object({
  layers: z.number().check(z.maximum(4), z.minimum(1), z.int()),
  names: z.optional(z.array(z.string())),
  special: z.optional(z.record(z.string(), z.object({ ids: z.array(z.number().check(z.int())) }))),
});

function fail(value: unknown, options?: string): CamtlError {
  try {
    checkSchema(schema, value, 'run/config.json', options);
  } catch (e) {
    expect(e).toBeInstanceOf(CamtlError);
    return e as CamtlError;
  }
  throw new Error('accepted');
}

describe('checkSchema', () => {
  it('returns the parsed value', () => {
    expect(checkSchema(schema, { layers: 2 }, 'x')).toEqual({ layers: 2 });
  });

  it('"<where>: <json.path>: <problem>" with a hint, one line', () => {
    const e = fail({ layers: 9 });
    expect(e.message).toBe('run/config.json: layers: must be at most 4, got 9');
    expect(e.hint).toBe('fix that field in run/config.json');
    expect(e.code).toBe('BAD_CONFIG');
    expect(fail({ layers: 2, names: ['a', 3] }, 'see the docs').hint).toBe('see the docs');
    expect(fail({ layers: 2, names: ['a', 3] }).message).toBe('run/config.json: names[1]: expected a string, got 3');
    expect(fail({ layers: 2, special: { '[CLS]': { ids: [1.5] } } }).message).toBe(
      'run/config.json: special["[CLS]"].ids[0]: expected an integer, got 1.5',
    );
    expect(fail(null).message).toBe('run/config.json: (root): expected an object, got null');
    expect(fail({}).message).toBe('run/config.json: layers: missing (expected a finite number)');
    expect(fail({ layers: 'a\nb', names: 1 }).message).toMatch(/^[^\n]+\(and 1 more problem\)$/);
  });

  it('paths and values stay short', () => {
    expect(jsonPath(['a', 0, 'b c', 'x'.repeat(50)])).toBe(`a[0]["b c"]["${'x'.repeat(40)}…" (50 chars)]`);
    expect(describeValue('y'.repeat(100))).toBe(`"${'y'.repeat(40)}…" (100 chars)`);
    expect(describeValue(new Array(1e6))).toBe('an array of 1000000');
  });

  it('parseJsonText: a syntax error is one line naming the file', () => {
    expect(() => parseJsonText('{\n"a": \n', 'f.json')).toThrow(/^f\.json: not valid JSON \([^\n]*\)$/);
  });
});
