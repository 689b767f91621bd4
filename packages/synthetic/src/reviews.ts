/**
 * Short product/restaurant/film/hotel reviews with a known opinion. The
 * templates are chosen so that no single word decides the label: negation
 * flips an adjective ("not good"), and in contrast sentences ("X was bad but
 * Y was great", "although …") both polarities occur and only the order of
 * the clauses tells which one wins. A bag of words therefore gets part of the
 * way; a model that reads structure gets all of it.
 */
import type { Rng } from '@camtl/core';
import {
  ASPECTS,
  INTENSIFIERS,
  NEGATIVE_ADJECTIVES,
  NEGATIVE_VERBS,
  NEUTRAL_ADJECTIVES,
  NEUTRAL_VERBS,
  OPENERS,
  POSITIVE_ADJECTIVES,
  POSITIVE_VERBS,
  RECOMMEND_NEGATIVE,
  RECOMMEND_POSITIVE,
  REVIEWERS,
  TAILS,
  TIMES,
} from './lexicon';
import { chance, otherIndex, pick, sentence, weighted } from './text';

export type Opinion = 'positive' | 'negative' | 'neutral';

type Parts = (string | false | undefined)[];

const DOMAINS = Object.keys(ASPECTS);

/** Two different aspects of one domain (a review talks about one place or product). */
function aspects(rng: Rng): [string, string] {
  const pool = ASPECTS[pick(rng, DOMAINS)];
  const a = rng.int(pool.length);
  return [pool[a], pool[otherIndex(rng, a, pool.length)]];
}

const adjective = (rng: Rng, positive: boolean): string =>
  pick(rng, positive ? POSITIVE_ADJECTIVES : NEGATIVE_ADJECTIVES);
const be = (rng: Rng): string => (chance(rng, 0.7) ? 'was' : 'is');
const intensifier = (rng: Rng, p = 0.35): string | false => chance(rng, p) && pick(rng, INTENSIFIERS);
const opener = (rng: Rng): Parts => (chance(rng, 0.3) ? [pick(rng, OPENERS), ','] : []);

// Polar templates: `positive` is the opinion the sentence must express. The
// templates leave out the final "." (review() adds it, after an optional tail).

function plain(rng: Rng, positive: boolean): Parts {
  const [asp] = aspects(rng);
  return [...opener(rng), 'the', asp, be(rng), intensifier(rng), adjective(rng, positive)];
}

/** "not good" is negative and "not bad" positive: the adjective alone misleads. */
function negated(rng: Rng, positive: boolean): Parts {
  const [asp] = aspects(rng);
  const atAll = chance(rng, 0.3);
  const neg = atAll ? 'not' : pick(rng, ['not', 'not', 'never']);
  const adj = adjective(rng, !positive);
  return [...opener(rng), 'the', asp, be(rng), neg, !atAll && intensifier(rng), adj, atAll && 'at all'];
}

function verb(rng: Rng, positive: boolean): Parts {
  const [asp] = aspects(rng);
  const [past] = pick(rng, positive ? POSITIVE_VERBS : NEGATIVE_VERBS);
  return [...opener(rng), pick(rng, REVIEWERS), chance(rng, 0.3) && 'really', past, 'the', asp];
}

/** "did not hate" is positive: the verb's polarity is flipped. */
function verbNegated(rng: Rng, positive: boolean): Parts {
  const [asp] = aspects(rng);
  const [, base] = pick(rng, positive ? NEGATIVE_VERBS : POSITIVE_VERBS);
  return [...opener(rng), pick(rng, REVIEWERS), 'did not', base, 'the', asp];
}

/** The clause after "but" carries the opinion. */
function contrast(rng: Rng, positive: boolean): Parts {
  const [a, b] = aspects(rng);
  const first = ['the', a, be(rng), adjective(rng, !positive)];
  return [...first, 'but', 'the', b, be(rng), intensifier(rng), adjective(rng, positive)];
}

/** The main clause (second) carries the opinion, the "although" clause concedes. */
function although(rng: Rng, positive: boolean): Parts {
  const [a, b] = aspects(rng);
  const first = ['although', 'the', a, be(rng), adjective(rng, !positive), ','];
  return [...first, 'the', b, be(rng), intensifier(rng), adjective(rng, positive)];
}

function recommend(rng: Rng, positive: boolean): Parts {
  const [asp] = aspects(rng);
  const adverb = pick(rng, positive ? RECOMMEND_POSITIVE : RECOMMEND_NEGATIVE);
  return [...opener(rng), 'i would', adverb, 'recommend the', asp];
}

/** A neutral description next to the opinion: extra words that must be ignored. */
function described(rng: Rng, positive: boolean): Parts {
  const [asp] = aspects(rng);
  return ['the', asp, be(rng), pick(rng, NEUTRAL_ADJECTIVES), 'and', intensifier(rng), adjective(rng, positive)];
}

// About 55% of reviews say what they mean word for word, 20% negate (the
// opinion word points the wrong way) and 25% contrast two opinions (both
// polarities present): a bag of words gets about 70%, structure the rest.
const POLAR = [
  [plain, 25],
  [described, 10],
  [recommend, 10],
  [verb, 10],
  [negated, 15],
  [verbNegated, 5],
  [contrast, 15],
  [although, 10],
] as const;

// Neutral templates (the polarity task's third class).

function neutralPlain(rng: Rng): Parts {
  const [asp] = aspects(rng);
  return [
    ...opener(rng),
    'the',
    asp,
    be(rng),
    chance(rng, 0.3) && pick(rng, ['quite', 'very']),
    pick(rng, NEUTRAL_ADJECTIVES),
  ];
}

/** "neither good nor bad": both polarities, and no opinion. */
function neitherNor(rng: Rng): Parts {
  const [asp] = aspects(rng);
  const [x, y] = rng.shuffle([adjective(rng, true), adjective(rng, false)]);
  return ['the', asp, be(rng), 'neither', x, 'nor', y];
}

/** Opposite opinions joined by "and" cancel out (unlike "but", where the second wins). */
function mixed(rng: Rng): Parts {
  const [a, b] = aspects(rng);
  const [x, y] = rng.shuffle([adjective(rng, true), adjective(rng, false)]);
  return ['the', a, be(rng), x, 'and', 'the', b, be(rng), y];
}

function factual(rng: Rng): Parts {
  const [asp] = aspects(rng);
  const time = pick(rng, TIMES)[0];
  return [pick(rng, REVIEWERS), pick(rng, [...NEUTRAL_VERBS, 'tried']), 'the', asp, time];
}

const NEUTRAL = [
  [neutralPlain, 30],
  [neitherNor, 25],
  [mixed, 20],
  [factual, 25],
] as const;

const MIN_WORDS = 5;

/** One review expressing `opinion`, 5 to about 20 words long. */
export function review(rng: Rng, opinion: Opinion): string {
  const parts = opinion === 'neutral' ? weighted(rng, NEUTRAL)(rng) : weighted(rng, POLAR)(rng, opinion === 'positive');
  const text = sentence(parts);
  // A neutral closing phrase moves the final "." away from the opinion and
  // lengthens the shortest templates to a realistic minimum.
  const words = text.split(' ').filter((w) => /^[a-z]/.test(w)).length;
  const tail = words < MIN_WORDS || chance(rng, 0.3) ? pick(rng, TAILS) : undefined;
  return sentence([text, tail, '.']);
}
