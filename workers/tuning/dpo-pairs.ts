/**
 * The partial-order preference set D_po (DESIGN.md step 4). For one query the
 * semantic top-K is sampled with stride s into a u×v grid: row i holds the i-th band
 * of v sampled items in semantic order, and each row is sorted by beauty. A grid
 * position is preferred over another when it is at least as good on both axes
 * (row = relevance, column = beauty) and better on one.
 */
import { DEFAULT_DPO_GRID, type DpoGridSettings, type PreferencePair } from './protocol';
import { hashString, mulberry32 } from './random';

/** A beauty score per photo id; undefined (or NaN) when the photo has none. */
export type BeautyLookup = ReadonlyMap<number, number> | ((id: number) => number | undefined);

export interface QueryRanking {
  queryText: string;
  /** Photo ids ordered by base cosine, best first. */
  ranking: readonly number[];
}

export interface QueryPairs {
  queryText: string;
  /** Grid rows (photo ids), each sorted by beauty, best first. */
  grid: number[][];
  pairs: PreferencePair[];
  /** Pairs left out because both photos of a row had the same beauty. */
  ties: number;
}

export interface PreferenceSet {
  pairs: PreferencePair[];
  perQuery: QueryPairs[];
  /** Sum of pairs over queries. */
  total: number;
  ties: number;
}

/** Pairs in a full u×v grid: (u(u+1)/2)·(v(v+1)/2) ordered position pairs minus the uv self-pairs. */
export function countGridPairs(u: number, v: number): number {
  if (u < 1 || v < 1) return 0;
  return (u * (u + 1) * v * (v + 1)) / 4 - u * v;
}

function beautyOf(beauty: BeautyLookup, id: number): number | undefined {
  const score = typeof beauty === 'function' ? beauty(id) : beauty.get(id);
  return score !== undefined && Number.isFinite(score) ? score : undefined;
}

function validate(settings: DpoGridSettings): void {
  for (const key of ['k', 'u', 'v', 's'] as const) {
    const value = settings[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`D_po grid setting ${key} must be a positive integer, got ${value}`);
    }
  }
}

/**
 * Samples one query's grid. Photos without a beauty score are left out of the top-K
 * before sampling (they cannot be placed in a row). When the top-K holds fewer than
 * u·v·s scored photos the grid is partial: fewer rows, the last one possibly short.
 */
export function buildGrid(
  query: QueryRanking,
  beauty: BeautyLookup,
  settings: DpoGridSettings = DEFAULT_DPO_GRID,
): number[][] {
  validate(settings);
  const { k, u, v, s } = settings;
  const seen = new Set<number>();
  const scored: { id: number; beauty: number }[] = [];
  for (const id of query.ranking.slice(0, k)) {
    if (seen.has(id)) continue;
    seen.add(id);
    const score = beautyOf(beauty, id);
    if (score !== undefined) scored.push({ id, beauty: score });
  }
  // The offset depends on the query as well as the seed, so adding a query does not
  // reshuffle the grids of the others.
  const random = mulberry32(hashString(query.queryText, settings.seed));
  const offset = Math.floor(random() * s);
  const sampled: { id: number; beauty: number; rank: number }[] = [];
  for (let i = offset; i < scored.length && sampled.length < u * v; i += s) {
    sampled.push({ ...scored[i]!, rank: i });
  }
  const rows: number[][] = [];
  for (let start = 0; start < sampled.length; start += v) {
    const row = sampled.slice(start, start + v);
    // Equal beauty keeps semantic order, so the grid is deterministic.
    row.sort((x, y) => y.beauty - x.beauty || x.rank - y.rank);
    rows.push(row.map((item) => item.id));
  }
  return rows;
}

/** Every dominance pair of a grid, winner first; same-row pairs with tied beauty are dropped. */
export function gridPairs(
  queryText: string,
  grid: readonly (readonly number[])[],
  beauty: BeautyLookup,
  weight = 1,
): { pairs: PreferencePair[]; ties: number } {
  const pairs: PreferencePair[] = [];
  let ties = 0;
  for (let r1 = 0; r1 < grid.length; r1++) {
    const row1 = grid[r1]!;
    for (let c1 = 0; c1 < row1.length; c1++) {
      const winner = row1[c1]!;
      for (let r2 = r1; r2 < grid.length; r2++) {
        const row2 = grid[r2]!;
        for (let c2 = c1; c2 < row2.length; c2++) {
          if (r2 === r1 && c2 === c1) continue;
          const loser = row2[c2]!;
          if (r2 === r1 && beautyOf(beauty, winner) === beautyOf(beauty, loser)) {
            ties++;
            continue;
          }
          pairs.push({ queryText, winner, loser, weight, origin: 'auto' });
        }
      }
    }
  }
  return { pairs, ties };
}

export function queryPairs(
  query: QueryRanking,
  beauty: BeautyLookup,
  settings: DpoGridSettings = DEFAULT_DPO_GRID,
  weight = 1,
): QueryPairs {
  const grid = buildGrid(query, beauty, settings);
  const { pairs, ties } = gridPairs(query.queryText, grid, beauty, weight);
  return { queryText: query.queryText, grid, pairs, ties };
}

/** D_po over many queries: all pairs, plus what each query contributed. */
export function buildPreferenceSet(
  queries: Iterable<QueryRanking>,
  beauty: BeautyLookup,
  settings: DpoGridSettings = DEFAULT_DPO_GRID,
  weight = 1,
): PreferenceSet {
  const perQuery: QueryPairs[] = [];
  const pairs: PreferencePair[] = [];
  let ties = 0;
  for (const query of queries) {
    const result = queryPairs(query, beauty, settings, weight);
    perQuery.push(result);
    for (const pair of result.pairs) pairs.push(pair);
    ties += result.ties;
  }
  return { pairs, perQuery, total: pairs.length, ties };
}
