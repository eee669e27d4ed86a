// `-word` on the tiny world, shared by the λ sweep (models/negation-sweep.mjs) and its spec
// (models/negation.spec.ts): queries with a concept taken away, ranked by plain cosine, and
// scored against ground truth by how much of the taken-away attribute leaves the top 10 and
// how much of what the rest of the query asks for stays.
import {
  LABEL_FIELDS,
  isRelevant,
  type GroundTruth,
  type LabelField,
  type Split,
} from '../src/core/eval/ground-truth';
import { subtractConcepts } from '../src/core/query/concept-arithmetic';
import { baseRanking } from './alignment-experiment';
import type { TinyWorld } from './tiny-world-harness';

export const TOP = 10;

/** "a circle in the sky -red": ground truth's query, and one value of the field it leaves open. */
export interface NegationQuery {
  text: string;
  relevant: Partial<Record<LabelField, string>>;
  field: LabelField;
  negative: string;
}

/**
 * Every query of `splits` with, in turn, each value of the one label field it does not name
 * taken away (two-attribute queries only: a triple leaves nothing open).
 */
export function negationQueries(truth: GroundTruth, splits: readonly Split[]): NegationQuery[] {
  const out: NegationQuery[] = [];
  for (const q of truth.queries) {
    if (!q.split || !splits.includes(q.split)) continue;
    const open = LABEL_FIELDS.filter((f) => q.relevant[f] === undefined);
    if (open.length !== 1) continue;
    const field = open[0]!;
    const values = [...new Set(truth.images.map((img) => img[field]))].sort();
    for (const negative of values)
      out.push({ text: q.text, relevant: q.relevant, field, negative });
  }
  return out;
}

export interface NegationMetrics {
  /** Queries with at least one photo that has the taken-away value. */
  queries: number;
  /** Share of the relevant photos WITH the taken-away value that are in the top 10. */
  negatedRecall: number;
  /** Share of the relevant photos WITHOUT it in the top 10 (of at most 10). */
  keptRecall: number;
  /** Share of the top 10 that has the taken-away value, relevant or not. */
  negatedShare: number;
  /** keptRecall − negatedRecall: 0 when `-word` does nothing, 1 when it does exactly its job. */
  score: number;
}

/** Top-10 figures of `queries` over the photos `pool`, with the concept taken away at `lambda`. */
export async function measureNegation(
  world: TinyWorld,
  queries: readonly NegationQuery[],
  pool: readonly number[],
  lambda: number,
): Promise<NegationMetrics> {
  const embedded = await world.embedQueries([
    ...queries.map((q) => q.text),
    ...queries.map((q) => q.negative),
  ]);
  let counted = 0;
  let negatedRecall = 0;
  let keptRecall = 0;
  let negatedShare = 0;
  for (const q of queries) {
    const labels = (id: number) => world.truth.images[id - 1]!;
    const relevant = pool.filter((id) => isRelevant(labels(id), q));
    const negated = relevant.filter((id) => labels(id)[q.field] === q.negative);
    const kept = relevant.filter((id) => labels(id)[q.field] !== q.negative);
    if (negated.length === 0 || kept.length === 0) continue;
    const vector = subtractConcepts(embedded.get(q.text)!, [embedded.get(q.negative)!], lambda);
    const top = new Set(baseRanking(world, vector, pool).slice(0, TOP));
    counted++;
    negatedRecall += negated.filter((id) => top.has(id)).length / negated.length;
    keptRecall += kept.filter((id) => top.has(id)).length / Math.min(TOP, kept.length);
    negatedShare += [...top].filter((id) => labels(id)[q.field] === q.negative).length / TOP;
  }
  const n = Math.max(1, counted);
  return {
    queries: counted,
    negatedRecall: negatedRecall / n,
    keptRecall: keptRecall / n,
    negatedShare: negatedShare / n,
    score: (keptRecall - negatedRecall) / n,
  };
}

/** The labels of the top 10 of `pool` by cosine to `vector`, best first. */
export function topTen(world: TinyWorld, vector: Float32Array, pool: readonly number[]) {
  return baseRanking(world, vector, pool)
    .slice(0, TOP)
    .map((id) => world.truth.images[id - 1]!);
}

/** How the world's queries name a value alone: "a circle", "something red", "something at night". */
function phraseOf(field: LabelField, value: string): string {
  if (field === 'shape') return `a ${value}`;
  if (field === 'colour') return `something ${value}`;
  if (value === 'sky') return 'something in the sky';
  return value === 'night' ? 'something at night' : `something on ${value}`;
}

/**
 * One named value with each value of another field taken away ("a circle -red", "something on
 * grass -star"), worded as the world's queries word it. These name one value, so they belong
 * to no split: the sweep reads them over train/val photos only, the spec over test photos.
 */
export function singleNegationQueries(truth: GroundTruth): NegationQuery[] {
  const valuesOf = (f: LabelField) => [...new Set(truth.images.map((img) => img[f]))].sort();
  return LABEL_FIELDS.flatMap((named) =>
    valuesOf(named).flatMap((value) =>
      LABEL_FIELDS.filter((f) => f !== named).flatMap((field) =>
        valuesOf(field).map((negative) => ({
          text: phraseOf(named, value),
          relevant: { [named]: value },
          field,
          negative,
        })),
      ),
    ),
  );
}

/** The sweep's λ grid: 0 to 1.5 in steps of 0.05, then coarser. */
export const LAMBDAS = [...Array.from({ length: 31 }, (_, i) => (i * 5) / 100), 1.75, 2, 2.5, 3];

export interface SweepRow {
  lambda: number;
  /** Train/val two-value queries with the third field's values taken away. */
  pairs: NegationMetrics;
  /** One named value with another field's values taken away. */
  singles: NegationMetrics;
  /** Mean of the two families' scores. */
  score: number;
}

/**
 * Every λ of the grid over the TRAIN and VAL photos only (never test), on the train/val
 * queries and the one-value queries, and the winner: the highest mean score of the two.
 */
export async function sweepNegation(
  world: TinyWorld,
  lambdas: readonly number[] = LAMBDAS,
): Promise<{ rows: SweepRow[]; chosen: SweepRow; queries: number; photos: number }> {
  const pairQueries = negationQueries(world.truth, ['train', 'val']);
  const singleQueries = singleNegationQueries(world.truth);
  const pool = world.truth.images.flatMap((img, i) =>
    img.split === 'train' || img.split === 'val' ? [i + 1] : [],
  );
  const rows: SweepRow[] = [];
  for (const lambda of lambdas) {
    const pairs = await measureNegation(world, pairQueries, pool, lambda);
    const singles = await measureNegation(world, singleQueries, pool, lambda);
    rows.push({ lambda, pairs, singles, score: (pairs.score + singles.score) / 2 });
  }
  const best = Math.max(...rows.map((r) => r.score));
  return {
    rows,
    chosen: rows.find((r) => r.score === best)!,
    queries: pairQueries.length + singleQueries.length,
    photos: pool.length,
  };
}
