// `pnpm -s bench [command] [options]` — camtl's benchmarks (issue 6). Results
// go to stdout (tables, or JSON with --json); progress and notes to stderr, so
// `--json` output can be piped as is.
import { ArgError, optionHelp, parseOptions, splitCommand, type Command, type Spec } from './args';
import { BUNDLE_OPTIONS, bundleCommand } from './bundle-command';
import { EPOCH_OPTIONS, epochCommand } from './epoch-command';
import { LEAK_OPTIONS, leakCommand } from './leak-command';
import { MTU_OPTIONS, mtuCommand } from './mtu-command';
import { MEMORY_OPTIONS, SPEED_OPTIONS, speedCommand, type Io } from './speed-command';

const SPECS: Record<Command, { spec: Spec; summary: string }> = {
  speed: {
    spec: SPEED_OPTIONS,
    summary: 'train step and inference per backend, with camtl/PyTorch ratios (the default)',
  },
  memory: { spec: MEMORY_OPTIONS, summary: 'peak RSS of camtl-mini training per backend vs PyTorch' },
  epoch: {
    spec: EPOCH_OPTIONS,
    summary: 'epoch cost per GLUE task: fixed 128 padding vs dynamic padding with bucketing',
  },
  mtu: { spec: MTU_OPTIONS, summary: 'MT-Uncertainty scoring time as a fraction of a train step' },
  leak: { spec: LEAK_OPTIONS, summary: 'numTensors over many train steps; exit 1 if it grows' },
  bundle: {
    spec: BUNDLE_OPTIONS,
    summary:
      'browser bundle size of camtl imports (esbuild, minified) against a budget; one tfjs engine, no Node built-ins',
  },
};

function help(): string {
  const parts = [
    'usage: pnpm -s bench [command] [options]   (see bench/README.md)',
    '',
    ...Object.entries(SPECS).flatMap(([name, { spec, summary }]) => [`${name}: ${summary}`, optionHelp(spec), '']),
  ];
  return parts.join('\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const { command, rest } = splitCommand(argv);
    if (command === 'help' || rest.includes('--help') || rest.includes('-h')) {
      io.out(help());
      return 0;
    }
    const options = parseOptions(rest, SPECS[command].spec);
    switch (command) {
      case 'speed':
        return await speedCommand(options, io);
      case 'memory':
        return await speedCommand(options, io, 'memory');
      case 'epoch':
        return await epochCommand(options, io);
      case 'mtu':
        return await mtuCommand(options, io);
      case 'leak':
        return await leakCommand(options, io);
      case 'bundle':
        return await bundleCommand(options, io);
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.log(`error: ${message}${e instanceof ArgError ? ' (see `pnpm -s bench help`)' : ''}`);
    return 2;
  }
}

const io: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  log: (line) => process.stderr.write(`${line}\n`),
};

main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
