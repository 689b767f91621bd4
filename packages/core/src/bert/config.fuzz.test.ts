import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../backend';
import { loadBertModel } from './load';
import { loadHfCheckpoint } from '../io/checkpoint';
import { memoryFileSystem } from '../io/fs';
import {
  applyMutations,
  damageText,
  FuzzCounter,
  hostileValue,
  jsonMutations,
  loadsOrNamesFile,
  textDamage,
} from '../testing/fuzz';
import { fixturePath } from '../testing/fixtures';
import { parseBertConfig } from './config';
import { bertTaskHeadOf } from './task-model';

const FILE = 'm/config.json';
const BASE = JSON.parse(readFileSync(fixturePath('bert-tiny', 'config.json'), 'utf8'));
const FIELDS = [
  ...Object.keys(BASE),
  'num_labels',
  'model_type',
  'position_embedding_type',
  'hidden_act',
  'classifier_dropout',
];
const WEIGHTS = new Uint8Array(readFileSync(fixturePath('bert-tiny', 'model.safetensors')));

/** The config reads camtl does before building a model: the parse and the head lookup. */
function parse(raw: unknown): void {
  const cfg = parseBertConfig(raw, FILE);
  bertTaskHeadOf(cfg.raw);
  // Every accepted config must be within the bounds the model relies on.
  expect(cfg.numHiddenLayers).toBeLessThanOrEqual(256);
  expect(cfg.layerNormEps).toBeGreaterThan(0);
  expect(cfg.hiddenSize % cfg.numAttentionHeads).toBe(0);
}

describe('fuzz config.json', () => {
  it('arbitrary values for every field, and JSON-level mutations, load or fail naming the file', async () => {
    const count = new FuzzCounter('config.json');
    const field = fc.record({ key: fc.constantFrom(...FIELDS), value: hostileValue });
    await fc.assert(
      fc.asyncProperty(fc.array(field, { minLength: 1, maxLength: 4 }), async (changes) => {
        const raw = { ...BASE };
        for (const c of changes) raw[c.key] = c.value;
        count.add(await loadsOrNamesFile(() => parse(raw), FILE));
      }),
      { numRuns: 2500, seed: 13 },
    );
    await fc.assert(
      fc.asyncProperty(jsonMutations(BASE), async (mutations) => {
        count.add(await loadsOrNamesFile(() => parse(applyMutations(BASE, mutations)), FILE));
      }),
      { numRuns: 1000, seed: 14 },
    );
    count.print();
    expect(count.total).toBe(3500);
  });

  it('mutated configs next to real weights: loadBertModel and a forward pass, or an error naming a file', async () => {
    await useBackend('cpu');
    const count = new FuzzCounter('config.json + model');
    const field = fc.record({ key: fc.constantFrom(...FIELDS), value: hostileValue });
    await fc.assert(
      fc.asyncProperty(fc.array(field, { minLength: 1, maxLength: 2 }), async (changes) => {
        const raw = { ...BASE };
        for (const c of changes) raw[c.key] = c.value;
        const fs = memoryFileSystem({ 'm/config.json': JSON.stringify(raw), 'm/model.safetensors': WEIGHTS });
        const outcome = await loadsOrNamesFile(async () => {
          const { model } = await loadBertModel('m', fs);
          try {
            const out = tf.tidy(() =>
              model.forward({ inputIds: tf.tensor2d([[2, 5, 7, 3]], undefined, 'int32') }).lastHiddenState.dataSync(),
            );
            expect(out.every(Number.isFinite)).toBe(true);
          } finally {
            model.dispose();
          }
        }, 'm/');
        count.add(outcome);
      }),
      { numRuns: 400, seed: 16 },
    );
    count.print();
  });

  it('damaged config.json text read from a checkpoint folder fails naming the file', async () => {
    const count = new FuzzCounter('config.json text');
    const text = JSON.stringify(BASE, null, 2);
    await fc.assert(
      fc.asyncProperty(textDamage, async (damage) => {
        const fs = memoryFileSystem({ 'm/config.json': damageText(text, damage), 'm/model.safetensors': WEIGHTS });
        count.add(await loadsOrNamesFile(async () => parse((await loadHfCheckpoint('m', fs)).config), FILE));
      }),
      { numRuns: 300, seed: 15 },
    );
    count.print();
  });
});
