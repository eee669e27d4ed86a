import { isRelevant, type Labels, type TruthQuery } from './ground-truth';

function checkCutoff(n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`cut-off must be a positive integer, got ${n}`);
}

/**
 * Share of the first n photos that are relevant. Divides by n even when the row is shorter:
 * a system that returns fewer photos than asked has not earned a higher precision.
 */
export function precisionAt(
  n: number,
  ranked: readonly Labels[],
  query: Pick<TruthQuery, 'relevant'>,
): number {
  checkCutoff(n);
  let hits = 0;
  for (const image of ranked.slice(0, n)) if (isRelevant(image, query)) hits++;
  return hits / n;
}

/**
 * Mean ground-truth quality of the first n photos, relevant or not: what a person sees in the
 * row. Averages over the photos present when the row is shorter; NaN for an empty row.
 */
export function meanQuality(ranked: readonly { quality: number }[], n: number): number {
  checkCutoff(n);
  return mean(ranked.slice(0, n).map((img) => img.quality));
}

/** Number of distinct (shape, colour, background) combinations in a row. */
export function distinctCombinations(row: readonly Labels[]): number {
  // JSON of a fixed-order tuple cannot collide the way a joined string could.
  return new Set(row.map((img) => JSON.stringify([img.shape, img.colour, img.background]))).size;
}

/** 0-based ranks, tied values sharing the mean of the ranks they span. */
export function tieAveragedRanks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
  const ranks = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return ranks;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  // A constant series has no order to agree with: undefined, not zero.
  return da === 0 || db === 0 ? NaN : num / Math.sqrt(da * db);
}

/** Spearman's ρ with tie-averaged ranks; NaN when either series is constant. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  if (a.length < 2) throw new RangeError('spearman needs at least two pairs');
  if (a.some((x) => Number.isNaN(x)) || b.some((x) => Number.isNaN(x))) {
    throw new RangeError('spearman: NaN has no rank');
  }
  return pearson(tieAveragedRanks(a), tieAveragedRanks(b));
}

/** NaN for an empty list, so a missing measurement cannot pass for a zero. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Sample standard deviation (n − 1): seeds are a sample of the runs one could have made.
 * 0 for a single value (nothing to spread), NaN for none.
 */
export function std(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export interface SeedSummary {
  mean: number;
  std: number;
  n: number;
}

/** The figure a multi-seed table reports for one measurement. */
export function summarise(xs: readonly number[]): SeedSummary {
  return { mean: mean(xs), std: std(xs), n: xs.length };
}

/** "0.452 ± 0.013 (n=5)": the same rounding everywhere a report prints a seed summary. */
export function formatSummary(s: SeedSummary, digits = 3): string {
  return `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)} (n=${s.n})`;
}
