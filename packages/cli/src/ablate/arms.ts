import { CamtlError } from '@camtl/core';
import { parseFlags, type CommandSpec, type FlagSpec } from '../args';

/** One arm of an ablation: a model name and the `camtl train` flags that make it. */
export interface Arm {
  /** As written, e.g. "ca-mtl --without conditional-attention". */
  label: string;
  /** Folder name, e.g. "ca-mtl-without-conditional-attention". */
  slug: string;
  /** The train flags of the arm (only those given), by flag name. */
  flags: Record<string, string | boolean>;
}

/**
 * The arm names: each is a set of train flags. 'ca-mtl' is the default
 * model; 'mtl-bert' the paper's vanilla multi-task BERT baseline.
 */
export const ARM_NAMES: Record<string, Record<string, string>> = {
  'ca-mtl': {},
  'mtl-bert': { preset: 'mtl-bert' },
};

/** Flags an arm may not set: ablate sets them for every run (or they make no sense per run). */
const RESERVED = ['output', 'resume', 'seed', 'config'];

const slugOf = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** The train command's flags with no defaults, so parsing keeps only what the arm gives. */
function givenOnly(train: CommandSpec): CommandSpec {
  const flags: Record<string, FlagSpec> = {};
  for (const [name, f] of Object.entries(train.flags)) flags[name] = { ...f, default: undefined };
  return { ...train, flags };
}

function parseArm(text: string, train: CommandSpec): Arm {
  const label = text.trim().replace(/\s+/g, ' ');
  const [name, ...tokens] = label.split(' ');
  const bad = (message: string, hint?: string) =>
    new CamtlError('BAD_INPUT', `camtl ablate: arm "${label}": ${message}`, hint);
  if (!Object.hasOwn(ARM_NAMES, name))
    throw bad(
      `unknown model "${name}"`,
      `an arm is NAME [train flags…] with NAME one of ${Object.keys(ARM_NAMES).join(', ')}`,
    );
  let parsed: Record<string, string | boolean | undefined>;
  try {
    parsed = parseFlags(givenOnly(train), tokens);
  } catch (e) {
    // node's parseArgs appends advice on positionals that does not apply to an arm
    const message = (e as Error).message.replace(/^camtl train: /, '').replace(/\. To specify a positional.*$/, '');
    throw bad(message, 'an arm takes the flags of camtl train --help');
  }
  const flags: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(parsed)) if (v !== undefined && k !== 'help') flags[k] = v;
  for (const k of RESERVED) if (k in flags) throw bad(`--${k} is set by camtl ablate for every run`);
  for (const [k, v] of Object.entries(ARM_NAMES[name])) {
    if (!(k in train.flags))
      throw bad(`needs camtl train --${k}, which this camtl does not have`, 'use the ca-mtl arm, or a newer camtl');
    if (flags[k] !== undefined && flags[k] !== v) throw bad(`"${name}" means --${k} ${v}`);
    flags[k] = v;
  }
  return { label, slug: slugOf(label), flags };
}

/** `--arms "a;b --flag x;c"`: arms separated by semicolons, each NAME [train flags…]; distinct folders. */
export function parseArms(spec: string, train: CommandSpec): Arm[] {
  const arms = spec
    .split(';')
    .filter((s) => s.trim().length > 0)
    .map((s) => parseArm(s, train));
  if (arms.length === 0)
    throw new CamtlError('BAD_INPUT', 'camtl ablate: --arms lists no arm', 'e.g. --arms "mtl-bert;ca-mtl"');
  const seen = new Map<string, string>();
  for (const arm of arms) {
    const other = seen.get(arm.slug);
    if (other !== undefined)
      throw new CamtlError('BAD_INPUT', `camtl ablate: arms "${other}" and "${arm.label}" are the same run folder`);
    seen.set(arm.slug, arm.label);
  }
  return arms;
}
