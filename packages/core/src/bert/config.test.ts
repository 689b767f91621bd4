import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CamtlError } from '../errors';
import { FIXTURES } from '../testing/fixtures';
import { BERT_CONFIG_LIMITS, parseBertConfig } from './config';

const BASE = { vocab_size: 100, hidden_size: 8, num_attention_heads: 2, intermediate_size: 16 };

function configFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return configFiles(path);
    return name === 'config.json' ? [path] : [];
  });
}

function errorOf(raw: unknown): CamtlError {
  try {
    parseBertConfig(raw, 'm/config.json');
  } catch (e) {
    expect(e).toBeInstanceOf(CamtlError);
    expect((e as Error).message).not.toContain('\n');
    return e as CamtlError;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('parseBertConfig', () => {
  it('accepts every config.json among the fixtures (HF and camtl ones)', () => {
    const files = [...configFiles(FIXTURES), ...configFiles(join(FIXTURES, '..', '..', 'testkit', 'fixtures'))];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(() => parseBertConfig(JSON.parse(readFileSync(file, 'utf8')), file)).not.toThrow();
  });

  it('keeps HF defaults and the fields HF writes that camtl does not read', () => {
    const cfg = parseBertConfig({ vocab_size: 30522, classifier_dropout: null, pad_token_id: null, use_cache: true });
    expect([cfg.hiddenSize, cfg.numHiddenLayers, cfg.layerNormEps, cfg.padTokenId]).toEqual([768, 12, 1e-12, 0]);
    expect(cfg.raw.use_cache).toBe(true);
  });

  it.each([
    [{ num_hidden_layers: 1e9 }, /m\/config\.json: num_hidden_layers: must be at most 256, got 1000000000/],
    [{ num_hidden_layers: 2 ** 53 }, /num_hidden_layers: must be at most 256, got 9007199254740992/],
    [{ num_hidden_layers: 0 }, /num_hidden_layers: must be at least 1, got 0/],
    [{ num_hidden_layers: 2.5 }, /num_hidden_layers: expected an integer, got 2.5/],
    [{ num_hidden_layers: '2' }, /num_hidden_layers: expected a finite number, got "2"/],
    [{ vocab_size: undefined }, /vocab_size: missing \(expected a finite number\)/],
    [{ vocab_size: 2e6 }, /vocab_size: must be at most 1000000/],
    [{ hidden_size: 1e5 }, /hidden_size: must be at most 16384/],
    [{ num_attention_heads: 3 }, /hidden_size: 8 is not a multiple of num_attention_heads 3/],
    [{ intermediate_size: -1 }, /intermediate_size: must be at least 1/],
    [{ max_position_embeddings: 1e6 }, /max_position_embeddings: must be at most 65536/],
    [{ type_vocab_size: 0 }, /type_vocab_size: must be at least 1/],
    [{ layer_norm_eps: -1e-12 }, /layer_norm_eps: must be at least 1e-38, got -1e-12/],
    [{ layer_norm_eps: 1e-300 }, /layer_norm_eps: must be at least 1e-38, got 1e-300/],
    [{ layer_norm_eps: 0 }, /layer_norm_eps: must be at least 1e-38/],
    [{ hidden_dropout_prob: 1 }, /hidden_dropout_prob: must be less than 1, got 1/],
    [{ attention_probs_dropout_prob: -0.1 }, /attention_probs_dropout_prob: must be at least 0/],
    [{ hidden_act: 'nope' }, /hidden_act: must be one of "gelu", .*got "nope"/],
    [{ pad_token_id: 100 }, /pad_token_id: 100 is not below vocab_size 100/],
    [{ pad_token_id: 1.5 }, /pad_token_id: expected an integer/],
    [{ id2label: { 0: 1 } }, /id2label\["0"\]: expected a string, got 1/],
    [{ architectures: 'BertModel' }, /architectures: expected an array, got "BertModel"/],
    [{ num_labels: 0 }, /num_labels: must be at least 1/],
    [{ model_type: 'gpt2' }, /model_type "gpt2" is not supported/],
    [{ vocab_size: 1e6, hidden_size: 1024 }, /a weight of 1024000000 elements/],
  ])('%j is a one-line error naming the file and field', (change, message) => {
    expect(errorOf({ ...BASE, ...change }).message).toMatch(message);
  });

  it('rejects what is not an object, naming the file', () => {
    for (const v of [null, [], 1, 'x']) expect(errorOf(v).message).toMatch(/^m\/config\.json: expected a JSON object/);
  });

  it('exposes its bounds', () => {
    expect(BERT_CONFIG_LIMITS.num_hidden_layers).toBe(256);
  });
});
