import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath, readFixtureJson } from '../testing/fixtures';
import { bytesSource } from './fs';
import { describeMatch, matchParameters, summarizeNames } from './match';
import { readSafetensors } from './safetensors';
import { bertExpectedShapes } from './test-helpers';

const config = readFixtureJson('bert-tiny', 'config.json');
const expected = bertExpectedShapes(config);
const loadedOf = (names: Record<string, number[]>) =>
  new Map(Object.entries(names).map(([n, shape]) => [n, { shape }]));
const withShapes = (m: Map<string, number[]>, rename: (n: string) => string) =>
  new Map([...m].map(([n, shape]) => [rename(n), { shape }]));

describe('matchParameters', () => {
  it('maps a BertModel checkpoint (no bert. prefix) onto canonical names', async () => {
    const file = 'bert_model_only.safetensors';
    const st = await readSafetensors(bytesSource(readFileSync(fixturePath('bert-tiny', file)), file));
    const match = matchParameters(expected, st.entries);
    expect(match.mapping.size).toBe(39);
    expect(match.mapping.get('bert.embeddings.word_embeddings.weight')).toBe('embeddings.word_embeddings.weight');
    expect(match.mapping.get('bert.encoder.layer.1.output.dense.weight')).toBe('encoder.layer.1.output.dense.weight');
    expect(match.missing).toEqual(['classifier.weight', 'classifier.bias']);
    expect(match.unexpected).toEqual([]);
    expect(match.mismatched).toEqual([]);
    expect(describeMatch(match, file)).toBe(
      'bert_model_only.safetensors: 2 missing (classifier.weight, classifier.bias), 0 ignored, 0 unexpected',
    );
  });

  it('adds the bert. prefix when the model expects bare names', () => {
    const bare = new Map([...expected].filter(([n]) => n.startsWith('bert.')).map(([n, s]) => [n.slice(5), s]));
    const match = matchParameters(
      bare,
      withShapes(expected, (n) => n),
    );
    expect(match.mapping.get('pooler.dense.weight')).toBe('bert.pooler.dense.weight');
    expect(match.missing).toEqual([]);
    expect(match.unexpected).toEqual(['classifier.weight', 'classifier.bias']);
  });

  it('prefers an exact match over a prefix fallback', () => {
    const match = matchParameters(
      new Map([
        ['bert.x', [1]],
        ['x', [2]],
      ]),
      loadedOf({ x: [2], 'bert.x': [1] }),
    );
    expect(match.mapping).toEqual(
      new Map([
        ['bert.x', 'bert.x'],
        ['x', 'x'],
      ]),
    );
    const single = matchParameters(
      new Map([
        ['bert.x', [1]],
        ['x', [1]],
      ]),
      loadedOf({ x: [1] }),
    );
    expect(single.mapping).toEqual(new Map([['x', 'x']]));
    expect(single.missing).toEqual(['bert.x']);
  });

  it('maps legacy LayerNorm.gamma/beta names', () => {
    const legacy = withShapes(expected, (n) =>
      n.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'),
    );
    const match = matchParameters(expected, legacy);
    expect(match.mapping.size).toBe(41);
    expect(match.mapping.get('bert.embeddings.LayerNorm.weight')).toBe('bert.embeddings.LayerNorm.gamma');
    expect(match.mapping.get('bert.encoder.layer.0.output.LayerNorm.bias')).toBe(
      'bert.encoder.layer.0.output.LayerNorm.beta',
    );
    const bareLegacy = matchParameters(expected, loadedOf({ 'embeddings.LayerNorm.gamma': [64] }));
    expect(bareLegacy.mapping.get('bert.embeddings.LayerNorm.weight')).toBe('embeddings.LayerNorm.gamma');
  });

  it('ignores position_ids buffers, cls.* heads and ignoreUnexpected patterns', () => {
    const loaded = withShapes(expected, (n) => n);
    const extra = {
      'bert.embeddings.position_ids': [1, 128],
      'cls.predictions.bias': [1000],
      'cls.predictions.transform.dense.weight': [64, 64],
      'cls.predictions.transform.LayerNorm.weight': [64],
      'decoders.0.extra': [3],
      'something.else': [1],
    };
    for (const [n, shape] of Object.entries(extra)) loaded.set(n, { shape });
    const match = matchParameters(expected, loaded, { ignoreUnexpected: [/^decoders\./g] });
    expect(match.ignored).toEqual([
      'bert.embeddings.position_ids',
      'cls.predictions.bias',
      'cls.predictions.transform.dense.weight',
      'cls.predictions.transform.LayerNorm.weight',
      'decoders.0.extra',
    ]);
    expect(match.unexpected).toEqual(['something.else']);
    expect(match.mapping.size).toBe(41);
    const bareIds = matchParameters(new Map(), loadedOf({ 'embeddings.position_ids': [1, 8] }));
    expect(bareIds.ignored).toEqual(['embeddings.position_ids']);
  });

  it('matches names of other model families exactly', () => {
    const camtl = new Map([
      ['bert.task_type_embeddings.weight', [4, 64]],
      ['decoders.0.model.weight', [3, 64]],
    ]);
    const match = matchParameters(
      camtl,
      loadedOf({ 'task_type_embeddings.weight': [4, 64], 'decoders.0.model.weight': [3, 64] }),
    );
    expect(match.mapping).toEqual(
      new Map([
        ['bert.task_type_embeddings.weight', 'task_type_embeddings.weight'],
        ['decoders.0.model.weight', 'decoders.0.model.weight'],
      ]),
    );
    const roberta = matchParameters(new Map([['roberta.x', [1]]]), loadedOf({ x: [1] }), { prefixes: ['roberta.'] });
    expect(roberta.mapping.get('roberta.x')).toBe('x');
  });

  it('reports shape mismatches with both shapes', () => {
    const loaded = withShapes(expected, (n) => n);
    loaded.set('classifier.weight', { shape: [2, 64] });
    loaded.set('classifier.bias', { shape: [2] });
    const match = matchParameters(expected, loaded);
    expect(match.mismatched).toEqual([
      { name: 'classifier.weight', loadedName: 'classifier.weight', expected: [3, 64], got: [2, 64] },
      { name: 'classifier.bias', loadedName: 'classifier.bias', expected: [3], got: [2] },
    ]);
    expect(match.mapping.has('classifier.weight')).toBe(false);
    expect(match.missing).toEqual([]);
    expect(match.unexpected).toEqual([]);
    expect(describeMatch(match, 'ck')).toBe(
      'ck: 0 missing, 0 ignored, 0 unexpected, 2 shape mismatched (classifier.weight expected [3,64] got [2,64], classifier.bias expected [3] got [2])',
    );
  });
});

describe('describeMatch / summarizeNames', () => {
  it('groups long lists and counts the rest', () => {
    expect(
      summarizeNames([
        'cls.predictions.bias',
        'cls.predictions.transform.dense.weight',
        'cls.predictions.transform.dense.bias',
      ]),
    ).toBe('cls.predictions.*');
    const many = Array.from({ length: 30 }, (_, i) => `group${i}.layer.weight`);
    const s = summarizeNames(many);
    expect(s).toContain('+26 more');
    expect(s.length).toBeLessThan(120);
  });

  it('gives a one-line summary', () => {
    const match = matchParameters(
      new Map([
        ['bert.a', [1]],
        ['classifier.weight', [3, 2]],
        ['classifier.bias', [3]],
      ]),
      loadedOf({
        a: [1],
        'cls.predictions.bias': [9],
        'cls.predictions.transform.dense.weight': [2, 2],
        'cls.predictions.transform.dense.bias': [2],
      }),
    );
    expect(describeMatch(match, 'model.safetensors')).toBe(
      'model.safetensors: 2 missing (classifier.weight, classifier.bias), 3 ignored (cls.predictions.*), 0 unexpected',
    );
  });
});
