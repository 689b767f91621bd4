import { describe, expect, it } from 'vitest';
import { ArgError, list, optionHelp, parseOptions, positiveInt, splitCommand, type Spec } from './args';

const spec: Spec = {
  config: { kind: 'string', default: 'bert-mini', help: 'config' },
  steps: { kind: 'number', default: 10, help: 'steps' },
  json: { kind: 'boolean', default: false, help: 'json' },
  torch: { kind: 'boolean', default: true, help: 'torch' },
};

describe('splitCommand', () => {
  it('defaults to the speed benchmark and recognises commands', () => {
    expect(splitCommand(['--config', 'bert-tiny'])).toEqual({ command: 'speed', rest: ['--config', 'bert-tiny'] });
    expect(splitCommand(['epoch', '--sample', '64'])).toEqual({ command: 'epoch', rest: ['--sample', '64'] });
    expect(splitCommand([]).command).toBe('speed');
    expect(splitCommand(['--help']).command).toBe('help');
  });
  it('rejects an unknown command', () => {
    expect(() => splitCommand(['epochs'])).toThrow(ArgError);
  });
});

describe('parseOptions', () => {
  it('fills defaults and reads both value forms', () => {
    expect(parseOptions([], spec)).toEqual({ config: 'bert-mini', steps: 10, json: false, torch: true });
    expect(parseOptions(['--config=bert-tiny', '--steps', '3', '--json'], spec)).toMatchObject({
      config: 'bert-tiny',
      steps: 3,
      json: true,
    });
  });
  it('negates booleans with --no-', () => {
    expect(parseOptions(['--no-torch'], spec).torch).toBe(false);
    expect(parseOptions(['--torch=false'], spec).torch).toBe(false);
  });
  it('rejects unknown options, missing values and bad numbers', () => {
    expect(() => parseOptions(['--confg', 'x'], spec)).toThrow(/unknown option --confg/);
    expect(() => parseOptions(['--steps'], spec)).toThrow(/needs a value/);
    expect(() => parseOptions(['--steps', 'ten'], spec)).toThrow(/takes a number/);
    expect(() => parseOptions(['bert-mini'], spec)).toThrow(/unexpected argument/);
  });
});

describe('helpers', () => {
  it('checks positive integers', () => {
    expect(positiveInt({ steps: 3 }, 'steps')).toBe(3);
    expect(positiveInt({ steps: 0 }, 'steps', true)).toBe(0);
    expect(() => positiveInt({ steps: 0 }, 'steps')).toThrow(/positive integer/);
    expect(() => positiveInt({ steps: 1.5 }, 'steps')).toThrow(ArgError);
  });
  it('splits comma lists', () => {
    expect(list('wasm, cpu,,webgpu')).toEqual(['wasm', 'cpu', 'webgpu']);
    expect(list(undefined)).toEqual([]);
  });
  it('prints one help line per option', () => {
    expect(optionHelp(spec).split('\n')).toHaveLength(4);
    expect(optionHelp(spec)).toContain('--steps N');
  });
});
