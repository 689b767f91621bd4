import {
  BertDefinition,
  CamtlError,
  loadHfCheckpoint,
  matchParameters,
  parseBertConfig,
  parseLayerRange,
  specShapes,
  summarize,
  type ParamSpec,
  type ParamSummary,
} from '@camtl/core';
import {
  CaMtlDefinition,
  caMtlComponent,
  caMtlParamCounts,
  isCaMtlConfig,
  parseCaMtlConfig,
  parseWithout,
  referenceTrainable,
  type ConditionalComponent,
} from '@camtl/ca-mtl';
import type { CliIO, CommandSpec } from '../args';
import { stringFlag } from '../args';
import { assetPath, requireDir } from '../files';
import { nodeFileSystem } from '@camtl/backend-node';
import { baselineInfo, isBaselineInfo } from './info-baselines';

const fmt = (n: number) => n.toLocaleString('en-US');

export function printSummary(summary: ParamSummary, io: CliIO): void {
  io.stdout(
    `parameters: ${fmt(summary.total)} total, ${fmt(summary.trainable)} trainable, ${fmt(summary.frozen)} frozen\n`,
  );
  const width = Math.max(...Object.keys(summary.groups).map((g) => g.length), 5);
  io.stdout(
    `  ${'group'.padEnd(width)}  ${'total'.padStart(12)}  ${'trainable'.padStart(12)}  ${'frozen'.padStart(12)}\n`,
  );
  for (const [g, c] of Object.entries(summary.groups)) {
    io.stdout(
      `  ${g.padEnd(width)}  ${fmt(c.total).padStart(12)}  ${fmt(c.trainable).padStart(12)}  ${fmt(c.frozen).padStart(12)}\n`,
    );
  }
}

export function parseFreeze(values: Record<string, unknown>): [number, number] | undefined {
  const text = stringFlag(values, 'freeze');
  if (text === undefined) return undefined;
  const range = parseLayerRange(text);
  if (!range) throw new CamtlError('BAD_INPUT', `--freeze "${text}": expected a layer range such as 0-4`);
  return range;
}

export function parseList(text: string | undefined, flag: string): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new CamtlError('BAD_INPUT', `${flag}: expected a comma-separated list`);
  return items;
}

export function parseNumbers(text: string | undefined, flag: string): number[] | undefined {
  const items = parseList(text, flag);
  if (!items) return undefined;
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new CamtlError('BAD_INPUT', `${flag}: "${s}" is not a positive integer`);
    return n;
  });
}

/** `--without a,b`: the ablated components, checked (an unknown name lists the valid ones). */
function withoutFlag(values: Record<string, unknown>): ConditionalComponent[] {
  const text = stringFlag(values, 'without');
  return text === undefined ? [] : parseWithout(text, '--without');
}

/** `--preset ca-mtl-base|ca-mtl-large`: exact counts from shapes, nothing allocated. */
function presetInfo(values: Record<string, unknown>, io: CliIO): number {
  if (isBaselineInfo(values)) return baselineInfo(values, io); // mtl-bert, hyperformer
  const preset = stringFlag(values, 'preset')!;
  const variant = ({ 'ca-mtl-base': 'base', 'ca-mtl-large': 'large' } as const)[preset.toLowerCase() as 'ca-mtl-base'];
  if (!variant) throw new CamtlError('BAD_INPUT', `--preset "${preset}": expected ca-mtl-base or ca-mtl-large`);
  const tasks = parseList(stringFlag(values, 'tasks'), '--tasks');
  if (!tasks)
    throw new CamtlError(
      'BAD_INPUT',
      '--preset needs --tasks, e.g. --tasks cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc',
    );
  const maxSeqLength = Number(stringFlag(values, 'max-seq-length') ?? 128);
  if (!Number.isInteger(maxSeqLength) || maxSeqLength < 1)
    throw new CamtlError('BAD_INPUT', '--max-seq-length must be a positive integer');
  const freeze = parseFreeze(values);
  const without = withoutFlag(values);
  const counts = caMtlParamCounts({
    variant,
    tasks,
    numLabels: parseNumbers(stringFlag(values, 'num-labels'), '--num-labels'),
    maxSeqLength,
    options: { without },
    freeze,
    freezeOptions: { fixQuirk: !!values['fix-freeze-quirk'] },
  });
  const result = {
    preset,
    tasks,
    max_seq_length: maxSeqLength,
    freeze: freeze ? `${freeze[0]}-${freeze[1]}` : null,
    without,
    ...counts,
  };
  if (values.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
  else {
    io.stdout(
      `${preset} with ${tasks.length} tasks (${tasks.join(', ')}), max_seq_length ${maxSeqLength}${freeze ? `, freeze ${freeze[0]}-${freeze[1]}` : ''}${without.length > 0 ? `, without ${without.join(', ')}` : ''}\n`,
    );
    printSummary(counts, io);
  }
  return 0;
}

/** Specs and grouping of a checkpoint folder: CA-MTL when its config says so, else BERT. */
function describeModel(config: Record<string, unknown>, source: string, hasClassifier: boolean) {
  if (isCaMtlConfig(config)) {
    const specs: ParamSpec[] = new CaMtlDefinition(parseCaMtlConfig(config, source)).specs();
    return { specs, groupOf: caMtlComponent };
  }
  const specs = new BertDefinition(parseBertConfig(config, source), { classifier: hasClassifier }).specs();
  return { specs, groupOf: undefined };
}

async function modelInfo(values: Record<string, unknown>, io: CliIO): Promise<number> {
  const fs = nodeFileSystem();
  const dir = stringFlag(values, 'model') ?? assetPath('bert-tiny');
  await requireDir(fs, dir, 'model folder');
  const ckpt = await loadHfCheckpoint(dir, fs);
  const { specs, groupOf } = describeModel(
    ckpt.config,
    fs.join(dir, 'config.json'),
    ckpt.tensors.has('classifier.weight'),
  );
  const freeze = parseFreeze(values);
  const infos = specs.map((s) => ({
    name: s.name,
    shape: s.shape,
    trainable: freeze ? referenceTrainable(s.name, freeze) : true,
  }));
  const summary = summarize(infos, groupOf);
  const match = matchParameters(specShapes(specs), ckpt.tensors);
  const checkpoint = {
    files: ckpt.files,
    missing: match.missing,
    unexpected: match.unexpected,
    ignored: match.ignored,
    mismatched: match.mismatched.map((m) => `${m.name}: expected [${m.expected}], got [${m.got}]`),
  };
  if (values.json) io.stdout(JSON.stringify({ config: ckpt.config, summary, checkpoint }, null, 2) + '\n');
  else {
    io.stdout(
      'config:\n' +
        Object.entries(ckpt.config)
          .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}\n`)
          .join('') +
        '\n',
    );
    printSummary(summary, io);
    for (const [k, v] of Object.entries(checkpoint))
      if (k !== 'files' && v.length > 0) io.stdout(`\n${k}: ${v.join(', ')}\n`);
  }
  return 0;
}

export const infoCommand: CommandSpec = {
  name: 'info',
  summary: "show a checkpoint's config and parameter counts, or a CA-MTL preset's exact counts",
  usage:
    'camtl info --model DIR [--json] | camtl info --preset ca-mtl-base|ca-mtl-large|mtl-bert|hyperformer [--adapter hyperformer] --tasks a,b,… [--num-labels 2,3,…] [--freeze 0-4] [--without LIST] [--json]',
  flags: {
    model: { type: 'string', value: 'DIR', description: 'HF BERT or CA-MTL folder; default: the bundled tiny BERT' },
    preset: {
      type: 'string',
      value: 'NAME',
      description:
        'ca-mtl-base (bert-base-cased), ca-mtl-large (bert-large-cased), or the baselines mtl-bert[-large], hyperformer[-large]: count without allocating',
    },
    tasks: {
      type: 'string',
      value: 'LIST',
      description: 'with --preset: task names, e.g. cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc',
    },
    'num-labels': {
      type: 'string',
      value: 'LIST',
      description: 'labels per task (default: the GLUE table; 1 = regression)',
    },
    'max-seq-length': {
      type: 'string',
      value: 'L',
      default: '128',
      description: 'with --preset: the attention-bias length L',
    },
    freeze: {
      type: 'string',
      value: 'A-B',
      description: 'count as frozen: encoder layers A..B and the embeddings (the reference rule)',
    },
    without: {
      type: 'string',
      value: 'LIST',
      description:
        'with --preset: count an ablation without these components: conditional-attention, conditional-alignment, conditional-layer-norm, conditional-bottleneck',
    },
    'fix-freeze-quirk': { type: 'boolean', description: "keep frozen layers' attention-bias generators trainable" },
    adapter: {
      type: 'string',
      value: 'hyperformer',
      description:
        "with --preset: count Hyperformer++ on the preset's backbone instead (BERT frozen except LayerNorms)",
    },
    'loss-weighting': {
      type: 'string',
      value: 'equal|uncertainty',
      description: 'with mtl-bert / hyperformer: uncertainty adds one log-variance per task',
    },
    json: { type: 'boolean', description: 'print one JSON object' },
  },
  examples: [
    'camtl info --model ./bert-base-uncased --json',
    'camtl info --preset ca-mtl-base --tasks cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc --freeze 0-4 --json',
    'camtl info --preset ca-mtl-base --tasks cola,mnli,rte,qqp,sts-b,sst-2,qnli,mrpc --without conditional-attention,conditional-layer-norm --json',
    'camtl info --preset mtl-bert --tasks cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc --freeze 0-4 --json',
    'camtl info --preset ca-mtl-base --adapter hyperformer --tasks cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc --json',
  ],
  async run(values, io) {
    if (!stringFlag(values, 'preset') && values.without !== undefined)
      throw new CamtlError('BAD_INPUT', '--without needs --preset (a checkpoint folder says its own in config.json)');
    return stringFlag(values, 'preset') ? presetInfo(values, io) : modelInfo(values, io);
  },
};
