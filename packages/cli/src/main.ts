import { isCamtlError } from '@camtl/core';
import { helpText, isUsageError, parseFlags, type CliIO, type CommandSpec } from './args';
import { version as CLI_VERSION } from '../package.json';
import { forwardCommand } from './commands/forward';
import { infoCommand } from './commands/info';
import { tokenizeCommand } from './commands/tokenize';
import { trainCommand } from './commands/train';
import { ablateCommand } from './commands/ablate';
import { evalCommand } from './commands/eval';
import { predictCommand } from './commands/predict';
import { submitCommand } from './commands/submit';
import { dataCommand, metricsCommand } from './commands/data';
import { glueScoreCommand } from './commands/glue-score';

export const COMMANDS: CommandSpec[] = [
  trainCommand,
  ablateCommand,
  evalCommand,
  predictCommand,
  submitCommand,
  dataCommand,
  metricsCommand,
  glueScoreCommand,
  forwardCommand,
  tokenizeCommand,
  infoCommand,
];

const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function topHelp(): string {
  const lines = [
    'camtl — Conditionally Adaptive Multi-Task Learning (CA-MTL) for BERT on tfjs',
    '',
    'usage: camtl <command> [options]',
    '',
    'commands:',
  ];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run "camtl <command> --help" for the options of a command, "camtl --version" for the version.');
  lines.push(
    'Exit codes: 0 done, 1 a failure, 2 a usage error (a bad flag, or a bad --config / --task-def file), 130 stopped by Ctrl-C after a checkpoint.',
  );
  return lines.join('\n') + '\n';
}

/**
 * Exit codes, as shells expect them: 1 a failure, 2 a usage error (a bad
 * command line), 130 a run stopped by Ctrl-C after its checkpoint.
 */
export const EXIT = { failure: 1, usage: 2, interrupted: 130 } as const;

/** One line on stderr: the error and what to do next; a stack only with CAMTL_DEBUG. */
export function reportError(e: unknown, io: CliIO): number {
  if (isCamtlError(e)) {
    io.stderr(`error: ${e.message}${e.hint ? ` (${e.hint})` : ''}\n`);
    return isUsageError(e) ? EXIT.usage : EXIT.failure;
  }
  const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
  io.stderr(`error: ${msg} (unexpected: rerun with CAMTL_DEBUG=1 for a stack trace and report it)\n`);
  if (process.env.CAMTL_DEBUG) io.stderr(`${(e as Error)?.stack ?? ''}\n`);
  return EXIT.failure;
}

/** The flags; -h/--help anywhere wins over a bad flag next to it (`camtl train --bogus -h` shows the help). */
function parseFlagsOrHelp(cmd: CommandSpec, argv: string[]): ReturnType<typeof parseFlags> {
  try {
    return parseFlags(cmd, argv);
  } catch (e) {
    if (isUsageError(e) && (argv.includes('--help') || argv.includes('-h'))) return { help: true };
    throw e;
  }
}

/** Runs `camtl <argv…>` and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout(`camtl ${CLI_VERSION}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !topic) {
      io.stderr(`error: no command "${rest[0]}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
      return EXIT.usage;
    }
    io.stdout(topic ? helpText(topic) : topHelp()); // `camtl help train` = `camtl train --help`
    return 0;
  }
  if (!name) {
    io.stderr(topHelp()); // no command is a usage error: the usage goes where errors go
    return EXIT.usage;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`error: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return EXIT.usage;
  }
  try {
    const values = parseFlagsOrHelp(cmd, rest);
    if (values.help) {
      io.stdout(helpText(cmd));
      return 0;
    }
    return await cmd.run(values, io);
  } catch (e) {
    return reportError(e, io);
  }
}
