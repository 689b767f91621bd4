// Comparisons for backend and conformance tests (part of @camtl/core/testing).

/** Max |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Largest violation of |a − ref| ≤ atol + rtol·|ref| (≤ 0 means it holds). */
export function worstViolation(a: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== ref.length) throw new Error(`length ${a.length} vs ${ref.length}`);
  let worst = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i] - ref[i]) - (atol + rtol * Math.abs(ref[i]));
    if (!(v <= worst)) worst = Number.isNaN(v) ? Infinity : Math.max(worst, v);
  }
  return a.length === 0 ? 0 : worst;
}
