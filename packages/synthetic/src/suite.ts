/**
 * The suite generator: every task's train/dev/test examples as a pure
 * function of (seed, scale). Examples are drawn stratum by stratum (label, or
 * similarity level), so labels are exactly balanced, and a sentence is never
 * used twice anywhere in the suite, so dev and test never overlap train.
 */
import { CamtlError, Rng } from '@camtl/core';
import {
  EVENT_SLOTS,
  changeWithinDomain,
  mixEvent,
  otherDomain,
  randomEvent,
  realizePair,
  type EventMeaning,
} from './events';
import { review, type Opinion } from './reviews';
import { SIMILARITY_NOISE, SPLITS, TASK_SPECS, type SplitName, type SyntheticTaskSpec } from './specs';
import { chance } from './text';

/** Bumped whenever the same (seed, scale) would produce different files; for caches. */
export const SUITE_VERSION = 1;

export interface SyntheticExample {
  textA: string;
  textB?: string;
  /** As written in the TSV: a class label, or a score in [0, 5] with two decimals. */
  label: string;
}

export interface SyntheticTask extends SyntheticTaskSpec {
  readonly splits: Readonly<Record<SplitName, SyntheticExample[]>>;
}

export interface SuiteOptions {
  /** Any integer (its low 32 bits pick the streams); default 0. */
  seed?: number;
  /** Multiplies every split size (rounded to whole strata, at least one example per stratum); default 1. */
  scale?: number;
}

export interface SyntheticSuite {
  readonly version: number;
  readonly seed: number;
  readonly scale: number;
  readonly tasks: SyntheticTask[];
}

type Generator = (rng: Rng, stratum: string) => SyntheticExample;

/** Share of paraphrase negatives that are near misses rather than unrelated events. */
export const NEAR_MISS_RATE = 0.2;

/**
 * B for a paraphrase negative, "about something else": four times in five an
 * event of another world, otherwise a near miss in the same world with two of
 * the four slots changed (half its words shared: needs a word-by-word
 * comparison, so it is what a small model gets last).
 */
function negativeEvent(rng: Rng, a: EventMeaning): EventMeaning {
  if (chance(rng, NEAR_MISS_RATE)) return changeWithinDomain(rng, a, 2);
  return mixEvent(rng, a, 0, otherDomain(rng, a));
}

function paraphrase(rng: Rng, label: string): SyntheticExample {
  const a = randomEvent(rng);
  const [textA, textB] = realizePair(rng, a, label === '1' ? a : negativeEvent(rng, a));
  return { textA, textB, label };
}

/** `stratum` of the four slots kept (possibly as synonyms), the others from another world; score ≈ 5 · kept / 4. */
function similarity(rng: Rng, stratum: string): SyntheticExample {
  const kept = Number(stratum);
  const a = randomEvent(rng);
  const [textA, textB] = realizePair(rng, a, mixEvent(rng, a, kept, otherDomain(rng, a)));
  const exact = (5 * kept) / EVENT_SLOTS.length;
  const score = Math.min(5, Math.max(0, exact + SIMILARITY_NOISE * rng.normal()));
  return { textA, textB, label: score.toFixed(2) };
}

const GENERATORS: Record<string, Generator> = {
  'synthetic-sentiment': (rng, label) => ({ textA: review(rng, label === '1' ? 'positive' : 'negative'), label }),
  'synthetic-paraphrase': paraphrase,
  'synthetic-similarity': similarity,
  'synthetic-polarity': (rng, label) => ({ textA: review(rng, label as Opinion), label }),
};

/** Each task draws from its own stream, derived from the seed and its name. */
function taskSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
}

const strataWeight = (spec: SyntheticTaskSpec, i: number): number => spec.strataWeights?.[i] ?? 1;
const strataTotal = (spec: SyntheticTaskSpec): number => spec.strata.reduce((s, _, i) => s + strataWeight(spec, i), 0);

/** Split sizes at `scale`: whole strata, at least one example per stratum. */
export function splitSizes(spec: SyntheticTaskSpec, scale = 1): Record<SplitName, number> {
  const k = strataTotal(spec);
  const size = (n: number) => k * Math.max(1, Math.round((n * scale) / k));
  return { train: size(spec.sizes.train), dev: size(spec.sizes.dev), test: size(spec.sizes.test) };
}

const MAX_TRIES = 500;

/** An example whose first text has not been used anywhere in the suite yet. */
function drawNew(rng: Rng, make: Generator, stratum: string, seen: Set<string>, task: string): SyntheticExample {
  for (let i = 0; i < MAX_TRIES; i++) {
    const ex = make(rng, stratum);
    if (!seen.has(ex.textA)) {
      seen.add(ex.textA);
      return ex;
    }
  }
  throw new CamtlError(
    'BAD_CONFIG',
    `${task}: no new "${stratum}" example after ${MAX_TRIES} draws`,
    'the scale is too large for the synthetic lexicon; use a smaller --scale',
  );
}

function generateTask(spec: SyntheticTaskSpec, seed: number, scale: number, seen: Set<string>): SyntheticTask {
  const rng = new Rng(taskSeed(seed, spec.name));
  const make = GENERATORS[spec.name];
  const sizes = splitSizes(spec, scale);
  const splits = {} as Record<SplitName, SyntheticExample[]>;
  for (const split of SPLITS) {
    const unit = sizes[split] / strataTotal(spec);
    const examples = spec.strata.flatMap((s, i) =>
      Array.from({ length: unit * strataWeight(spec, i) }, () => drawNew(rng, make, s, seen, spec.name)),
    );
    splits[split] = rng.shuffle(examples);
  }
  return { ...spec, splits };
}

function checkOptions(seed: number, scale: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new CamtlError('BAD_CONFIG', `synthetic suite: seed must be an integer, got ${seed}`);
  }
  if (!(Number.isFinite(scale) && scale > 0)) {
    throw new CamtlError('BAD_CONFIG', `synthetic suite: scale must be a positive number, got ${scale}`);
  }
}

/** The whole suite; the same options always give the same examples in the same order. */
export function generateSuite(options: SuiteOptions = {}): SyntheticSuite {
  const { seed = 0, scale = 1 } = options;
  checkOptions(seed, scale);
  const seen = new Set<string>();
  const tasks = TASK_SPECS.map((spec) => generateTask(spec, seed, scale, seen));
  return { version: SUITE_VERSION, seed, scale, tasks };
}
