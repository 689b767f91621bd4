import {
  BertDefinition,
  loadHfCheckpoint,
  matchParameters,
  parseBertConfig,
  specShapes,
  summarize,
  type ParamSummary,
} from '@camtl/core';
import type { CliIO, CommandSpec } from '../args';
import { stringFlag } from '../args';
import { assetPath, requireDir } from '../files';
import { nodeFileSystem } from '../node-fs';

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function printHuman(
  config: Record<string, unknown>,
  summary: ParamSummary,
  extra: Record<string, unknown>,
  io: CliIO,
): void {
  io.stdout('config:\n');
  for (const [k, v] of Object.entries(config)) io.stdout(`  ${k}: ${JSON.stringify(v)}\n`);
  io.stdout(
    `\nparameters: ${formatCount(summary.total)} total, ${formatCount(summary.trainable)} trainable, ${formatCount(summary.frozen)} frozen\n`,
  );
  const width = Math.max(...Object.keys(summary.groups).map((g) => g.length), 5);
  io.stdout(
    `  ${'group'.padEnd(width)}  ${'total'.padStart(12)}  ${'trainable'.padStart(12)}  ${'frozen'.padStart(12)}\n`,
  );
  for (const [g, c] of Object.entries(summary.groups)) {
    io.stdout(
      `  ${g.padEnd(width)}  ${formatCount(c.total).padStart(12)}  ${formatCount(c.trainable).padStart(12)}  ${formatCount(c.frozen).padStart(12)}\n`,
    );
  }
  for (const [k, v] of Object.entries(extra)) {
    if (Array.isArray(v) && v.length > 0) io.stdout(`\n${k}: ${v.join(', ')}\n`);
  }
}

export const infoCommand: CommandSpec = {
  name: 'info',
  summary: "show a checkpoint's config and parameter counts (total / trainable / frozen, per group)",
  usage: 'camtl info --model DIR [--json]',
  flags: {
    model: { type: 'string', value: 'DIR', description: 'HF model folder; default: the bundled tiny BERT' },
    json: { type: 'boolean', description: 'print one JSON object {config, summary, checkpoint}' },
  },
  examples: ['camtl info --model ./bert-base-uncased --json'],
  async run(values, io) {
    const fs = nodeFileSystem();
    const dir = stringFlag(values, 'model') ?? assetPath('bert-tiny');
    await requireDir(fs, dir, 'model folder');
    const ckpt = await loadHfCheckpoint(dir, fs);
    const config = parseBertConfig(ckpt.config, fs.join(dir, 'config.json'));
    const definition = new BertDefinition(config, { classifier: ckpt.tensors.has('classifier.weight') });
    const specs = definition.specs();
    const match = matchParameters(specShapes(specs), ckpt.tensors);
    const summary = summarize(specs.map((s) => ({ name: s.name, shape: s.shape, trainable: s.trainable ?? true })));
    const checkpoint = {
      files: ckpt.files,
      missing: match.missing,
      unexpected: match.unexpected,
      ignored: match.ignored,
      mismatched: match.mismatched.map((m) => `${m.name}: expected [${m.expected}], got [${m.got}]`),
    };
    if (values.json) io.stdout(JSON.stringify({ config: ckpt.config, summary, checkpoint }, null, 2) + '\n');
    else printHuman(ckpt.config, summary, checkpoint, io);
    return 0;
  },
};
