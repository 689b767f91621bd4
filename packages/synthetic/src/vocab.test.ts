import { BertTokenizer, parseBertConfig } from '@camtl/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING } from './config';
import { lexiconTokens } from './lexicon';
import { SPLITS } from './specs';
import { generateSuite } from './suite';
import { SPECIAL_TOKENS, VOCAB_SIZE, buildVocab, preTokenize, suiteTokens, vocabTokens } from './vocab';

const suites = [0, 1, 2].map((seed) => generateSuite({ seed }));

describe('buildVocab', () => {
  const vocab = buildVocab(suites[0]);
  const lines = vocab.split('\n').slice(0, -1);

  it('starts with [PAD] [UNK] [CLS] [SEP] [MASK], then unique tokens in a fixed order', () => {
    expect(lines.slice(0, 5)).toEqual([...SPECIAL_TOKENS]);
    expect(new Set(lines).size).toBe(lines.length);
    expect(vocab.endsWith('\n')).toBe(true);
    expect(buildVocab(suites[1])).toBe(vocab);
    expect(buildVocab()).toBe(vocab);
    expect(lines.length).toBe(VOCAB_SIZE);
    expect(VOCAB_SIZE).toBeGreaterThan(200);
    expect(VOCAB_SIZE).toBeLessThan(500);
    expect(lines.every((t) => t === t.toLowerCase() || SPECIAL_TOKENS.includes(t as never))).toBe(true);
  });

  it('covers every token the generators write (the suite never outgrows the lexicon)', () => {
    const lexicon = new Set(lexiconTokens().flatMap(preTokenize));
    for (const s of suites) expect(suiteTokens(s).filter((t) => !lexicon.has(t))).toEqual([]);
    expect(vocabTokens(suites[0])).toEqual(lines);
  });

  it('lets BertTokenizer encode every sentence without [UNK], within DEFAULT_TRAINING.maxSeqLength', () => {
    const tokenizer = BertTokenizer.fromVocab(vocab, { lowercase: true });
    expect(tokenizer.vocabSize).toBe(VOCAB_SIZE);
    const unk = tokenizer.specialTokens.unk.id;
    expect(unk).toBe(1);
    let longest = 0;
    for (const s of suites) {
      for (const t of s.tasks) {
        for (const split of SPLITS) {
          for (const ex of t.splits[split]) {
            const e = tokenizer.encode(ex.textA, ex.textB ?? null);
            expect(e.ids.includes(unk), `${ex.textA} | ${ex.textB}`).toBe(false);
            longest = Math.max(longest, e.ids.length);
          }
        }
      }
    }
    expect(longest).toBeLessThanOrEqual(DEFAULT_TRAINING.maxSeqLength);
    expect(longest).toBeLessThanOrEqual(DEFAULT_MODEL_CONFIG.max_position_embeddings);
  });

  it('sizes DEFAULT_MODEL_CONFIG for this vocabulary, as a valid HF BertConfig', () => {
    const config = parseBertConfig(DEFAULT_MODEL_CONFIG, 'DEFAULT_MODEL_CONFIG');
    expect(config.vocabSize).toBe(VOCAB_SIZE);
    expect(config.hiddenSize % config.numAttentionHeads).toBe(0);
    // CA-MTL-base splits L layers into ⌊L/2⌋ bottom, L − ⌊L/2⌋ − 1 conditional-layer-norm
    // and 1 rebuilt top layer: the middle CLN layers (one of the ablated
    // components) exist only from 4 layers on.
    const L = config.numHiddenLayers;
    expect(L - Math.floor(L / 2) - 1).toBeGreaterThanOrEqual(1);
    expect(DEFAULT_TRAINING.learningRate).toBeGreaterThan(2e-5);
  });
});
