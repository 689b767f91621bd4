import { CamtlError, checkLossWeighting } from '@camtl/core';
import { hyperformerParamCounts, mtlBertParamCounts } from '@camtl/ca-mtl';
import type { CliIO } from '../args';
import { stringFlag } from '../args';
import { parseFreeze, parseList, parseNumbers, printSummary } from './info';

/** Presets that name a baseline directly, with their backbone (bert-base-cased / bert-large-cased). */
const BASELINE_PRESETS: Record<string, { architecture: 'mtl-bert' | 'hyperformer'; backbone: 'base' | 'large' }> = {
  'mtl-bert': { architecture: 'mtl-bert', backbone: 'base' },
  'mtl-bert-large': { architecture: 'mtl-bert', backbone: 'large' },
  hyperformer: { architecture: 'hyperformer', backbone: 'base' },
  'hyperformer-large': { architecture: 'hyperformer', backbone: 'large' },
};
const BACKBONE_OF: Record<string, 'base' | 'large'> = {
  'ca-mtl-base': 'base',
  'ca-mtl-large': 'large',
  'mtl-bert': 'base',
};

/** Whether `camtl info --preset …` asks for a baseline: a baseline preset, or `--adapter hyperformer`. */
export function isBaselineInfo(values: Record<string, unknown>): boolean {
  const preset = (stringFlag(values, 'preset') ?? '').toLowerCase();
  return preset in BASELINE_PRESETS || values.adapter !== undefined;
}

function resolveBaseline(values: Record<string, unknown>) {
  const preset = stringFlag(values, 'preset')!.toLowerCase();
  const adapter = stringFlag(values, 'adapter');
  if (adapter === undefined) return BASELINE_PRESETS[preset];
  if (adapter !== 'hyperformer') throw new CamtlError('BAD_INPUT', `--adapter "${adapter}": expected hyperformer`);
  const backbone = BACKBONE_OF[preset] ?? BASELINE_PRESETS[preset]?.backbone;
  if (!backbone) throw new CamtlError('BAD_INPUT', `--adapter hyperformer: unknown --preset "${preset}"`);
  return { architecture: 'hyperformer' as const, backbone };
}

/**
 * `--preset mtl-bert|hyperformer[-large]`, or `--preset ca-mtl-base|ca-mtl-large|mtl-bert --adapter hyperformer`
 * (Hyperformer++ on that preset's backbone): exact counts from shapes, nothing allocated.
 */
export function baselineInfo(values: Record<string, unknown>, io: CliIO): number {
  const { architecture, backbone } = resolveBaseline(values);
  if (values.without !== undefined)
    throw new CamtlError('BAD_INPUT', `--without applies to CA-MTL only, not to ${architecture}`);
  const tasks = parseList(stringFlag(values, 'tasks'), '--tasks');
  if (!tasks)
    throw new CamtlError(
      'BAD_INPUT',
      '--preset needs --tasks, e.g. --tasks cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc',
    );
  const freeze = parseFreeze(values);
  if (freeze && architecture === 'hyperformer')
    throw new CamtlError(
      'BAD_INPUT',
      '--freeze does not apply to hyperformer',
      'it freezes BERT except its LayerNorms',
    );
  const weighting = stringFlag(values, 'loss-weighting');
  const options = {
    backbone,
    tasks,
    numLabels: parseNumbers(stringFlag(values, 'num-labels'), '--num-labels'),
    lossWeighting: weighting === undefined ? undefined : checkLossWeighting(weighting, '--loss-weighting'),
    freeze,
    freezeOptions: { fixQuirk: !!values['fix-freeze-quirk'] },
  };
  const counts = architecture === 'mtl-bert' ? mtlBertParamCounts(options) : hyperformerParamCounts(options);
  const preset = stringFlag(values, 'preset')!;
  const backboneName = backbone === 'base' ? 'bert-base-cased' : 'bert-large-cased';
  const freezeText = architecture === 'hyperformer' ? 'BERT except LayerNorms' : freeze ? freeze.join('-') : null;
  const result = {
    preset,
    architecture,
    backbone: backboneName,
    tasks,
    lossWeighting: options.lossWeighting ?? 'equal',
    freeze: freezeText,
    ...counts,
  };
  if (values.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
  else {
    io.stdout(
      `${architecture} on ${backboneName} with ${tasks.length} tasks (${tasks.join(', ')})${freezeText ? `, frozen: ${freezeText}` : ''}\n`,
    );
    printSummary(counts, io);
  }
  return 0;
}
