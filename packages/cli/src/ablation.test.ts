// `--without`: ablated CA-MTL models from `camtl info` (exact counts) and `camtl train`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from './train/config';
import { run, tmp } from './test-helpers';

const T8 = 'cola,mnli,rte,qqp,sts-b,sst-2,qnli,mrpc';
const VALID = 'valid: conditional-attention, conditional-alignment, conditional-layer-norm, conditional-bottleneck';

describe('camtl info --preset … --without', () => {
  const info = async (...argv: string[]) => {
    const r = await run('info', '--preset', 'ca-mtl-base', '--tasks', T8, '--freeze', '0-4', '--json', ...argv);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('exact counts of an arm (bert-base-cased, 8 tasks, freeze 0-4), nothing allocated', async () => {
    const full = await info();
    const arm = await info('--without', 'conditional-layer-norm,conditional-attention');
    expect(arm.without).toEqual(['conditional-attention', 'conditional-layer-norm']);
    // 12 attention biases of 36,652 and 13 CLN generators of 1,181,184 (spec §3); 5 frozen layers' bias generators were frozen.
    expect(full.total - arm.total).toBe(12 * 36652 + 13 * 1181184);
    expect(arm.total).toBe(112268048);
    expect(arm.trainable).toBe(69789508 - 12 * 36652 - 13 * 1181184 + 5 * 33836);
    expect(arm.groups.attention_bias).toBeUndefined();
    expect(arm.groups.cln_generators).toBeUndefined();
    const all = await info(
      '--without',
      'conditional-attention,conditional-alignment,conditional-layer-norm,conditional-bottleneck',
    );
    expect(all.total).toBe(108310272 + 16 * 768 + 16); // bert-base-cased and the 8 heads
  });

  it('an unknown component, or --without on a folder, is a one-line error', async () => {
    const r = await run('info', '--preset', 'ca-mtl-base', '--tasks', T8, '--without', 'conditional-attn');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--without: unknown component "conditional-attn"; ${VALID}`);
    const folder = await run('info', '--without', 'conditional-attention');
    expect([folder.code, folder.stderr.trim().split('\n').length]).toEqual([1, 1]);
  });
});

describe('camtl train --without', () => {
  it('resolves the flag (comma list, config-file array) and rejects unknown names', () => {
    expect(resolveTrainConfig({}, { without: 'conditional-bottleneck, conditional-attention' }).caMtl.without).toEqual([
      'conditional-attention',
      'conditional-bottleneck',
    ]);
    expect(resolveTrainConfig({ without: ['conditional-alignment'] }, {}).caMtl.without).toEqual([
      'conditional-alignment',
    ]);
    expect(resolveTrainConfig({}, {}).caMtl.without).toBeUndefined();
    expect(() => resolveTrainConfig({}, { without: 'cln' })).toThrow(
      /without.*expected "conditional-attention" \| .*got "cln"/,
    );
  });

  it('trains an ablated model; the run record, train-config.json and the saved model say what was removed', async () => {
    const out = join(tmp(), 'run');
    const without = 'conditional-attention,conditional-layer-norm';
    const r = await run(
      'train',
      '--without',
      without,
      '--output',
      out,
      '--limit',
      '16',
      '--max-steps',
      '2',
      '--batch-size',
      '4',
      '--backend',
      'cpu',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('without conditional-attention, conditional-layer-norm');
    const removed = ['conditional-attention', 'conditional-layer-norm'];
    const first = JSON.parse(readFileSync(join(out, 'train.jsonl'), 'utf8').split('\n')[0]);
    expect(first.model.without).toEqual(removed);
    expect(JSON.parse(readFileSync(join(out, 'train-config.json'), 'utf8')).model.without).toEqual(removed);
    const saved = JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8'));
    expect(saved.camtl_options.without).toEqual(removed);
    const tensors = await run('info', '--model', join(out, 'model'), '--json');
    const names = Object.keys(JSON.parse(tensors.stdout).summary.groups);
    expect(names).not.toContain('attention_bias');
    expect(names).not.toContain('cln_generators');
    expect(JSON.parse(tensors.stdout).checkpoint.missing).toEqual([]);
  }, 120_000);
});
