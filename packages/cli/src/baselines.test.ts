import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperformerParamCounts, mtlBertParamCounts } from '@camtl/ca-mtl';
import { beforeAll, describe, expect, it } from 'vitest';
import { GLUE, forwardJson, run, tmp, tinyBertFolder } from './test-helpers';

const GLUE9 = 'cola,mnli,rte,wnli,qqp,sts-b,sst-2,qnli,mrpc';
const records = (dir: string) =>
  readFileSync(join(dir, 'train.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('camtl info: the baselines’ exact counts at bert-base-cased size', () => {
  it('--preset mtl-bert (with --freeze) and --adapter hyperformer, as the library counts them', async () => {
    const mtl = JSON.parse(
      (await run('info', '--preset', 'mtl-bert', '--tasks', GLUE9, '--freeze', '0-4', '--json')).stdout,
    );
    expect([mtl.architecture, mtl.backbone, mtl.total, mtl.trainable]).toEqual([
      'mtl-bert',
      'bert-base-cased',
      108324114,
      50219538,
    ]);
    const tasks = GLUE9.split(',');
    expect(mtl.total).toBe(mtlBertParamCounts({ backbone: 'base', tasks }).total);
    const r = await run('info', '--preset', 'ca-mtl-base', '--adapter', 'hyperformer', '--tasks', GLUE9, '--json');
    const hyper = JSON.parse(r.stdout);
    expect([hyper.architecture, hyper.total, hyper.trainable]).toEqual(['hyperformer', 110906154, 2634282]);
    expect(hyper.groups.hypernetwork.total).toBe(
      hyperformerParamCounts({ backbone: 'base', tasks }).groups.hypernetwork.total,
    );
    const bad = await run('info', '--preset', 'hyperformer', '--tasks', GLUE9, '--freeze', '0-4');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--freeze does not apply to hyperformer/);
  });
});

describe('camtl train / eval / forward with the baselines', () => {
  let bert: string;
  beforeAll(async () => {
    bert = await tinyBertFolder('cpu');
  });

  const arms: Array<[string, string[], string]> = [
    ['mtl-bert', [], 'MTL-BERT'],
    [
      'hyperformer',
      ['--adapter', 'hyperformer', '--loss-weighting', 'uncertainty'],
      'Hyperformer++ (uncertainty loss weighting)',
    ],
  ];
  it.each(arms)('%s: trains, saves its kind, and eval/forward read the saved model', async (kind, flags, name) => {
    const dir = tmp();
    const out = join(dir, 'run');
    const config = join(dir, 'run.json');
    writeFileSync(config, JSON.stringify(kind === 'mtl-bert' ? { architecture: 'mtl-bert' } : {}));
    const common = ['--model', bert, '--data', GLUE, '--tasks', 'mrpc,sts-b,rte', '--output', out, '--backend', 'cpu'];
    const steps = ['--max-steps', '3', '--batch-size', '4', '--max-length', '32', '--config', config];
    const r = await run('train', ...common, ...steps, ...flags);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`model: ${name} from`);
    const log = records(out);
    expect(log[0].model).toMatchObject({ name, architecture: kind });
    const saved = JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8'));
    expect(saved.camtl_model).toBe(kind);
    const e = await run('eval', '--model', join(out, 'model'), '--json', '--backend', 'cpu');
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).average).toBe(log.filter((x) => x.type === 'eval').at(-1).average);
    const f = await forwardJson(
      join(out, 'model'),
      {
        input_ids: { shape: [1, 4], dtype: 'int32', data: [2, 10, 11, 3] },
        task_id: { shape: [1], dtype: 'int32', data: [1] },
      },
      'cpu',
    );
    expect(f.code, f.stderr).toBe(0);
    expect(f.out.per_task).toBeDefined();
  });
});
