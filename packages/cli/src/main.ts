import { isCamtlError } from '@camtl/core';
import { helpText, parseFlags, type CliIO, type CommandSpec } from './args';
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
  lines.push('', 'Run "camtl <command> --help" for the options of a command.');
  return lines.join('\n') + '\n';
}

/** One line on stderr: the error and what to do next; a stack only with CAMTL_DEBUG. */
export function reportError(e: unknown, io: CliIO): number {
  if (isCamtlError(e)) {
    io.stderr(`error: ${e.message}${e.hint ? ` (${e.hint})` : ''}\n`);
    return 1;
  }
  const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
  io.stderr(`error: ${msg} (unexpected: rerun with CAMTL_DEBUG=1 for a stack trace and report it)\n`);
  if (process.env.CAMTL_DEBUG) io.stderr(`${(e as Error)?.stack ?? ''}\n`);
  return 2;
}

/** Runs `camtl <argv…>` and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topHelp());
    return name ? 0 : 1;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`error: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return 1;
  }
  try {
    const values = parseFlags(cmd, rest);
    if (values.help) {
      io.stdout(helpText(cmd));
      return 0;
    }
    return await cmd.run(values, io);
  } catch (e) {
    return reportError(e, io);
  }
}
