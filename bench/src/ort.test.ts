import { describe, expect, it } from 'vitest';
import { VOCAB } from './configs';
import { torchLikeInputs } from './ort';

describe('torchLikeInputs', () => {
  it("follows the torch script's batch: ids in [5, vocab), type 1 on the second half, 16 padded on even rows", () => {
    const { ids, types, mask } = torchLikeInputs(4, 128, 0);
    expect(ids).toHaveLength(512);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...ids)).toBeLessThan(VOCAB);
    expect(types.slice(0, 128)).toEqual([...Array(64).fill(0), ...Array(64).fill(1)]);
    const rowSum = (r: number) => mask.slice(r * 128, (r + 1) * 128).reduce<number>((a, b) => a + b, 0);
    expect([0, 1, 2, 3].map(rowSum)).toEqual([112, 128, 112, 128]);
  });

  it('never pads a short row away completely, and is seeded', () => {
    const { mask } = torchLikeInputs(2, 8, 1);
    expect(mask.slice(0, 8)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(torchLikeInputs(2, 8, 1).ids).toEqual(torchLikeInputs(2, 8, 1).ids);
    expect(torchLikeInputs(2, 8, 2).ids).not.toEqual(torchLikeInputs(2, 8, 1).ids);
  });
});
