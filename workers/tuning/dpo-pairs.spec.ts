import { describe, expect, it } from 'vitest';
import { buildGrid, buildPreferenceSet, countGridPairs, gridPairs, queryPairs } from './dpo-pairs';
import type { DpoGridSettings } from './protocol';
import { mulberry32 } from './random';

function library(n: number, seed: number) {
  const random = mulberry32(seed);
  const ranking = Array.from({ length: n }, (_, i) => 1000 + i * 7);
  const beauty = new Map(ranking.map((id) => [id, random()]));
  return { ranking, beauty };
}

/** Brute force: every ordered pair of grid positions where the first dominates. */
function bruteForceCount(u: number, v: number): number {
  let count = 0;
  for (let a = 0; a < u * v; a++) {
    for (let b = 0; b < u * v; b++) {
      const [r1, c1, r2, c2] = [Math.floor(a / v), a % v, Math.floor(b / v), b % v];
      if (a !== b && r1 <= r2 && c1 <= c2) count++;
    }
  }
  return count;
}

function positions(grid: number[][]): Map<number, [number, number]> {
  const where = new Map<number, [number, number]>();
  grid.forEach((row, r) => row.forEach((id, c) => where.set(id, [r, c])));
  return where;
}

describe('D_po grid pairs', () => {
  it('matches u(u+1)v(v+1)/4 − uv for full grids, including single rows and columns', () => {
    const { ranking, beauty } = library(200, 1);
    for (const [u, v] of [
      [1, 1],
      [1, 4],
      [4, 1],
      [2, 2],
      [3, 5],
      [5, 5],
    ] as const) {
      const settings: DpoGridSettings = { k: 200, u, v, s: 3, seed: 9 };
      const result = queryPairs({ queryText: 'dog', ranking }, beauty, settings);
      expect(result.grid.flat()).toHaveLength(u * v);
      expect(result.pairs).toHaveLength(countGridPairs(u, v));
      expect(countGridPairs(u, v)).toBe(bruteForceCount(u, v));
    }
    expect(countGridPairs(1, 1)).toBe(0);
    expect(countGridPairs(2, 2)).toBe(5);
  });

  it('samples every s-th item into semantic bands, each sorted by beauty', () => {
    const { ranking, beauty } = library(120, 2);
    const settings: DpoGridSettings = { k: 100, u: 4, v: 5, s: 5, seed: 3 };
    const grid = buildGrid({ queryText: 'beach', ranking }, beauty, settings);
    const rankOf = (id: number) => ranking.indexOf(id);
    const sampledRanks = grid.flat().map(rankOf);
    const sortedRanks = [...sampledRanks].sort((a, b) => a - b);
    for (let i = 1; i < sortedRanks.length; i++) {
      expect(sortedRanks[i]! - sortedRanks[i - 1]!).toBe(5);
    }
    expect(sortedRanks[sortedRanks.length - 1]!).toBeLessThan(100);
    for (let r = 0; r < grid.length; r++) {
      const row = grid[r]!;
      for (let c = 1; c < row.length; c++) {
        expect(beauty.get(row[c - 1]!)!).toBeGreaterThanOrEqual(beauty.get(row[c]!)!);
      }
      if (r > 0) {
        expect(Math.max(...grid[r - 1]!.map(rankOf))).toBeLessThan(Math.min(...row.map(rankOf)));
      }
    }
  });

  it('never emits a pair that contradicts the grid order', () => {
    const { ranking, beauty } = library(300, 3);
    const result = queryPairs({ queryText: 'city at night', ranking }, beauty, {
      k: 300,
      u: 6,
      v: 7,
      s: 4,
      seed: 1,
    });
    const where = positions(result.grid);
    for (const pair of result.pairs) {
      const [rw, cw] = where.get(pair.winner)!;
      const [rl, cl] = where.get(pair.loser)!;
      expect(rw <= rl && cw <= cl && (rw < rl || cw < cl)).toBe(true);
      expect(pair.origin).toBe('auto');
      expect(pair.queryText).toBe('city at night');
    }
  });

  it('is deterministic for a seed, and the seed moves the sampling offset', () => {
    const { ranking, beauty } = library(200, 4);
    const queries = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((queryText) => ({
      queryText,
      ranking,
    }));
    const settings: DpoGridSettings = { k: 200, u: 3, v: 3, s: 8, seed: 5 };
    const first = buildPreferenceSet(queries, beauty, settings);
    const again = buildPreferenceSet(queries, beauty, settings);
    expect(again.pairs).toEqual(first.pairs);
    const other = buildPreferenceSet(queries, beauty, { ...settings, seed: 6 });
    expect(other.perQuery.map((q) => q.grid)).not.toEqual(first.perQuery.map((q) => q.grid));
  });

  it('drops same-row pairs whose beauty ties, and only those', () => {
    // One row of four with two equal scores; a second row that ties with the first across rows.
    const beauty = new Map([
      [1, 0.9],
      [2, 0.5],
      [3, 0.5],
      [4, 0.1],
      [5, 0.5],
      [6, 0.2],
    ]);
    const grid = [
      [1, 2, 3, 4],
      [5, 6],
    ];
    const { pairs, ties } = gridPairs('q', grid, beauty);
    expect(ties).toBe(1);
    expect(pairs.some((p) => p.winner === 2 && p.loser === 3)).toBe(false);
    // Across rows an equal score is still ordered by the grid.
    expect(pairs.some((p) => p.winner === 2 && p.loser === 5)).toBe(false);
    expect(pairs.some((p) => p.winner === 1 && p.loser === 5)).toBe(true);
    for (const p of pairs) {
      const sameRow = grid.some((row) => row.includes(p.winner) && row.includes(p.loser));
      if (sameRow) expect(beauty.get(p.winner)).not.toBe(beauty.get(p.loser));
    }
  });

  it('leaves unscored photos out and builds a partial grid from a short ranking', () => {
    const beauty = (id: number) => (id % 2 === 0 ? id / 100 : undefined);
    const ranking = Array.from({ length: 14 }, (_, i) => i);
    const grid = buildGrid({ queryText: 'x', ranking }, beauty, {
      k: 100,
      u: 3,
      v: 3,
      s: 1,
      seed: 0,
    });
    expect(grid.flat().every((id) => id % 2 === 0)).toBe(true);
    expect(grid.map((row) => row.length)).toEqual([3, 3, 1]);
  });

  it('sums pairs over queries and refuses a zero-sized grid', () => {
    const { ranking, beauty } = library(100, 6);
    const set = buildPreferenceSet(
      [
        { queryText: 'one', ranking },
        { queryText: 'two', ranking: ranking.slice(10) },
      ],
      beauty,
      { k: 100, u: 2, v: 3, s: 2, seed: 1 },
    );
    expect(set.total).toBe(2 * countGridPairs(2, 3));
    expect(set.pairs).toHaveLength(set.total);
    expect(set.perQuery.map((q) => q.queryText)).toEqual(['one', 'two']);
    expect(() =>
      buildGrid({ queryText: 'q', ranking }, beauty, { k: 10, u: 0, v: 2, s: 1, seed: 1 }),
    ).toThrow(/u must be a positive integer/);
  });
});
