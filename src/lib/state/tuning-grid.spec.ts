import { describe, expect, it } from 'vitest';
import { expectedPairsPerQuery, gridProblem } from './tuning-grid';

/** Dominance pairs by brute force over the grid's positions, as the worker's grid emits them. */
function bruteForce(k: number, u: number, v: number, s: number): number {
  const sampled = Math.min(u * v, Math.ceil(k / s));
  const cells = Array.from({ length: sampled }, (_, i) => ({ row: Math.floor(i / v), col: i % v }));
  let pairs = 0;
  for (const a of cells) {
    for (const b of cells) {
      const dominates = a.row <= b.row && a.col <= b.col && (a.row < b.row || a.col < b.col);
      if (dominates) pairs++;
    }
  }
  return pairs;
}

describe('expected D_po pairs per query', () => {
  it('matches u(u+1)v(v+1)/4 − uv for full grids', () => {
    for (const [u, v] of [
      [5, 5],
      [3, 4],
      [1, 6],
      [7, 2],
    ] as const) {
      const s = 2;
      const grid = { k: u * v * s, u, v, s, seed: 1 };
      expect(expectedPairsPerQuery(grid)).toBe((u * (u + 1) * v * (v + 1)) / 4 - u * v);
    }
  });

  it('counts partial grids (a short top-K) position by position', () => {
    for (const [k, u, v, s] of [
      [10, 5, 5, 4],
      [23, 4, 3, 2],
      [7, 3, 3, 1],
      [1, 5, 5, 4],
    ] as const) {
      expect(expectedPairsPerQuery({ k, u, v, s, seed: 0 })).toBe(bruteForce(k, u, v, s));
    }
  });

  it('is 0 for unusable settings, which gridProblem names', () => {
    const bad = { k: 100, u: 0, v: 5, s: 4, seed: 1 };
    expect(expectedPairsPerQuery(bad)).toBe(0);
    expect(gridProblem(bad)).toMatch(/^U must/);
    expect(gridProblem({ k: 100, u: 5, v: 5, s: 4, seed: -1 })).toMatch(/seed/);
    expect(gridProblem({ k: 100, u: 5, v: 5, s: 4, seed: 0 })).toBeNull();
  });
});
