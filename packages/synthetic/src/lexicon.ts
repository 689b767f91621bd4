/**
 * The words the synthetic suite is made of. Everything is lower case, plain
 * ASCII and free of contractions, so that the BERT pre-tokenizer splits a
 * sentence exactly at its spaces and punctuation and the word-level vocabulary
 * (vocab.ts) covers every sentence without [UNK].
 *
 * Two lexicons share one vocabulary: reviews (sentiment, polarity) and events
 * (paraphrase, similarity). Some words occur in both (e.g. "the", "my",
 * "last week"), as in real text.
 */

const words = (text: string): string[] => text.trim().split(/\s+/);
/** "a|b c" → [["a", "b"], ["c"]]: groups of interchangeable words (synonyms). */
const groups = (text: string): string[][] => words(text).map((g) => g.split('|').map((w) => w.replace(/_/g, ' ')));

// ---------------------------------------------------------------- reviews

/** Review aspects by domain; the two aspects of one review share a domain. */
export const ASPECTS: Readonly<Record<string, readonly string[]>> = {
  food: words('soup pasta pizza salad dessert coffee bread steak curry burger service waiter'),
  film: words('plot acting ending soundtrack script dialogue cast director villain music sequel humor'),
  travel: words('hotel room bed breakfast pool staff view lobby flight beach shower balcony'),
  tech: words('phone battery screen laptop keyboard camera speaker charger app printer headset tablet'),
};

export const POSITIVE_ADJECTIVES = words(
  'good great excellent wonderful fantastic lovely superb pleasant amazing perfect brilliant enjoyable impressive charming delightful outstanding',
);
export const NEGATIVE_ADJECTIVES = words(
  'bad terrible awful poor boring horrible dreadful disappointing mediocre dull unpleasant weak annoying lousy painful pathetic',
);
/** Descriptive but not evaluative: the polarity task's "neutral" material. */
export const NEUTRAL_ADJECTIVES = words(
  'long short new old large small simple modern familiar typical standard different',
);

/** [past, base] forms: "i loved the soup" / "i did not love the soup". */
export const POSITIVE_VERBS: readonly (readonly [string, string])[] = [
  ['liked', 'like'],
  ['loved', 'love'],
  ['enjoyed', 'enjoy'],
  ['adored', 'adore'],
  ['admired', 'admire'],
  ['appreciated', 'appreciate'],
];
export const NEGATIVE_VERBS: readonly (readonly [string, string])[] = [
  ['hated', 'hate'],
  ['disliked', 'dislike'],
  ['loathed', 'loathe'],
  ['despised', 'despise'],
  ['detested', 'detest'],
  ['resented', 'resent'],
];

export const INTENSIFIERS = words('very really quite extremely truly incredibly');
/** Sentence openers that carry no opinion; they vary position and length. */
export const OPENERS = [
  'honestly',
  'overall',
  'frankly',
  'to be honest',
  'in my opinion',
  'on the whole',
  'after our visit',
  'last weekend',
  'as usual',
];
/** Closing phrases that carry no opinion either. */
export const TAILS = [
  'during our stay',
  'for the price',
  'this time',
  'on our first visit',
  'after a long day',
  'compared to last year',
  'from start to finish',
  'if you ask me',
  'as far as i can tell',
];
export const REVIEWERS = ['i', 'we', 'my wife', 'my husband', 'my friends', 'our group'];
export const RECOMMEND_POSITIVE = words('definitely happily gladly certainly');
export const RECOMMEND_NEGATIVE = words('never not');
/** Neutral "we talked about the …" verbs (polarity task). */
export const NEUTRAL_VERBS = ['talked about', 'asked about', 'read about', 'heard about'];

// ---------------------------------------------------------------- events

/** A small world: its people, actions, things and places, each a list of synonym groups. */
export interface EventDomain {
  readonly name: string;
  readonly subjects: readonly string[][];
  /** [past, participle] */
  readonly verbs: readonly (readonly [string, string])[][];
  readonly objects: readonly string[][];
  readonly places: readonly { prep: string; names: string[] }[];
}

/**
 * domain('kitchen', 'chef|cook baker', 'baked cooked|prepared burned', …):
 * space-separated meanings, "|"-separated synonyms; a verb is "past" or
 * "past/participle"; a place is "prep:name|name".
 */
function domain(name: string, subjects: string, verbs: string, objects: string, places: string): EventDomain {
  return {
    name,
    subjects: groups(subjects),
    verbs: groups(verbs).map((g) => g.map((v) => (v.includes('/') ? v.split('/') : [v, v]) as [string, string])),
    objects: groups(objects),
    places: words(places).map((p) => ({ prep: p.split(':')[0], names: p.split(':')[1].split('|') })),
  };
}

/**
 * Events come from small worlds: who does what to which thing where. A
 * sentence mixing two worlds ("the chef graded a cake at the stadium") is
 * how the similarity task makes partly similar pairs.
 */
export const EVENT_DOMAINS: readonly EventDomain[] = [
  domain('kitchen', 'chef|cook baker', 'baked cooked|prepared burned', 'cake soup|stew pie', 'in:kitchen in:bakery'),
  domain(
    'school',
    'teacher|instructor student|pupil',
    'wrote/written graded|marked read',
    'essay exam|test poem',
    'in:classroom in:library',
  ),
  domain(
    'sport',
    'coach|trainer player|athlete',
    'won/won lost/lost watched',
    'match|game race tournament',
    'at:stadium at:gym',
  ),
  domain(
    'music',
    'singer|vocalist pianist',
    'performed|played recorded rehearsed|practiced',
    'song|tune concert album',
    'at:theater at:studio',
  ),
  domain(
    'garden',
    'farmer gardener',
    'planted watered picked|harvested',
    'tree rose|flower tomato',
    'in:garden|yard in:field',
  ),
  domain(
    'travel',
    'pilot|captain tourist|traveler',
    'booked|reserved cancelled missed',
    'flight ticket tour|trip',
    'at:airport at:station',
  ),
  domain(
    'medicine',
    'doctor|physician nurse',
    'examined|checked treated visited',
    'patient wound|injury infant|baby',
    'at:hospital|clinic at:pharmacy',
  ),
  domain(
    'office',
    'manager|boss clerk|secretary',
    'signed printed filed',
    'contract letter report',
    'in:office at:bank',
  ),
];

export const SUBJECT_DETERMINERS = ['the', 'my', 'our', 'a'];

/** Time phrases; decoration only (never scored), kept or paraphrased in B. */
export const TIMES = groups(
  'yesterday today last_week last_night|yesterday_evening on_monday on_friday this_morning last_year recently|lately last_month at_noon|at_midday',
);

/** Words that only the templates write (reviews.ts, events.ts). */
export const TEMPLATE_WORDS = words(
  'the a an was is not never at all but although and i would recommend did neither nor by . , tried',
);

/** Every word and punctuation mark the generators can write, split into single tokens. */
export function lexiconTokens(): string[] {
  const phrases: string[] = [
    ...Object.values(ASPECTS).flat(),
    ...POSITIVE_ADJECTIVES,
    ...NEGATIVE_ADJECTIVES,
    ...NEUTRAL_ADJECTIVES,
    ...[...POSITIVE_VERBS, ...NEGATIVE_VERBS].flat(),
    ...INTENSIFIERS,
    ...OPENERS,
    ...TAILS,
    ...REVIEWERS,
    ...RECOMMEND_POSITIVE,
    ...RECOMMEND_NEGATIVE,
    ...NEUTRAL_VERBS,
    ...SUBJECT_DETERMINERS,
    ...EVENT_DOMAINS.flatMap((d) => [
      ...d.subjects.flat(),
      ...d.verbs.flat(2),
      ...d.objects.flat(),
      ...d.places.flatMap((p) => [p.prep, ...p.names]),
    ]),
    ...TIMES.flat(),
    ...TEMPLATE_WORDS,
  ];
  return [...new Set(phrases.flatMap(words))];
}
