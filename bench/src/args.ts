// Argument parsing for `bench [command] [--options]`: a declared spec per
// command, so an unknown or mistyped option is an error rather than a
// silently ignored flag (a benchmark run on the wrong settings wastes minutes).

export type OptionKind = 'string' | 'number' | 'boolean';

export interface OptionSpec {
  kind: OptionKind;
  default?: string | number | boolean;
  help: string;
}

export type Spec = Record<string, OptionSpec>;
export type Parsed = Record<string, string | number | boolean | undefined>;

export class ArgError extends Error {}

export const COMMANDS = ['speed', 'memory', 'epoch', 'mtu', 'leak', 'bundle'] as const;
export type Command = (typeof COMMANDS)[number];

/** The first word is the command when it is one; otherwise the default `speed`. */
export function splitCommand(argv: readonly string[]): { command: Command | 'help'; rest: string[] } {
  const [first, ...rest] = argv;
  if (first === 'help' || first === '--help' || first === '-h') return { command: 'help', rest };
  if ((COMMANDS as readonly string[]).includes(first)) return { command: first as Command, rest };
  if (first !== undefined && !first.startsWith('-')) {
    throw new ArgError(`unknown command "${first}" (use one of: ${COMMANDS.join(', ')}, help)`);
  }
  return { command: 'speed', rest: [...argv] };
}

function convert(name: string, spec: OptionSpec, raw: string): string | number | boolean {
  if (spec.kind === 'string') return raw;
  if (spec.kind === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ArgError(`--${name} takes true or false, got "${raw}"`);
  }
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new ArgError(`--${name} takes a number, got "${raw}"`);
  return n;
}

/** Parses `--key value`, `--key=value`, `--flag` and `--no-flag` against `spec`; fills defaults. */
export function parseOptions(argv: readonly string[], spec: Spec): Parsed {
  const out: Parsed = {};
  for (const [name, s] of Object.entries(spec)) out[name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new ArgError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (!spec[name] && name.startsWith('no-') && spec[name.slice(3)]?.kind === 'boolean' && inline === undefined) {
      name = name.slice(3);
      inline = 'false';
    }
    const s = spec[name];
    if (!s) throw new ArgError(`unknown option --${name}`);
    if (inline === undefined && s.kind === 'boolean') inline = 'true';
    if (inline === undefined) {
      if (i + 1 >= argv.length) throw new ArgError(`--${name} needs a value`);
      inline = argv[++i];
    }
    out[name] = convert(name, s, inline);
  }
  return out;
}

/** A positive integer option, with the option's name in the error. */
export function positiveInt(parsed: Parsed, name: string, allowZero = false): number {
  const v = parsed[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    throw new ArgError(`--${name} must be a${allowZero ? ' non-negative' : ' positive'} integer, got ${String(v)}`);
  }
  return v;
}

/** A comma-separated list, trimmed, without empty items. */
export function list(value: string | number | boolean | undefined): string[] {
  if (value === undefined || value === false) return [];
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `--help` text of a spec: one line per option with its default. */
export function optionHelp(spec: Spec): string {
  return Object.entries(spec)
    .map(([name, s]) => {
      const arg = s.kind === 'boolean' ? `--${name}` : `--${name} ${s.kind === 'number' ? 'N' : 'X'}`;
      const def = s.default === undefined || s.default === false ? '' : ` (default ${String(s.default)})`;
      return `  ${arg.padEnd(24)} ${s.help}${def}`;
    })
    .join('\n');
}
