import { describe, expect, it } from 'vitest';
import { topK } from './top-k';

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function naive(vectors: Float32Array, dim: number, ids: Uint32Array, q: Float32Array, k: number) {
  const scores = Array.from(ids, (id, row) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[row * dim + j]! * q[j]!;
    return { id, score: s };
  });
  // Array.prototype.sort is stable: equal scores stay in storage order.
  return scores.sort((a, b) => b.score - a.score).slice(0, k);
}

describe('topK', () => {
  it('returns the same hits, in the same order, as sorting every score', () => {
    const rand = seeded(7);
    for (const dim of [3, 64, 67]) {
      const n = 2000;
      const vectors = Float32Array.from({ length: n * dim }, rand);
      const ids = Uint32Array.from({ length: n }, (_, i) => 10_000 + i * 3);
      const q = Float32Array.from({ length: dim }, rand);
      const got = topK(vectors, dim, ids, q, 25);
      const want = naive(vectors, dim, ids, q, 25);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 4));
    }
  });

  it('returns everything, best first, when k exceeds the library', () => {
    const vectors = new Float32Array([1, 0, 0, 1, 0.7, 0.7]);
    const hits = topK(vectors, 2, new Uint32Array([1, 2, 3]), new Float32Array([1, 0]), 10);
    expect(hits.map((h) => h.id)).toEqual([1, 3, 2]);
  });

  it('returns nothing for an empty library or k = 0', () => {
    expect(topK(new Float32Array(), 4, new Uint32Array(), new Float32Array(4), 5)).toEqual([]);
    expect(topK(new Float32Array([1]), 1, new Uint32Array([1]), new Float32Array([1]), 0)).toEqual(
      [],
    );
  });

  it('leaves out the excluded photo (more like this never returns the photo itself)', () => {
    const vectors = new Float32Array([1, 0, 0.9, 0.1, 0, 1]);
    const hits = topK(
      vectors,
      2,
      new Uint32Array([5, 6, 7]),
      new Float32Array([1, 0]),
      2,
      (id) => id === 5,
    );
    expect(hits.map((h) => h.id)).toEqual([6, 7]);
  });

  it('breaks ties by storage order so repeated searches are stable', () => {
    const vectors = new Float32Array([1, 1, 1, 1]);
    const hits = topK(vectors, 1, new Uint32Array([9, 4, 7, 2]), new Float32Array([1]), 3);
    expect(hits.map((h) => h.id)).toEqual([9, 4, 7]);
  });
});
