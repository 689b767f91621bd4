import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { Rng } from '../rng';
import { normal, ones, zeros } from './init';
import { freeze, globToRegExp, layerIndex, matchesSelector, parseLayerRange, unfreeze } from './select';
import { instantiate, type ParamSpec } from './spec';
import { ParamStore, paramsFromRecord } from './store';
import { defaultGroup, summarize, summarizeStore } from './summary';

const specs: ParamSpec[] = [
  { name: 'bert.embeddings.word_embeddings.weight', shape: [10, 4], init: { ...normal(0.02), zeroRow: 0 } },
  { name: 'bert.encoder.layer.0.attention.self.query.weight', shape: [4, 4], init: normal(0.02) },
  { name: 'bert.encoder.layer.0.attention.self.query.bias', shape: [4], init: zeros },
  { name: 'bert.encoder.layer.1.output.LayerNorm.weight', shape: [4], init: ones },
  { name: 'bert.encoder.layer.11.output.LayerNorm.weight', shape: [4], init: ones },
  { name: 'classifier.weight', shape: [2, 4], init: normal(0.02) },
];

describe('parameter selection', () => {
  it('matches globs, regexps and layer ranges', () => {
    expect(globToRegExp('bert.encoder.*.bias').test('bert.encoder.layer.0.attention.self.query.bias')).toBe(true);
    expect(globToRegExp('bert.encoder.*.bias').test('bert.encoder.layer.0.attention.self.query.weight')).toBe(false);
    expect(layerIndex('bert.encoder.layer.11.output.LayerNorm.weight')).toBe(11);
    expect(layerIndex('bert.pooler.dense.weight')).toBeUndefined();
    const sel = { include: ['bert.encoder.*'], layers: [0, 1] as [number, number] };
    expect(matchesSelector('bert.encoder.layer.1.output.LayerNorm.weight', sel)).toBe(true);
    expect(matchesSelector('bert.encoder.layer.11.output.LayerNorm.weight', sel)).toBe(false);
    expect(matchesSelector('bert.encoder.layer.0.x', { ...sel, exclude: [/\.x$/] })).toBe(false);
    expect(parseLayerRange('0-4')).toEqual([0, 4]);
    expect(parseLayerRange('3')).toEqual([3, 3]);
    expect(parseLayerRange('4-0')).toBeUndefined();
    expect(parseLayerRange('a-b')).toBeUndefined();
  });

  it('groups names by component', () => {
    expect(defaultGroup('bert.embeddings.word_embeddings.weight')).toBe('embeddings');
    expect(defaultGroup('bert.encoder.layer.3.output.dense.weight')).toBe('encoder.layer.3');
    expect(defaultGroup('bert.pooler.dense.weight')).toBe('pooler');
    expect(defaultGroup('classifier.weight')).toBe('classifier');
    expect(defaultGroup('decoders.0.model.weight')).toBe('decoders.0');
  });

  it('summarises counts from shapes alone', () => {
    const s = summarize(specs.map((x) => ({ name: x.name, shape: x.shape, trainable: !x.name.includes('layer.0') })));
    expect(s.total).toBe(40 + 16 + 4 + 4 + 4 + 8);
    expect(s.frozen).toBe(20);
    expect(s.trainable).toBe(56);
    expect(s.groups['encoder.layer.0']).toEqual({ total: 20, trainable: 0, frozen: 20, tensors: 2 });
  });
});

describeEachBackend('ParamStore', () => {
  it('instantiates deterministically, with HF padding rows zeroed', () => {
    const a = instantiate(specs, new Rng(5));
    const b = instantiate(specs, new Rng(5));
    for (const n of a.names()) expect(a.get(n).dataSync()).toEqual(b.get(n).dataSync());
    const emb = a.get('bert.embeddings.word_embeddings.weight').arraySync() as number[][];
    expect(emb[0]).toEqual([0, 0, 0, 0]);
    expect(emb[1].some((v) => v !== 0)).toBe(true);
    expect(a.get('bert.encoder.layer.1.output.LayerNorm.weight').dataSync()).toEqual(new Float32Array([1, 1, 1, 1]));
    a.dispose();
    b.dispose();
  });

  it('freezes and unfreezes by selector, and summarises per group', () => {
    const store = instantiate(specs, new Rng(0));
    const frozen = freeze(store, { include: ['bert.*'], layers: [0, 5] });
    expect(frozen).toEqual([
      'bert.encoder.layer.0.attention.self.query.weight',
      'bert.encoder.layer.0.attention.self.query.bias',
      'bert.encoder.layer.1.output.LayerNorm.weight',
    ]);
    expect([...store.trainable().keys()]).not.toContain('bert.encoder.layer.0.attention.self.query.bias');
    const s = summarizeStore(store);
    expect(s.frozen).toBe(16 + 4 + 4);
    unfreeze(store, { include: ['*.bias'] });
    expect(store.get('bert.encoder.layer.0.attention.self.query.bias').trainable).toBe(true);
    store.dispose();
  });

  it('views resolve relative names and report missing ones by full name', () => {
    const store = instantiate(specs, new Rng(0));
    const p = store.view('bert').at('encoder.layer.0').at('attention.self');
    expect(p.get('query.weight').shape).toEqual([4, 4]);
    expect(p.has('key.weight')).toBe(false);
    expect(() => p.get('key.weight')).toThrow(/bert\.encoder\.layer\.0\.attention\.self\.key\.weight/);
    const rec = paramsFromRecord({ 'a.b': tf.zeros([1]) });
    expect(rec.at('a').get('b').shape).toEqual([1]);
    store.dispose();
  });

  it('assign checks shapes and toTensors snapshots values', async () => {
    const store = new ParamStore();
    store.add('w', tf.zeros([2, 2]));
    store.assign('w', [2, 2], new Float32Array([1, 2, 3, 4]));
    expect(() => store.assign('w', [4], new Float32Array(4))).toThrow(/expected \[2,2\], got \[4\]/);
    const snap = await store.toTensors();
    expect(Array.from(snap.get('w')!.data)).toEqual([1, 2, 3, 4]);
    const before = tf.memory().numTensors;
    store.add('w', tf.ones([1])); // replacing disposes the old variable
    expect(tf.memory().numTensors).toBe(before);
    store.dispose();
  });
});
