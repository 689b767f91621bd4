import { describe, expect, it } from 'vitest';
import { LogParseError, parseLog, parseLogDetailed } from './parse';
import { syntheticLog, toJsonl } from './test-helpers';

describe('parseLog', () => {
  const records = syntheticLog({ steps: 40, evalEvery: 10 });
  const text = toJsonl(records);

  it('reads back what the trainer writes', () => {
    expect(parseLog(text)).toEqual(records);
    expect(parseLog(text.replace(/\n/g, '\r\n'))).toEqual(records);
    expect(parseLog('\uFEFF' + text + '\n\n')).toEqual(records);
  });

  it('leaves out a cut-off last line (a killed run)', () => {
    const cut = text.slice(0, text.length - 30);
    const parsed = parseLogDetailed(cut);
    expect(parsed.truncated).toBe(true);
    expect(parsed.records).toEqual(records.slice(0, -1));
    expect(parseLog(cut)).toHaveLength(records.length - 1);
  });

  it('throws a one-line error naming a bad line in the middle', () => {
    const lines = text.split('\n');
    lines[4] = '{"type":"step","step":5,';
    const bad = lines.join('\n');
    expect(() => parseLog(bad)).toThrow(LogParseError);
    expect(() => parseLog(bad)).toThrow(/^log line 5: not JSON/);
    try {
      parseLog(bad);
    } catch (e) {
      expect((e as LogParseError).line).toBe(5);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('throws on a complete last line that is not JSON (it ends with a newline)', () => {
    expect(() => parseLog(text + 'garbage\n')).toThrow(/^log line \d+: not JSON/);
  });

  it('checks the fields of known records', () => {
    const step = { ...records[1], loss: 'x' };
    expect(() => parseLog(JSON.stringify(step) + '\n')).toThrow(
      'log line 1: step record: "loss" must be a number or null, got "x"',
    );
    expect(() => parseLog('[1,2]\n')).toThrow(/log line 1: expected a JSON object/);
    expect(() => parseLog('{"step":1}\n')).toThrow(/log line 1: missing "type"/);
    const end = { type: 'end', step: 1, time: 1, reason: 'crashed', final: {} };
    expect(() => parseLog(JSON.stringify(end))).toThrow(/"reason" must be one of "done", "early-stopping"/);
  });

  it('accepts null for non-finite numbers (JSON has no NaN)', () => {
    const step = { ...records[1], loss: NaN, gradNorm: Infinity };
    const [parsed] = parseLog(JSON.stringify(step));
    expect(parsed).toMatchObject({ type: 'step', loss: null, gradNorm: null });
  });

  it('skips bad lines with onInvalid: skip, and unknown record types always', () => {
    const lines = text.trim().split('\n');
    lines.splice(3, 0, 'oops', '{"type":"note","text":"hello"}', '{"type":"constructor"}');
    const parsed = parseLogDetailed(lines.join('\n') + '\n', { onInvalid: 'skip' });
    expect(parsed.records).toEqual(records);
    expect(parsed.skipped).toEqual([{ line: 4, reason: expect.stringMatching(/^not JSON/) }]);
    expect(parsed.unknownTypes).toBe(2);
    expect(parsed.truncated).toBe(false);
  });

  it('parses empty logs', () => {
    expect(parseLog('')).toEqual([]);
    expect(parseLog('\n\n')).toEqual([]);
    expect(parseLogDetailed('{"type":"ru').truncated).toBe(true);
  });
});
