/**
 * Event sentences ("my chef baked a cake in the kitchen yesterday .") for the
 * pair tasks. An event is four meaning slots (who, did what, to what, where)
 * plus a time phrase; each slot holds a synonym group of one small world
 * (EVENT_DOMAINS), not a word. Realising an event picks a member of each group
 * and one of four word orders (active, time first, place first, passive), so
 * two realisations of one event mean the same but share only part of their
 * words. Pairs that differ do so by slots taken from another world (which a
 * small model can learn to notice quickly) or by other groups of the same
 * world (which needs a word-by-word comparison).
 */
import type { Rng } from '@camtl/core';
import { EVENT_DOMAINS, SUBJECT_DETERMINERS, TIMES, type EventDomain } from './lexicon';
import { article, chance, otherIndex, pick, sentence, weighted } from './text';

/** The meaning slots. */
export const EVENT_SLOTS = ['subject', 'verb', 'object', 'place'] as const;
export type EventSlot = (typeof EVENT_SLOTS)[number];

/** A slot's meaning: a synonym group of one domain. */
export interface SlotValue {
  domain: number;
  group: number;
}

export interface EventMeaning extends Record<EventSlot, SlotValue> {
  determiner: string;
  /** A TIMES group, or null for no time phrase. */
  time: number | null;
}

const GROUPS: Record<EventSlot, (d: EventDomain) => number> = {
  subject: (d) => d.subjects.length,
  verb: (d) => d.verbs.length,
  object: (d) => d.objects.length,
  place: (d) => d.places.length,
};

const slotIn = (rng: Rng, slot: EventSlot, domain: number): SlotValue => ({
  domain,
  group: rng.int(GROUPS[slot](EVENT_DOMAINS[domain])),
});

/** An event of one world (`domain`, or a random one). */
export function randomEvent(rng: Rng, domain = rng.int(EVENT_DOMAINS.length)): EventMeaning {
  const e = { determiner: pick(rng, SUBJECT_DETERMINERS), time: chance(rng, 0.5) ? rng.int(TIMES.length) : null };
  const slots = Object.fromEntries(EVENT_SLOTS.map((s) => [s, slotIn(rng, s, domain)]));
  return { ...e, ...(slots as Record<EventSlot, SlotValue>) };
}

/** A world other than the event's own (its subject's). */
export function otherDomain(rng: Rng, e: EventMeaning): number {
  return otherIndex(rng, e.subject.domain, EVENT_DOMAINS.length);
}

/**
 * The event with all but `keep` of its slots taken from world `domain`.
 * Keeping none gives an unrelated event, with its own determiner and time.
 */
export function mixEvent(rng: Rng, e: EventMeaning, keep: number, domain: number): EventMeaning {
  if (keep <= 0) return { ...randomEvent(rng, domain), time: e.time === null ? null : rng.int(TIMES.length) };
  const out = { ...e };
  for (const s of rng.shuffle([...EVENT_SLOTS]).slice(keep)) out[s] = slotIn(rng, s, domain);
  return out;
}

/** The event with `count` slots moved to another meaning of the same world. */
export function changeWithinDomain(rng: Rng, e: EventMeaning, count: number): EventMeaning {
  const out = { ...e };
  for (const s of rng.shuffle([...EVENT_SLOTS]).slice(0, count)) {
    const n = GROUPS[s](EVENT_DOMAINS[e[s].domain]);
    out[s] = { domain: e[s].domain, group: otherIndex(rng, e[s].group, n) };
  }
  return out;
}

type Form = 'active' | 'timeFirst' | 'placeFirst' | 'passive';

/** The words chosen for an event's slots (one member of each synonym group). */
interface Words {
  subject: string;
  verb: readonly [string, string];
  object: string;
  place: string;
  time?: string;
}

/** The synonym groups an event's slots point to. */
function groupsOf(e: EventMeaning) {
  const d = (v: SlotValue) => EVENT_DOMAINS[v.domain];
  return {
    subject: d(e.subject).subjects[e.subject.group],
    verb: d(e.verb).verbs[e.verb.group],
    object: d(e.object).objects[e.object.group],
    place: d(e.place).places[e.place.group].names,
    time: e.time === null ? undefined : TIMES[e.time],
  };
}

/** Any member of each group. */
function pickWords(rng: Rng, e: EventMeaning): Words {
  const g = groupsOf(e);
  const time = g.time && pick(rng, g.time);
  return {
    subject: pick(rng, g.subject),
    verb: pick(rng, g.verb),
    object: pick(rng, g.object),
    place: pick(rng, g.place),
    time,
  };
}

/** A member of `group` other than `word` when there is one (a synonym), else `word`. */
function synonym<T>(rng: Rng, group: readonly T[], word: T): T {
  const others = group.filter((w) => w !== word);
  return others.length > 0 ? pick(rng, others) : word;
}

/**
 * Words for B: a slot that means what it meant in A keeps A's word, or (with
 * probability `synonymRate`) takes a synonym; other slots get any member.
 * Mostly-shared words are what a small model trained from scratch picks up
 * first; the synonyms are what it has to learn on top.
 */
function wordsLike(rng: Rng, b: EventMeaning, a: EventMeaning, aw: Words, synonymRate: number): Words {
  const fresh = pickWords(rng, b);
  const g = groupsOf(b);
  const same = (s: EventSlot) => a[s].domain === b[s].domain && a[s].group === b[s].group;
  const keep = <T>(s: EventSlot, group: readonly T[], word: T, other: T): T =>
    !same(s) ? other : chance(rng, synonymRate) ? synonym(rng, group, word) : word;
  return {
    subject: keep('subject', g.subject, aw.subject, fresh.subject),
    verb: keep('verb', g.verb, aw.verb, fresh.verb),
    object: keep('object', g.object, aw.object, fresh.object),
    place: keep('place', g.place, aw.place, fresh.place),
    time: a.time === b.time ? aw.time : fresh.time,
  };
}

/** One sentence for the event's words, in a randomly chosen word order. */
function render(rng: Rng, e: EventMeaning, w: Words): string {
  const who = [e.determiner === 'a' ? article(w.subject) : e.determiner, w.subject].join(' ');
  const what = [article(w.object), w.object].join(' ');
  const place = EVENT_DOMAINS[e.place.domain].places[e.place.group];
  const where = [place.prep, 'the', w.place].join(' ');
  const [past, participle] = w.verb;
  const forms: [Form, number][] = [
    ['active', 4],
    ['timeFirst', w.time ? 2 : 0],
    ['placeFirst', 2],
    ['passive', 2],
  ];
  switch (weighted(rng, forms)) {
    case 'timeFirst':
      return sentence([w.time, ',', who, past, what, where, '.']);
    case 'placeFirst':
      return sentence([where, ',', who, past, what, w.time, '.']);
    case 'passive':
      return sentence([what, 'was', participle, 'by', who, where, w.time, '.']);
    default:
      return sentence([who, past, what, where, w.time, '.']);
  }
}

/** Share of B's slots that keep A's meaning but are written with a synonym. */
export const SYNONYM_RATE = 0.2;

/**
 * Sentences for events `a` and `b`: B reuses A's words where the meaning is
 * the same (see wordsLike) and is never the same string as A (GLUE pairs
 * never are; re-rendering changes the word order).
 */
export function realizePair(rng: Rng, a: EventMeaning, b: EventMeaning): [string, string] {
  const aw = pickWords(rng, a);
  const textA = render(rng, a, aw);
  const bw = wordsLike(rng, b, a, aw, SYNONYM_RATE);
  for (let i = 0; i < 50; i++) {
    const textB = render(rng, b, bw);
    if (textB !== textA) return [textA, textB];
  }
  // Only reachable when every form renders alike; a synonym then tells them apart.
  return [textA, render(rng, b, wordsLike(rng, b, a, aw, 1))];
}
