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

/** Words for each slot, with a synonym drawn from every group. */
function wordsOf(rng: Rng, e: EventMeaning) {
  const d = (v: SlotValue) => EVENT_DOMAINS[v.domain];
  const noun = pick(rng, d(e.subject).subjects[e.subject.group]);
  const [past, participle] = pick(rng, d(e.verb).verbs[e.verb.group]);
  const thing = pick(rng, d(e.object).objects[e.object.group]);
  const place = d(e.place).places[e.place.group];
  return {
    who: [e.determiner === 'a' ? article(noun) : e.determiner, noun].join(' '),
    past,
    participle,
    what: [article(thing), thing].join(' '),
    where: [place.prep, 'the', pick(rng, place.names)].join(' '),
    when: e.time === null ? undefined : pick(rng, TIMES[e.time]),
  };
}

/** One sentence expressing the event, in a randomly chosen word order. */
export function realize(rng: Rng, e: EventMeaning): string {
  const w = wordsOf(rng, e);
  const forms: [Form, number][] = [
    ['active', 4],
    ['timeFirst', w.when ? 2 : 0],
    ['placeFirst', 2],
    ['passive', 2],
  ];
  switch (weighted(rng, forms)) {
    case 'timeFirst':
      return sentence([w.when, ',', w.who, w.past, w.what, w.where, '.']);
    case 'placeFirst':
      return sentence([w.where, ',', w.who, w.past, w.what, w.when, '.']);
    case 'passive':
      return sentence([w.what, 'was', w.participle, 'by', w.who, w.where, w.when, '.']);
    default:
      return sentence([w.who, w.past, w.what, w.where, w.when, '.']);
  }
}

/** A realisation of `e` that differs from `a` as text (GLUE pairs are never identical strings). */
export function realizeOther(rng: Rng, e: EventMeaning, a: string): string {
  for (let i = 0; i < 50; i++) {
    const b = realize(rng, e);
    if (b !== a) return b;
  }
  return realize(rng, e);
}

/** How many meaning slots two events share. */
export function sharedSlots(a: EventMeaning, b: EventMeaning): number {
  return EVENT_SLOTS.filter((s) => a[s].domain === b[s].domain && a[s].group === b[s].group).length;
}
