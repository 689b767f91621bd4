import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxAbsDiff } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import { forwardJson, run, TINY_BASE, tmp } from './test-helpers';

const expected = JSON.parse(readFileSync(join(TINY_BASE, 'expected.json'), 'utf8'));

describe.each(['cpu', 'wasm'])('camtl forward on a reference CA-MTL checkpoint [%s]', (backend) => {
  it('per-task logits, pooled output and the loss match the reference', async () => {
    const { out, ...r } = await forwardJson(TINY_BASE, expected.inputs, backend);
    expect(r.stderr).toBe('');
    expect(Math.abs(out.loss - expected.outputs.loss)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.pooled_output.data, expected.outputs.pooled_output.data)).toBeLessThan(1e-4);
    for (const [task, ref] of Object.entries<any>(expected.outputs.per_task)) {
      expect(out.per_task[task].rows).toEqual(ref.rows);
      expect(out.per_task[task].logits.shape).toEqual(ref.logits.shape);
      expect(maxAbsDiff(out.per_task[task].logits.data, ref.logits.data), task).toBeLessThan(1e-4);
    }
    expect(out.last_hidden_state.shape).toEqual([6, 32, 64]);
  });

  it('without labels there is no loss; without task_id it is a clear error', async () => {
    const dir = tmp();
    const { labels: _labels, ...noLabels } = expected.inputs;
    writeFileSync(join(dir, 'in.json'), JSON.stringify(noLabels));
    const r = await run(
      'forward',
      '--model',
      TINY_BASE,
      '--input',
      join(dir, 'in.json'),
      '--output',
      '-',
      '--backend',
      backend,
    );
    expect(JSON.parse(r.stdout).loss).toBeUndefined();
    const { task_id: _t, ...noTask } = expected.inputs;
    writeFileSync(join(dir, 'in2.json'), JSON.stringify(noTask));
    const bad = await run('forward', '--model', TINY_BASE, '--input', join(dir, 'in2.json'), '--backend', backend);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"task_id" is required for a CA-MTL model \(tasks: mrpc, mnli, sts-b\)/);
  });
});

describe('camtl info for CA-MTL', () => {
  const T9 = 'cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc';
  it('--preset ca-mtl-base reproduces the reference counts exactly', async () => {
    const r = await run('info', '--preset', 'ca-mtl-base', '--tasks', T9, '--freeze', '0-4', '--json');
    const info = JSON.parse(r.stdout);
    expect(info.total).toBe(128065570);
    expect(info.trainable).toBe(69791814);
    expect(info.perLayerTotal['11']).toBe(12835628);
  });

  it('--preset ca-mtl-large and custom label counts', async () => {
    const large = JSON.parse((await run('info', '--preset', 'ca-mtl-large', '--tasks', T9, '--json')).stdout);
    expect(large.total).toBe(480337674);
    const custom = JSON.parse(
      (await run('info', '--preset', 'ca-mtl-base', '--tasks', 'mine,yours', '--num-labels', '4,1', '--json')).stdout,
    );
    expect(custom.groups.heads.total).toBe(768 * 4 + 4 + 768 + 1);
  });

  it('--model on a CA-MTL folder groups by component; bad flags are one-line errors', async () => {
    const info = JSON.parse((await run('info', '--model', TINY_BASE, '--json')).stdout);
    expect(info.summary.groups.adapter.total).toBeGreaterThan(0);
    expect(info.checkpoint.missing).toEqual([]);
    for (const argv of [
      ['--preset', 'ca-mtl-huge', '--tasks', 'cola'],
      ['--preset', 'ca-mtl-base'],
      ['--preset', 'ca-mtl-base', '--tasks', 'foo'],
      ['--preset', 'ca-mtl-base', '--tasks', 'cola', '--freeze', 'x'],
    ]) {
      const r = await run('info', ...argv);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
