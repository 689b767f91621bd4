/**
 * The word-level WordPiece vocabulary (vocab.txt) for the synthetic suite:
 * the five BERT specials at ids 0–4, then every token the lexicon can produce,
 * punctuation first, then words, each in code-point order. Because it is built
 * from the lexicon rather than from one draw of the suite, every seed and
 * scale gets the same vocabulary, so one model config fits them all.
 */
import { DEFAULT_BERT_NORMALIZER, bertNormalize, bertPreTokenize } from '@camtl/core';
import { lexiconTokens } from './lexicon';
import type { SyntheticSuite } from './suite';

/** ids 0–4, in the order BERT vocabularies (and camtl's tokenizer defaults) use. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** The words the BERT tokenizer sees in `text` (lower-cased, punctuation split off). */
export function preTokenize(text: string): string[] {
  return bertPreTokenize(bertNormalize(text, DEFAULT_BERT_NORMALIZER));
}

/** Every distinct pre-tokenized word in the suite's texts, in first-seen order. */
export function suiteTokens(suite: SyntheticSuite): string[] {
  const seen = new Set<string>();
  for (const task of suite.tasks) {
    for (const examples of Object.values(task.splits)) {
      for (const ex of examples) {
        for (const t of preTokenize(ex.textA)) seen.add(t);
        if (ex.textB !== undefined) for (const t of preTokenize(ex.textB)) seen.add(t);
      }
    }
  }
  return [...seen];
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const isWord = (t: string): boolean => /^[a-z]/.test(t);

/** The vocabulary's tokens in id order. */
export function vocabTokens(suite?: SyntheticSuite): string[] {
  // The suite's own tokens are a subset of the lexicon's (tested); adding them
  // anyway keeps the vocabulary complete if a template ever outgrows the lexicon.
  const all = new Set([...lexiconTokens().flatMap(preTokenize), ...(suite ? suiteTokens(suite) : [])]);
  const sorted = [...all].sort(byCodePoint);
  return [...SPECIAL_TOKENS, ...sorted.filter((t) => !isWord(t)), ...sorted.filter(isWord)];
}

/** vocab.txt text: one token per line (id = line number), with a final newline. */
export function buildVocab(suite?: SyntheticSuite): string {
  return vocabTokens(suite).join('\n') + '\n';
}

/** The size of the (seed-independent) vocabulary; DEFAULT_MODEL_CONFIG.vocab_size. */
export const VOCAB_SIZE = vocabTokens().length;
