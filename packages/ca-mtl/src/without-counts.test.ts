// Ablation arms (`options.without`): exact parameter names and counts.
import { numel } from '@camtl/core';
import { describeEachBackend } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import { CONDITIONAL_COMPONENTS, type CaMtlVariant, type ConditionalComponent } from './config';
import { createCaMtl } from './ca-mtl-model';
import { CaMtlDefinition } from './ca-mtl-definition';
import { caMtlParamCounts, presetConfig } from './counts';
import { SMALL_BERT } from './test-helpers';

const TASKS = ['mrpc', 'mnli', 'sts-b'];
const ALL = [...CONDITIONAL_COMPONENTS];
const ARMS: ConditionalComponent[][] = [[], ...ALL.map((c) => [c]), ALL];
const GLUE8 = ['cola', 'mnli', 'rte', 'qqp', 'sts-b', 'sst-2', 'qnli', 'mrpc'];

/** What each removal takes out of the full model's names, written independently of the code under test. */
const REMOVED: Record<ConditionalComponent, RegExp> = {
  'conditional-attention': /attention\.self\.(random_weight_matrix|cond_block_diag_attn\.)/,
  'conditional-alignment': /^bert\.conditional_alignment\./,
  'conditional-layer-norm': /\.ln_(weight|bias)_modulation\./,
  'conditional-bottleneck': /^bert\.encoder\.adapter_layer\.|\.adapter\.(bottleneck|condlayernorm)\./,
};
const TASK_PARAMS = /^bert\.(task_type_embeddings|encoder\.task_transformation)\./;

function expectedNames(full: string[], without: ConditionalComponent[]): string[] {
  const inLayerLeft = ALL.some((c) => c !== 'conditional-alignment' && !without.includes(c));
  return full.filter((n) => {
    if (without.some((c) => REMOVED[c].test(n))) return false;
    if (/^bert\.encoder\.task_transformation\./.test(n)) return inLayerLeft;
    if (/^bert\.task_type_embeddings\./.test(n)) return inLayerLeft || !without.includes('conditional-alignment');
    return true;
  });
}

async function tiny(variant: CaMtlVariant, without: ConditionalComponent[]) {
  const options = { without };
  const args = { bertConfig: SMALL_BERT, tasks: TASKS, variant, maxSeqLength: 16, options };
  return (await createCaMtl({ ...args, freeze: [0, 1] })).model;
}

describeEachBackend('CA-MTL ablations: names and counts of each arm', () => {
  for (const variant of ['base', 'large'] as const) {
    it(`${variant}: every arm has exactly the full names minus the removed ones, and the counts match the store`, async () => {
      const full = await tiny(variant, []);
      const fullNames = full.store.names();
      full.dispose();
      for (const without of ARMS) {
        const model = await tiny(variant, without);
        const arm = without.join('+') || 'full';
        expect(model.store.names(), arm).toEqual(expectedNames(fullNames, without));
        if (without.length > 0) expect(model.store.size, arm).toBeLessThan(fullNames.length);
        const counts = caMtlParamCounts({
          variant,
          tasks: TASKS,
          bertConfig: SMALL_BERT,
          maxSeqLength: 16,
          options: { without },
          freeze: [0, 1],
        });
        const s = model.summary();
        expect([counts.total, counts.trainable, counts.frozen], arm).toEqual([s.total, s.trainable, s.frozen]);
        expect(counts.total, arm).toBe([...model.store.vars.values()].reduce((n, v) => n + numel(v.shape), 0));
        model.dispose();
      }
    });
  }

  it('all four removed: no task-conditioned parameter is left, task embedding and z′ included', async () => {
    for (const variant of ['base', 'large'] as const) {
      const model = await tiny(variant, ALL);
      const names = model.store.names();
      expect(names.filter((n) => TASK_PARAMS.test(n) || /modulation|gb_weights|random_weight|adapter/.test(n))).toEqual(
        [],
      );
      model.dispose();
    }
  });
});

describe('CA-MTL ablations with the paper options', () => {
  const names = (variant: CaMtlVariant, without: ConditionalComponent[], extra = {}) =>
    new CaMtlDefinition(
      presetConfig({ variant, tasks: TASKS, bertConfig: SMALL_BERT, maxSeqLength: 16, options: { without, ...extra } }),
    )
      .specs()
      .map((s) => s.name);

  it("the paper's CLN shift generators and alignment matrix go with their component", () => {
    const paper = { cln: { conditionShift: true }, alignment: { mode: 'matrix' as const } };
    expect(names('base', [], paper).some((n) => n.includes('ln_bias_modulation'))).toBe(true);
    expect(names('base', [], paper)).toContain('bert.conditional_alignment.alignment_delta');
    expect(names('base', ['conditional-layer-norm', 'conditional-alignment'], paper)).toEqual(
      names('base', ['conditional-layer-norm', 'conditional-alignment']),
    );
  });

  it('a hand-built config with an unknown component is refused', () => {
    const cfg = presetConfig({ variant: 'base', tasks: TASKS, bertConfig: SMALL_BERT });
    cfg.options = { without: ['attention' as ConditionalComponent] };
    expect(() => new CaMtlDefinition(cfg)).toThrow(/unknown component "attention"; valid: conditional-attention/);
  });
});

describe('CA-MTL ablations at bert-base-cased size, 8 GLUE tasks (exact, nothing allocated)', () => {
  const count = (without: ConditionalComponent[], variant: CaMtlVariant = 'base') =>
    caMtlParamCounts({ variant, tasks: GLUE8, options: { without }, freeze: variant === 'base' ? [0, 4] : [0, 11] });
  // Per-piece sizes at H = 768, L = 128 (spec §3): a FiLM generator Linear(768, 1536) has 1,181,184 weights;
  // a layer's attention bias 36,652 (generator 33,836 + A 2,816); base has 13 CLNs (5 middle layers × 2 + 3
  // in the top layer); base's bottleneck 2,166,016 (emb_transf 590,592 + FiLM 1,181,184 + down 196,864 +
  // up 197,376) and its third norm 1,536 + 1,181,184; the task embedding 8 × 768, z′ 590,592.
  const FULL = 128063264;
  const ARM_TOTALS: Array<[ConditionalComponent[], number, number]> = [
    [[], FULL, 69789508],
    [['conditional-attention'], FULL - 12 * 36652, 69789508 - 12 * 36652 + 5 * 33836], // frozen layers' generators were frozen
    [['conditional-alignment'], FULL - 1181184, 69789508 - 1181184],
    [['conditional-layer-norm'], FULL - 13 * 1181184, 69789508 - 13 * 1181184],
    [['conditional-bottleneck'], FULL - 2166016 - 1536 - 1181184, 69789508 - 2166016 - 1536 - 1181184],
    [ALL, 108310272 + 16 * 768 + 16, 108310272 + 16 * 768 + 16 - 58104576], // bert-base-cased + the 8 heads
  ];
  for (const [without, total, trainable] of ARM_TOTALS) {
    it(`base without ${without.join(', ') || 'nothing'}: ${total.toLocaleString('en-US')} total, ${trainable.toLocaleString('en-US')} trainable (freeze 0-4)`, () => {
      const c = count(without);
      expect(c.total).toBe(total);
      expect(c.trainable).toBe(trainable);
      expect(c.frozen).toBe(total - trainable);
    });
  }

  it('large without the bottleneck loses the 24-layer side chain: 24 × 3,848,533', () => {
    expect(count(['conditional-bottleneck'], 'large').total).toBe(480334600 - 24 * 3848533);
  });

  it('an unknown component is a one-line error listing the valid ones', () => {
    expect(() => count(['conditional-attention', 'attention' as ConditionalComponent])).toThrow(
      /unknown component "attention"; valid: conditional-attention, conditional-alignment, conditional-layer-norm, conditional-bottleneck$/,
    );
  });
});
