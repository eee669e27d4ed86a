import type { DpoGridSettings } from '../../../workers/tuning/protocol';

/**
 * Pairs one query's u×v grid yields at most, before ties are dropped: the grid is full when
 * the top-K holds u·v·s photos, and partial (fewer rows, a short last row) otherwise. Counting
 * dominance pairs position by position gives u(u+1)v(v+1)/4 − uv for a full grid, the
 * issue's formula, and the right number for a partial one too.
 */
export function expectedPairsPerQuery({ k, u, v, s }: DpoGridSettings): number {
  if (![k, u, v, s].every((n) => Number.isInteger(n) && n >= 1)) return 0;
  const sampled = Math.min(u * v, Math.ceil(k / s));
  const rowLength = (row: number) => Math.min(v, sampled - row * v);
  const rows = Math.ceil(sampled / v);
  let pairs = 0;
  for (let r1 = 0; r1 < rows; r1++) {
    for (let c1 = 0; c1 < rowLength(r1); c1++) {
      for (let r2 = r1; r2 < rows; r2++) pairs += Math.max(0, rowLength(r2) - c1);
      pairs--; // a position is not preferred over itself
    }
  }
  return pairs;
}

/** Whether every grid setting is a usable positive integer (the seed may be 0). */
export function gridProblem(grid: DpoGridSettings): string | null {
  for (const key of ['k', 'u', 'v', 's'] as const) {
    const n = grid[key];
    if (!Number.isInteger(n) || n < 1) return `${key.toUpperCase()} must be a whole number ≥ 1.`;
  }
  if (!Number.isInteger(grid.seed) || grid.seed < 0) return 'The seed must be a whole number ≥ 0.';
  return null;
}
