import { parseArgs } from 'node:util';
import { CamtlError } from '@camtl/core';

export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  description: string;
  /** Placeholder shown in help, e.g. DIR. */
  value?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  examples?: string[];
  run(values: Record<string, string | boolean | undefined>, io: CliIO): Promise<number>;
}

/** Where a command writes: injectable so tests capture the output. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars redraw in place); default: process.stderr's. */
  isTTY?: boolean;
}

export function helpText(cmd: CommandSpec): string {
  const lines = [`camtl ${cmd.name} — ${cmd.summary}`, '', `usage: ${cmd.usage}`, '', 'options:'];
  const entries = Object.entries({
    ...cmd.flags,
    help: { type: 'boolean', description: 'show this help' } as FlagSpec,
  });
  for (const [name, f] of entries) {
    const flag = `--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const def = f.default !== undefined && f.default !== false ? ` (default: ${String(f.default)})` : '';
    lines.push(`  ${flag.padEnd(28)} ${f.description}${def}`);
  }
  if (cmd.examples?.length) lines.push('', 'examples:', ...cmd.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

const USAGE = Symbol('camtl usage error');

/** A bad command line (unknown flag, stray argument): the CLI exits 2 for it. */
export function usageError(message: string, hint?: string): CamtlError {
  return Object.assign(new CamtlError('BAD_INPUT', message, hint), { [USAGE]: true });
}

/** `e` marked as a usage error (a bad flag value or --config/--task-def file: exit 2), when it is camtl's own. */
export function asUsageError(e: unknown): unknown {
  return e instanceof CamtlError ? Object.assign(e, { [USAGE]: true }) : e;
}

export function isUsageError(e: unknown): boolean {
  return !!(e as Record<symbol, unknown> | null)?.[USAGE];
}

/** Parses argv strictly; an unknown or malformed flag is a one-line error. */
export function parseFlags(cmd: CommandSpec, argv: string[]): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, f] of Object.entries(cmd.flags))
    options[name] = f.short ? { type: f.type, short: f.short } : { type: f.type };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) {
      throw usageError(`camtl ${cmd.name}: unexpected argument "${positionals[0]}"`, `see camtl ${cmd.name} --help`);
    }
    const out: Record<string, string | boolean | undefined> = {};
    for (const [name, f] of Object.entries(cmd.flags))
      out[name] = (values[name] as string | boolean | undefined) ?? f.default;
    out.help = values.help as boolean | undefined;
    return out;
  } catch (e) {
    if (e instanceof CamtlError) throw e;
    const msg = (e as Error).message.split('\n')[0];
    throw usageError(`camtl ${cmd.name}: ${msg}`, `see camtl ${cmd.name} --help`);
  }
}

export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
