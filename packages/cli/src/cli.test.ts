import * as tf from '@tensorflow/tfjs-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BertModel, loadHfCheckpoint, parseBertConfig, saveBertModel, saveHfCheckpoint } from '@camtl/core';
import { maxAbsDiff } from '@camtl/testkit';
import { describe, expect, it } from 'vitest';
import { nodeFileSystem } from '@camtl/backend-node';
import { selectBackend } from './backend';
import { BIN, CORE_FIXTURES, forwardJson, run, tmp } from './test-helpers';

const expected = JSON.parse(readFileSync(join(CORE_FIXTURES, 'bert-tiny', 'expected.json'), 'utf8'));

describe.each(['cpu', 'wasm'])('camtl forward [%s]', (backend) => {
  it('matches the PyTorch fixture (hidden states, pooled, logits, loss)', async () => {
    const { out, ...r } = await forwardJson(join(CORE_FIXTURES, 'bert-tiny'), expected.cases[0].inputs, backend);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ref = expected.cases[0].outputs;
    expect(out.last_hidden_state.shape).toEqual([4, 12, 64]);
    expect(maxAbsDiff(out.last_hidden_state.data, ref.last_hidden_state.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.pooler_output.data, ref.pooler_output.data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(out.logits.data, ref.logits.data)).toBeLessThan(1e-4);
    expect(Math.abs(out.loss - ref.loss)).toBeLessThan(1e-4);
  });

  it('works on another BERT folder (other config and seed, no classifier, no labels)', async () => {
    await selectBackend(backend);
    const config = parseBertConfig({
      vocab_size: 57,
      hidden_size: 24,
      num_hidden_layers: 3,
      num_attention_heads: 3,
      intermediate_size: 40,
      max_position_embeddings: 20,
      type_vocab_size: 3,
      layer_norm_eps: 1e-5,
      hidden_act: 'gelu_new',
    });
    const model = BertModel.create(config, { seed: 11, classifier: false });
    const dir = tmp();
    await saveBertModel(model, join(dir, 'm'), nodeFileSystem());
    const ids = [
      [2, 9, 56, 3, 0],
      [2, 4, 3, 7, 3],
    ];
    const types = [
      [0, 0, 0, 0, 0],
      [0, 0, 0, 2, 2],
    ];
    const mask = [
      [1, 1, 1, 1, 0],
      [1, 1, 1, 1, 1],
    ];
    const t = (x: number[][]) => ({ shape: [2, 5], dtype: 'int64', data: x.flat() });
    const inputs = { input_ids: t(ids), token_type_ids: t(types), attention_mask: t(mask) };
    const { out, ...r } = await forwardJson(join(dir, 'm'), inputs, backend);
    expect(r.stderr).toBe('');
    expect(Object.keys(out).sort()).toEqual(['last_hidden_state', 'pooler_output']);
    const direct = model.forward({
      inputIds: tf.tensor2d(ids, undefined, 'int32'),
      tokenTypeIds: tf.tensor2d(types, undefined, 'int32'),
      attentionMask: tf.tensor2d(mask, undefined, 'int32'),
    });
    expect(maxAbsDiff(out.last_hidden_state.data, Array.from(direct.lastHiddenState.dataSync()))).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('camtl tokenize', () => {
  it('reproduces every public tokenizer vector', async () => {
    const fixture = JSON.parse(readFileSync(join(CORE_FIXTURES, 'tokenizer', 'expected_encodings.json'), 'utf8'));
    const dir = tmp();
    const items = fixture.cases.map((c: { text: string; text_pair?: string; max_length?: number }) => ({
      text: c.text,
      text_pair: c.text_pair,
      max_length: c.max_length,
    }));
    writeFileSync(join(dir, 'in.json'), JSON.stringify(items));
    const r = await run(
      'tokenize',
      '--tokenizer',
      join(CORE_FIXTURES, 'tokenizer'),
      '--input',
      join(dir, 'in.json'),
      '--output',
      join(dir, 'out.json'),
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    fixture.cases.forEach((c: Record<string, unknown>, i: number) => {
      expect(out[i], String(c.id)).toEqual({
        ids: c.ids,
        tokens: c.tokens,
        type_ids: c.type_ids,
        attention_mask: c.attention_mask,
      });
    });
  });

  it('reads a vocab.txt-only folder', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'tok'));
    copyFileSync(join(CORE_FIXTURES, 'tokenizer', 'vocab.txt'), join(dir, 'tok', 'vocab.txt'));
    writeFileSync(join(dir, 'in.json'), JSON.stringify([{ text: 'Hello there', text_pair: '' }]));
    const r = await run('tokenize', '--tokenizer', join(dir, 'tok'), '--input', join(dir, 'in.json'));
    expect(r.code).toBe(0);
    const [enc] = JSON.parse(r.stdout);
    expect(enc.tokens[0]).toBe('[CLS]');
    expect(enc.tokens.slice(-2)).toEqual(['[SEP]', '[SEP]']); // an empty pair is still a pair
  });
});

describe('camtl info', () => {
  it('prints the config and exact parameter counts as JSON', async () => {
    const r = await run('info', '--model', join(CORE_FIXTURES, 'bert-tiny'), '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.config.hidden_size).toBe(64);
    expect(info.summary.total).toBe(143747);
    expect(info.summary.trainable + info.summary.frozen).toBe(info.summary.total);
    expect(info.summary.groups['encoder.layer.0'].total).toBe(33472);
    expect(info.checkpoint.missing).toEqual([]);
  });
});

describe('errors: one line on stderr, a non-zero exit', () => {
  const cases: Array<[string, () => Promise<string[]>, RegExp]> = [
    ['a missing model folder', async () => ['forward', '--model', '/does/not/exist'], /\/does\/not\/exist/],
    ['a missing input file', async () => ['forward', '--input', '/nope/in.json'], /\/nope\/in\.json/],
    [
      'bad JSON',
      async () => {
        const d = tmp();
        writeFileSync(join(d, 'in.json'), '{');
        return ['forward', '--input', join(d, 'in.json')];
      },
      /in\.json: not valid JSON/,
    ],
    [
      'an id outside the vocabulary',
      async () => {
        const d = tmp();
        writeFileSync(
          join(d, 'in.json'),
          JSON.stringify({ input_ids: { shape: [1, 2], dtype: 'int64', data: [2, 5000] } }),
        );
        return ['forward', '--input', join(d, 'in.json')];
      },
      /input_ids: value 5000 .* outside \[0, 1000\)/,
    ],
    [
      'a shape that does not fit the data',
      async () => {
        const d = tmp();
        writeFileSync(
          join(d, 'in.json'),
          JSON.stringify({ input_ids: { shape: [2, 2], dtype: 'int64', data: [2, 3] } }),
        );
        return ['forward', '--input', join(d, 'in.json')];
      },
      /input_ids: shape \[2,2\] needs 4 values/,
    ],
    [
      'a pytorch_model.bin folder',
      async () => {
        const d = tmp();
        copyFileSync(join(CORE_FIXTURES, 'bert-tiny', 'config.json'), join(d, 'config.json'));
        writeFileSync(join(d, 'pytorch_model.bin'), 'PK');
        return ['forward', '--model', d];
      },
      /pytorch_model\.bin.*not read.*save_pretrained/,
    ],
    [
      'a bad safetensors file',
      async () => {
        const d = tmp();
        copyFileSync(join(CORE_FIXTURES, 'bert-tiny', 'config.json'), join(d, 'config.json'));
        writeFileSync(join(d, 'model.safetensors'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 16]));
        return ['info', '--model', d];
      },
      /model\.safetensors/,
    ],
    [
      'a checkpoint without a tensor the model needs (no random weights in the outputs)',
      async () => {
        const d = tmp();
        const fs = nodeFileSystem();
        const ckpt = await loadHfCheckpoint(join(CORE_FIXTURES, 'bert-tiny'), fs);
        const tensors = new Map([...ckpt.tensors].filter(([k]) => !k.endsWith('word_embeddings.weight')));
        expect(tensors.size).toBe(ckpt.tensors.size - 1);
        await saveHfCheckpoint(d, { config: ckpt.config, tensors }, fs);
        return ['forward', '--model', d];
      },
      /missing 1 tensor\(s\): .*word_embeddings\.weight/,
    ],
    ['an unknown flag', async () => ['forward', '--modle', 'x'], /--modle/],
    ['an unknown backend', async () => ['forward', '--backend', 'tpu'], /unknown backend "tpu"/],
    ['a missing tokenizer', async () => ['tokenize', '--tokenizer', '/nope', '--input', '/nope.json'], /\/nope/],
    ['an unknown command', async () => ['fly'], /unknown command "fly"/],
  ];
  it.each(cases)('%s', async (_name, argv, pattern) => {
    const r = await run(...(await argv()));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toMatch(pattern);
  });

  it('exit codes: 2 for a bad command line (usage on stderr), 1 for a failure, 0 for --version', async () => {
    const none = await run();
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^camtl — .*\nusage: camtl <command>/s);
    for (const argv of [['fly'], ['forward', '--modle', 'x'], ['forward', 'stray']])
      expect((await run(...argv)).code).toBe(2);
    expect((await run('forward', '--model', '/does/not/exist')).code).toBe(1);
    const version = await run('--version');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `camtl ${pkg.version}\n` });
    expect((await run('-V')).stdout).toBe(version.stdout);
  });

  it.each(['forward', 'tokenize', 'info'])('camtl %s --help', async (cmd) => {
    const r = await run(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`usage: camtl ${cmd}`));
  });
});

describe.skipIf(!existsSync(BIN))('the built bin', () => {
  it('runs the default forward and fails cleanly on a bad path', () => {
    const ok = execFileSync(process.execPath, [BIN, 'forward'], { encoding: 'utf8' });
    expect(ok).toMatch(/logits \[4,3\]/);
    const bad = spawnSync(process.execPath, [BIN, 'info', '--model', '/nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('error: /nope: model folder not found\n');
  });
});
