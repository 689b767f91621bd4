/**
 * Dropout's keep mask, scaled: each element is 0 with probability `rate` and
 * 1 / (1 − rate) otherwise, so dropout is one multiply. tf.dropout draws a
 * float per element with seedrandom's alea in JS and then makes four passes
 * (add, floor, divide, multiply): 34 ms for a bert-mini attention map. An
 * xorshift128 stream compared against an integer threshold fills the same
 * mask in ~2 ms. The stream is JS, so every backend draws the same mask.
 */

/** splitmix32: spreads one 32-bit seed over the four state words. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
  const next = splitmix32(seed);
  let a = next() | 1; // xorshift128 must not start from all zeros
  let b = next();
  let c = next();
  let d = next();
  const threshold = Math.floor(rate * 2 ** 32); // drop when the draw is below it
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const t = a ^ (a << 11);
    a = b;
    b = c;
    c = d;
    d = d ^ (d >>> 19) ^ (t ^ (t >>> 8));
    mask[i] = d >>> 0 < threshold ? 0 : keep;
  }
  return mask;
}
