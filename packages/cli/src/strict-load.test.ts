import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesSource, readSafetensors, serializeSafetensors } from '@camtl/core';
import { GLUE, run, tinyBertFolder, tmp } from './test-helpers';

/** A copy of model folder `dir` whose model.safetensors lacks tensor `name`. */
async function withoutTensor(dir: string, name: string): Promise<string> {
  const copy = join(tmp(), 'model');
  cpSync(dir, copy, { recursive: true });
  const file = join(copy, 'model.safetensors');
  const st = await readSafetensors(bytesSource(new Uint8Array(readFileSync(file)), file));
  expect(st.entries.has(name), name).toBe(true);
  const kept = [...st.entries.keys()].filter((n) => n !== name);
  const tensors = await Promise.all(
    kept.map(async (n) => ({ name: n, shape: [...st.entries.get(n)!.shape], data: await st.float32(n) })),
  );
  writeFileSync(file, serializeSafetensors(tensors, st.metadata));
  return copy;
}

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error'));

describe('a checkpoint missing a tensor the model needs: an error naming it, for every command that runs a model', () => {
  let bert: string;
  let out: string;
  let train: { code: number; stderr: string };
  beforeAll(async () => {
    bert = await tinyBertFolder('cpu');
    out = join(tmp(), 'run');
    const flags = ['--max-steps', '2', '--batch-size', '4', '--max-length', '32', '--limit', '8', '--backend', 'cpu'];
    train = await run('train', '--model', bert, '--data', GLUE, '--tasks', 'rte,sst-2', '--output', out, ...flags);
  });

  it('training lists the parameters it creates (and only those)', () => {
    expect(train.code, train.stderr).toBe(0);
    const line = train.stderr.split('\n').find((l) => l.includes('new parameters:'));
    expect(line).toMatch(
      /new parameters: \d+ tensor\(s\), random init: bert\.task_type_embeddings, .*random_weight_matrix/,
    );
    expect(line).not.toMatch(/word_embeddings/);
  });

  it.each([['bert.embeddings.word_embeddings.weight'], ['bert.encoder.layer.0.attention.self.query.weight']])(
    'eval, predict, submit and forward refuse a model without %s',
    async (tensor) => {
      const broken = await withoutTensor(join(out, 'model'), tensor);
      const input = join(tmp(), 'in.json');
      writeFileSync(input, JSON.stringify({ input_ids: [[101, 102]], task_id: [0] }));
      for (const argv of [
        ['eval', '--model', broken, '--data', GLUE],
        ['predict', '--model', broken, '--data', GLUE, '--output', join(tmp(), 'p')],
        ['submit', '--model', broken, '--data', GLUE, '--output', join(tmp(), 's')],
        ['forward', '--model', broken, '--input', input, '--output', join(tmp(), 'f.json')],
      ]) {
        const r = await run(...argv, '--backend', 'cpu');
        expect(r.code, argv[0]).toBe(1);
        const errors = errorLines(r.stderr);
        expect(errors, argv[0]).toHaveLength(1);
        expect(errors[0], argv[0]).toContain(tensor);
      }
    },
  );

  it('training from a BERT folder missing one of its own tensors is an error naming it', async () => {
    const broken = await withoutTensor(bert, 'bert.embeddings.word_embeddings.weight');
    const r = await run('train', '--model', broken, '--data', GLUE, '--tasks', 'rte', '--output', join(tmp(), 'r'));
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([
      expect.stringMatching(/model\.safetensors: missing 1 .*tensor\(s\): bert\.embeddings\.word_embeddings\.weight/),
    ]);
  });
});
