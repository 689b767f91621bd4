/**
 * Small helpers the generators share: seeded choices and sentence assembly.
 * Every random draw goes through the caller's `Rng`, so a suite is a pure
 * function of its seed.
 */
import type { Rng } from '@camtl/core';

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)];
}

export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

/** One item, drawn with probability proportional to its weight. */
export function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1][0];
}

/** A different index in [0, n): used to change a slot to a non-synonym. */
export function otherIndex(rng: Rng, current: number, n: number): number {
  return (current + 1 + rng.int(n - 1)) % n;
}

/** The indefinite article for the word that follows (the lexicon avoids "hour"/"use"-type exceptions). */
export function article(next: string): 'a' | 'an' {
  return /^[aeiou]/.test(next) ? 'an' : 'a';
}

/**
 * Joins parts into a GLUE-style sentence: tokens separated by single spaces,
 * punctuation set apart (as in SST-2), empty parts dropped.
 */
export function sentence(parts: readonly (string | false | null | undefined)[]): string {
  return parts
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
