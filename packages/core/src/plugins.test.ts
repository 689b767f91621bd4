// checkSpecification, and where core calls it: the plug-ins a BERT is built from.
import { describe, expect, it } from 'vitest';
import { bertAttention } from './bert/attention';
import { parseBertConfig } from './bert/config';
import { bertLayer, layerNormModule } from './bert/layer';
import { BertDefinition } from './bert/model';
import { checkSpecification, type AttentionModule, type LayerModule, type NormModule } from './plugins';

const config = parseBertConfig({
  vocab_size: 20,
  hidden_size: 8,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 16,
  max_position_embeddings: 8,
});
const options = { hiddenSize: 8, numHeads: 2, attentionDropout: 0, initializerRange: 0.02, layerIndex: 0 };

/** A plug-in as a future (or careless) package would write it. */
function future<T extends { specificationVersion: unknown }>(module: T, version: unknown): T {
  return { ...module, specificationVersion: version };
}

describe('checkSpecification', () => {
  it('returns a v1 plug-in as it is', () => {
    const norm = layerNormModule(8, 1e-12);
    expect(checkSpecification('norm', norm)).toBe(norm);
  });

  it('refuses another version, or none, in one line naming the plug-in', () => {
    const v2 = future(bertAttention(options), 'v2');
    expect(() => checkSpecification('attention', v2)).toThrowError(
      expect.objectContaining({
        code: 'UNSUPPORTED',
        message: 'attention "bert" implements specification v2; this @camtl/core supports v1',
        hint: expect.stringContaining('"bert"'),
      }),
    );
    const task = { name: 'my-task', kind: 'classification' };
    expect(() => checkSpecification('task', task)).toThrowError(
      'task "my-task" implements no specification version; this @camtl/core supports v1',
    );
  });

  it('guards BERT construction: attention, norms and layers', () => {
    const v2Attention = (o: typeof options): AttentionModule => future(bertAttention(o), 'v2');
    expect(() => new BertDefinition(config, { attention: v2Attention })).toThrowError(
      /^attention "bert" implements specification v2/,
    );
    const norm: NormModule = future(layerNormModule(8, 1e-12), 'v0');
    const parts = { attention: bertAttention(options), attentionNorm: layerNormModule(8, 1e-12), outputNorm: norm };
    expect(() => bertLayer(config, parts)).toThrowError(/^norm "layer-norm" implements specification v0/);
    const layer = (): LayerModule => ({
      ...bertLayer(config, { ...parts, outputNorm: parts.attentionNorm }),
      kind: 'mine',
    });
    expect(() => new BertDefinition(config, { layer: () => future(layer(), 'v2') })).toThrowError(
      /^layer "mine" implements specification v2/,
    );
    expect(new BertDefinition(config, { layer }).layers.map((l) => l.kind)).toEqual(['mine', 'mine']);
  });
});
