// The alignment experiment on the tiny world, shared by models/alignment.spec.ts and the
// settings sweep (models/tuning-sweep.mjs): automatic D_po from a query list,
// the adapter trained on it, and plain or re-ranked retrieval scored against ground truth.
import { meanQuality, precisionAt } from '../src/core/eval/metrics';
import type { TruthQuery } from '../src/core/eval/ground-truth';
import { transformQuery, tunedScales } from '../workers/tuning/adapter';
import { buildPreferenceSet } from '../workers/tuning/dpo-pairs';
import { trainAdapter, type TrainResult } from '../workers/tuning/dpo-trainer';
import type {
  AdapterWeights,
  DpoGridSettings,
  PreferencePair,
  TrainSettings,
} from '../workers/tuning/protocol';
import { rerank } from '../workers/search/rerank';
import { DEFAULT_RANK } from '../workers/search/protocol';
import type { TinyWorld } from './tiny-world-harness';

/** The beauty slider used when re-ranking is measured (the page's "mostly beauty" setting). */
export const RERANK_BEAUTY = 0.7;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

/** Photo ids of `pool` by base cosine to the query, best first. */
export function baseRanking(world: TinyWorld, query: Float32Array, pool: readonly number[]) {
  const score = new Map(pool.map((id) => [id, dot(query, world.vectorOf(id))]));
  return [...pool].sort((x, y) => score.get(y)! - score.get(x)! || x - y);
}

/**
 * D_po over `queries`, ranked over `pool` only (so photos outside it are never in a pair).
 * Beauty is the re-ranker's combined percentile (LAION head + CLIP-IQA from the BASE vectors,
 * pixel appeal from the pixels). `reversed` swaps every pair: the "contradict the scorers" check.
 */
export async function automaticPairs(
  world: TinyWorld,
  queries: readonly string[],
  pool: readonly number[],
  grid: DpoGridSettings,
  reversed = false,
  /** Replaces the scorers' beauty: ground-truth quality gives the oracle pairs of a diagnosis. */
  beautyOverride?: (id: number) => number | undefined,
): Promise<PreferencePair[]> {
  const embedded = await world.embedQueries(queries);
  const rankings = queries.map((queryText) => ({
    queryText,
    ranking: baseRanking(world, embedded.get(queryText)!, pool),
  }));
  const beauty = beautyOverride ?? ((id: number) => world.scoreIndex.view(id)?.combined);
  const { pairs } = buildPreferenceSet(rankings, beauty, grid);
  return reversed ? pairs.map((p) => ({ ...p, winner: p.loser, loser: p.winner })) : pairs;
}

export async function trainOnWorld(
  world: TinyWorld,
  pairs: readonly PreferencePair[],
  /** Photos the semantic (KL) term spreads over, for every query. */
  klPool: readonly number[],
  settings: Partial<TrainSettings>,
): Promise<TrainResult> {
  const texts = [...new Set(pairs.map((p) => p.queryText))];
  return trainAdapter({
    baseModel: `${world.profile.clip.id}@${world.profile.clip.revision}`,
    dim: world.dim,
    queries: await world.embedQueries(texts),
    vectors: (id) => (id >= 1 && id <= world.ids.length ? world.vectorOf(id) : undefined),
    pairs,
    candidates: () => klPool,
    settings: { logitScale: world.profile.clip.logitScale, ...settings },
  });
}

/** Cosines of every library photo to the query, under the base model or an adapter. */
export class Scorer {
  private readonly scales: Float32Array | undefined;
  constructor(
    private readonly world: TinyWorld,
    private readonly adapter?: AdapterWeights,
  ) {
    this.scales = adapter
      ? tunedScales(adapter, world.vectors, world.ids.length, world.dim)
      : undefined;
  }

  scores(query: Float32Array, pool: readonly number[]): { id: number; score: number }[] {
    const q = this.adapter ? transformQuery(this.adapter, query) : query;
    return pool.map((id) => ({
      id,
      score: dot(q, this.world.vectorOf(id)) * (this.scales ? this.scales[id - 1]! : 1),
    }));
  }
}

export interface RowMetrics {
  precision: number;
  quality: number;
}

/** Mean P@10 and mean top-10 ground-truth quality over queries, plain or re-ranked. */
export async function measure(
  world: TinyWorld,
  queries: readonly TruthQuery[],
  pool: readonly number[],
  adapter: AdapterWeights | undefined,
  reranked = false,
): Promise<RowMetrics> {
  const scorer = new Scorer(world, adapter);
  const embedded = await world.embedQueries(queries.map((q) => q.text));
  let precision = 0;
  let quality = 0;
  for (const query of queries) {
    const hits = scorer
      .scores(embedded.get(query.text)!, pool)
      .sort((x, y) => y.score - x.score || x.id - y.id);
    let top = hits.slice(0, 10).map((h) => h.id);
    if (reranked) {
      const mean = hits.reduce((s, h) => s + h.score, 0) / hits.length;
      const options = { ...DEFAULT_RANK, beauty: RERANK_BEAUTY };
      top = rerank(hits.slice(0, 200), mean, world.scoreIndex, options)
        .slice(0, 10)
        .map((h) => h.id);
    }
    const row = top.map((id) => world.truth.images[id - 1]!);
    precision += precisionAt(10, row, query);
    quality += meanQuality(row, 10);
  }
  return { precision: precision / queries.length, quality: quality / queries.length };
}

/** Photo ids whose image split is one of `splits`. */
export function idsOfSplits(world: TinyWorld, splits: readonly string[]): number[] {
  const out: number[] = [];
  world.truth.images.forEach((img, i) => {
    if (img.split !== undefined && splits.includes(img.split)) out.push(i + 1);
  });
  return out;
}

export interface SeedOutcome {
  seed: number;
  pairs: number;
  epochs: number;
  validationAccuracy: number;
  baseValidationAccuracy: number;
  durationMs: number;
  adapter: AdapterWeights;
}

/**
 * Trains one adapter per seed on automatic D_po of `trainingQueries`, with pairs drawn from
 * `pairPool` and the KL spread over `klPool`. The seed moves both the grid's sampling offset and
 * the trainer (initialisation, shuffles, KL samples).
 */
export async function trainSeeds(
  world: TinyWorld,
  options: {
    trainingQueries: readonly string[];
    pairPool: readonly number[];
    klPool: readonly number[];
    grid: DpoGridSettings;
    settings: Partial<TrainSettings>;
    seeds: readonly number[];
    reversed?: boolean;
    beautyOverride?: (id: number) => number | undefined;
  },
): Promise<SeedOutcome[]> {
  const out: SeedOutcome[] = [];
  for (const seed of options.seeds) {
    const pairs = await automaticPairs(
      world,
      options.trainingQueries,
      options.pairPool,
      { ...options.grid, seed },
      options.reversed,
      options.beautyOverride,
    );
    const { weights, summary } = await trainOnWorld(world, pairs, options.klPool, {
      ...options.settings,
      seed,
    });
    out.push({
      seed,
      pairs: pairs.length,
      epochs: summary.epochs,
      validationAccuracy: summary.validationAccuracy,
      baseValidationAccuracy: summary.baseValidationAccuracy,
      durationMs: summary.durationMs,
      adapter: weights,
    });
  }
  return out;
}

/** Mean of a metric over adapters (seeds). */
export async function meanOver(
  world: TinyWorld,
  queries: readonly TruthQuery[],
  pool: readonly number[],
  adapters: readonly AdapterWeights[],
  reranked = false,
): Promise<RowMetrics> {
  let precision = 0;
  let quality = 0;
  for (const adapter of adapters) {
    const m = await measure(world, queries, pool, adapter, reranked);
    precision += m.precision;
    quality += m.quality;
  }
  return { precision: precision / adapters.length, quality: quality / adapters.length };
}
