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
  realize,
  realizeOther,
  type EventMeaning,
} from './events';
import { review, type Opinion } from './reviews';
import { SIMILARITY_NOISE, SPLITS, TASK_SPECS, type SplitName, type SyntheticTaskSpec } from './specs';
import { weighted } from './text';

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
  /** Any integer; default 0. */
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

type NegativeKind = 'unrelated' | 'mixed' | 'sameWorld';

/** B for a paraphrase negative: about something else, in one of three ways. */
function negativeEvent(rng: Rng, a: EventMeaning): EventMeaning {
  const kind = weighted<NegativeKind>(rng, [
    ['unrelated', 2], // another world altogether
    ['mixed', Number(globalThis.process?.env?.MIXW ?? 1)], // one or two slots from another world
    ['sameWorld', Number(globalThis.process?.env?.SAMEW ?? 1)], // two slots changed within the world: needs word-level comparison
  ]);
  if (kind === 'sameWorld') return changeWithinDomain(rng, a, 2);
  return mixEvent(rng, a, kind === 'unrelated' ? 0 : 2 + rng.int(2), otherDomain(rng, a));
}

function paraphrase(rng: Rng, label: string): SyntheticExample {
  const a = randomEvent(rng);
  const textA = realize(rng, a);
  if (globalThis.process?.env?.AGREE) {
    const pa = rng.next() < 0.5;
    const pb = label === '1' ? pa : !pa;
    return { textA: review(rng, pa ? 'positive' : 'negative'), textB: review(rng, pb ? 'positive' : 'negative'), label };
  }
  const easy = globalThis.process?.env?.PARA_EASY;
  if (easy) {
    const b = label === '1' ? a : mixEvent(rng, a, 0, otherDomain(rng, a));
    return { textA, textB: easy === '2' ? realize(rng, b) : label === '1' ? textA : realize(rng, b), label };
  }
  const b = label === '1' ? a : negativeEvent(rng, a);
  return { textA, textB: realizeOther(rng, b, textA), label };
}

/** `stratum` slots kept (possibly as synonyms), the others from another world; score ≈ 5 · kept / 4. */
function similarity(rng: Rng, stratum: string): SyntheticExample {
  const kept = Number(stratum);
  const a = randomEvent(rng);
  const textA = realize(rng, a);
  const textB = realizeOther(rng, mixEvent(rng, a, kept, otherDomain(rng, a)), textA);
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

/** Split sizes at `scale`: whole strata, at least one example per stratum. */
export function splitSizes(spec: SyntheticTaskSpec, scale = 1): Record<SplitName, number> {
  const k = spec.strata.length;
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
    const perStratum = sizes[split] / spec.strata.length;
    const examples = spec.strata.flatMap((s) =>
      Array.from({ length: perStratum }, () => drawNew(rng, make, s, seen, spec.name)),
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
