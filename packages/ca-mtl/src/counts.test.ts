import { readCamtlFixtureJson } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import { caMtlParamCounts } from './counts';

const counts = readCamtlFixtureJson('param_counts_base.json');

describe('CA-MTL parameter counts (reference instantiated at bert-base-cased size)', () => {
  for (const key of ['CA-MTL-base_T9', 'CA-MTL-base_T8']) {
    const ref = counts[key];
    it(`${key}: total, per layer and with freezing 0-4 / 0-5`, () => {
      const c = caMtlParamCounts({ variant: 'base', tasks: ref.tasks, maxSeqLength: ref.max_seq_length });
      expect(c.total).toBe(ref.total);
      expect(c.perLayerTotal).toEqual(Object.fromEntries(Object.entries(ref.per_layer_total).map(([k, v]) => [k, v])));
      for (const range of ['0-4', '0-5']) {
        const [a, b] = range.split('-').map(Number) as [number, number];
        const frozen = caMtlParamCounts({
          variant: 'base',
          tasks: ref.tasks,
          maxSeqLength: ref.max_seq_length,
          freeze: [a, b],
        });
        expect(frozen.trainable, range).toBe(ref.freeze_settings[range].trainable);
        expect(frozen.frozen, range).toBe(ref.freeze_settings[range].frozen);
      }
    });
  }

  it('the published headline numbers: 128,065,570 total, 69,791,814 trainable with 0-4', () => {
    const tasks = counts['CA-MTL-base_T9'].tasks;
    expect(caMtlParamCounts({ variant: 'base', tasks }).total).toBe(128065570);
    expect(caMtlParamCounts({ variant: 'base', tasks, freeze: [0, 4] }).trainable).toBe(69791814);
  });

  it("the freezing fix keeps the frozen layers' bias generators trainable (+5 × 33,836)", () => {
    const tasks = counts['CA-MTL-base_T9'].tasks;
    const fixed = caMtlParamCounts({ variant: 'base', tasks, freeze: [0, 4], freezeOptions: { fixQuirk: true } });
    expect(fixed.trainable).toBe(69791814 + 5 * 33836);
  });

  it('CA-MTL-large (spec §3.8, instantiated): 480,337,674 total, 298,569,098 trainable with 0-11', () => {
    const tasks = counts['CA-MTL-base_T9'].tasks;
    expect(caMtlParamCounts({ variant: 'large', tasks }).total).toBe(480337674);
    expect(caMtlParamCounts({ variant: 'large', tasks, freeze: [0, 11] }).trainable).toBe(298569098);
    expect(caMtlParamCounts({ variant: 'large', tasks: tasks.filter((t: string) => t !== 'wnli') }).total).toBe(
      480334600,
    );
    expect(
      caMtlParamCounts({ variant: 'large', tasks, freeze: [0, 11], freezeOptions: { fixQuirk: true } }).trainable,
    ).toBe(298962698);
  });
});
