import { describe, expect, it } from 'vitest';
import { relevanceOf } from './taste-orders';

describe("the chooser's relevance", () => {
  it('is 1 at the best photo for a query and 0 at the library mean, as search measures it', () => {
    const dim = 3;
    // Four photos along the axes and their mix; the query points along x.
    const rows = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0.6, 0.8, 0],
    ];
    const matrix = {
      model: 'm',
      dim,
      ids: Uint32Array.from([10, 20, 30, 40]),
      vectors: Float32Array.from(rows.flat()),
    };
    const query = { text: 'x', embedding: Float32Array.from([1, 0, 0]) };
    const relevance = relevanceOf(matrix, [query]);
    // Cosines 1, 0, 0, 0.6: mean 0.4, best 1.
    expect(relevance('x', 10)).toBeCloseTo(1, 6);
    expect(relevance('x', 40)).toBeCloseTo((0.6 - 0.4) / 0.6, 6);
    expect(relevance('x', 20)).toBeCloseTo(-0.4 / 0.6, 6);
    // A photo or a query it was not given has no relevance.
    expect(relevance('x', 99)).toBeNaN();
    expect(relevance('y', 10)).toBeNaN();
  });
});
