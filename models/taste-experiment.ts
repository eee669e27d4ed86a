// A simulated person's taste learnt from a few picks (issue 22), in Node on the tiny world, with
// the page's own pieces: the pair chooser (src/core/tuning/active-pairs.ts), the like / dislike /
// "Which of these two?" pair rules (src/lib/state/tuning-taste-pairs.ts), their origin weights,
// and the workers' DPO trainer. The eval's protocol: picks only on train and val photos for
// train and val queries; measured on the test queries over the whole library afterwards.
import { isRelevant, queriesOfSplit, type TruthQuery } from '../src/core/eval/ground-truth';
import { precisionAt } from '../src/core/eval/metrics';
import { prefer, tasteAt, tasteQueries, type SimulatedPerson } from '../src/core/eval/people';
import { choosePair, duoKeyOf, type QueryCandidates } from '../src/core/tuning/active-pairs';
import {
  chosenPair,
  dislikePairs,
  likePairs,
  DISLIKE_TOP,
} from '../src/lib/state/tuning-taste-pairs';
import { rerank } from '../workers/search/rerank';
import { DEFAULT_RANK } from '../workers/search/protocol';
import type { AdapterWeights, PreferencePair, TrainSettings } from '../workers/tuning/protocol';
import {
  headDoubt,
  headInformation,
  headValues,
  laplaceSolver,
  standardise,
  trainTasteHead,
  type HeadSettings,
  type TasteHead,
} from '../src/core/tuning/taste-head';
import { idsOfSplits, Scorer, trainOnWorld } from './alignment-experiment';
import type { TinyWorld } from './tiny-world-harness';

export type Strategy = 'active' | 'random';

/** Every this many picks, the person likes or dislikes a photo instead of answering a pair. */
const TASTE_EVERY = 5;
/** The taste retrains every this many picks, as the page does in the background. */
const RETRAIN_EVERY = 5;
/** Precision@10 a ceiling may give up (the goal's budget). */
export const CEILING_PRECISION_LOSS = 0.02;

export interface TasteMetrics {
  /** Mean person's score over the top 10, over the queries that leave the taste free. */
  taste: number;
  /** Mean precision@10 over the same queries. */
  precision: number;
}

interface Ranked {
  ids: number[];
  scores: number[];
}

/**
 * What a taste is at ranking: an adapter (the DPO-tuned embedding), a preference head applied
 * with weight `lambda` among the relevant results, or both. Empty = the base model.
 */
export interface TasteModel {
  adapter?: AdapterWeights;
  head?: TasteHead;
  lambda?: number;
  /** Train with each pair's relevance gap as a feature (κ), so relevance answers explain less of v. */
  gap?: boolean;
  /**
   * The head also sees the scorers' per-photo outputs (CLIP-IQA pairs, pixel-statistic parts,
   * LAION), each standardised over the library and scaled by this: x' = [x, γ·f]. Harness only.
   */
  features?: number;
}

/** The scorers' outputs a head may see, in a fixed order, standardised over the library. */
const featureCache = new WeakMap<TinyWorld, Map<number, Float32Array>>();
function scorerFeatures(world: TinyWorld): Map<number, Float32Array> {
  let out = featureCache.get(world);
  if (out) return out;
  const ids = Array.from(world.ids);
  const raw = ids.map((id) => {
    const v = world.scoreIndex.view(id);
    const parts = v?.pixelParts;
    return [
      ...Object.values(v?.clipIqaPairs ?? {}),
      ...(parts
        ? [parts.sharpness, parts.exposure, parts.contrast, parts.colourfulness, parts.noise]
        : [0, 0, 0, 0, 0]),
      v?.percentiles.laion ?? 0.5,
    ];
  });
  const k = Math.max(...raw.map((r) => r.length));
  const mean = new Float64Array(k);
  const sd = new Float64Array(k);
  for (const r of raw) for (let j = 0; j < k; j++) mean[j] = mean[j]! + (r[j] ?? 0) / raw.length;
  for (const r of raw) {
    for (let j = 0; j < k; j++) sd[j] = sd[j]! + ((r[j] ?? 0) - mean[j]!) ** 2 / raw.length;
  }
  out = new Map(
    ids.map((id, i) => [
      id,
      Float32Array.from({ length: k }, (_, j) =>
        sd[j]! > 1e-12 ? ((raw[i]![j] ?? 0) - mean[j]!) / Math.sqrt(sd[j]!) : 0,
      ),
    ]),
  );
  featureCache.set(world, out);
  return out;
}

/** What the head reads of a photo: its embedding, and with `features` γ the scorers' outputs. */
export function headInput(world: TinyWorld, id: number, features?: number): Float32Array {
  const e = world.vectorOf(id);
  if (!features) return e;
  const f = scorerFeatures(world).get(id)!;
  const out = new Float32Array(e.length + f.length);
  out.set(e);
  for (let j = 0; j < f.length; j++) out[e.length + j] = features * f[j]!;
  return out;
}

/** Hits the re-ranker sees, as the search worker's result limit. */
const RERANK_HITS = 200;

/** A photo pool under a taste: cosines (tuned when it has an adapter) and head z-scores. */
class PoolRanker {
  private readonly scorer: Scorer;
  private readonly z: Map<number, number> | undefined;
  constructor(
    private readonly world: TinyWorld,
    private readonly model: TasteModel,
    private readonly pool: readonly number[],
  ) {
    this.scorer = new Scorer(world, model.adapter);
    if (model.head && model.lambda) {
      const dim = model.head.dim;
      const vectors = new Float32Array(pool.length * dim);
      pool.forEach((id, i) => vectors.set(headInput(world, id, model.features), i * dim));
      const z = standardise(headValues(model.head, vectors, pool.length, dim));
      this.z = new Map(pool.map((id, i) => [id, z[i]!]));
    }
  }

  /** The pool's order for a query: by cosine, then re-ranked (beauty, head) as the page does. */
  rank(query: Float32Array, beauty = 0) {
    const hits = this.scorer
      .scores(query, this.pool)
      .sort((x, y) => y.score - x.score || x.id - y.id);
    if (beauty <= 0 && !this.z) {
      return { ids: hits.map((h) => h.id), scores: hits.map((h) => h.score) };
    }
    const mean = hits.reduce((s, h) => s + h.score, 0) / hits.length;
    const z = this.z;
    const ranked = rerank(
      hits.slice(0, RERANK_HITS).map((h) => (z ? { ...h, taste: z.get(h.id)! } : h)),
      mean,
      this.world.scoreIndex,
      { ...DEFAULT_RANK, beauty },
      -Infinity,
      z ? { weight: this.model.lambda! } : undefined,
    );
    return { ids: ranked.map((h) => h.id), scores: ranked.map((h) => h.final) };
  }
}

/** The taste metric and P@10 of `queries` over `pool`, plain or re-ranked at `beauty`. */
export async function measureTaste(
  world: TinyWorld,
  person: SimulatedPerson,
  queries: readonly TruthQuery[],
  pool: readonly number[],
  model: TasteModel | undefined,
  beauty = 0,
): Promise<TasteMetrics> {
  const ranker = new PoolRanker(world, model ?? {}, pool);
  const embedded = await world.embedQueries(queries.map((q) => q.text));
  let taste = 0;
  let precision = 0;
  for (const query of queries) {
    const top = ranker.rank(embedded.get(query.text)!, beauty).ids.slice(0, 10);
    const row = top.map((id) => world.truth.images[id - 1]!);
    taste += tasteAt(person, row) / queries.length;
    precision += precisionAt(10, row, query) / queries.length;
  }
  return { taste, precision };
}

/** The test queries a person is measured on (held-out triples cap P@10 by design: left out). */
export function testTasteQueries(world: TinyWorld, person: SimulatedPerson): TruthQuery[] {
  return tasteQueries(
    person,
    queriesOfSplit(world.truth, 'test').filter((q) => q.kind !== 'held-out-triple'),
  );
}

/**
 * The ceiling, as models/tuning-sweep.mjs prints it: every photo ranked by base cosine +
 * λ·z(person's score), the largest relative taste lift within CEILING_PRECISION_LOSS over λ.
 * It is what an oracle told every pair's answer could buy by a plain shift toward the taste.
 */
export async function tasteCeiling(
  world: TinyWorld,
  person: SimulatedPerson,
  queries: readonly TruthQuery[],
  pool: readonly number[],
) {
  const embedded = await world.embedQueries(queries.map((q) => q.text));
  const values = pool.map((id) => person.score(world.truth.images[id - 1]!));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
  const base = await measureTaste(world, person, queries, pool, undefined);
  const cosines = queries.map((query) => {
    const t = embedded.get(query.text)!;
    return pool.map((id) => {
      const e = world.vectorOf(id);
      let s = 0;
      for (let j = 0; j < world.dim; j++) s += t[j]! * e[j]!;
      return s;
    });
  });
  let best = { lift: 0, precisionLoss: 0, lambda: 0, taste: base.taste };
  // Fine steps first: with few val queries one swapped photo is already a point of P@10.
  for (let step = 1; step <= 200; step++) {
    const lambda = step <= 100 ? step * 0.0002 : 0.02 + (step - 100) * 0.0023;
    let taste = 0;
    let precision = 0;
    queries.forEach((query, n) => {
      const top = pool
        .map((id, i) => ({ id, s: cosines[n]![i]! + (lambda * (values[i]! - mean)) / sd }))
        .sort((x, y) => y.s - x.s || x.id - y.id)
        .slice(0, 10)
        .map((h) => world.truth.images[h.id - 1]!);
      taste += tasteAt(person, top) / queries.length;
      precision += precisionAt(10, top, query) / queries.length;
    });
    const lift = taste / base.taste - 1;
    const precisionLoss = base.precision - precision;
    if (precisionLoss <= CEILING_PRECISION_LOSS + 1e-9 && lift > best.lift) {
      best = { lift, precisionLoss, lambda, taste };
    }
  }
  return { base, ...best };
}

export interface PickLog {
  picks: number;
  pairs: PreferencePair[];
  /** Cumulative pair count after each pick (index = picks − 1). */
  pairsAfter: number[];
  kinds: Record<'chosen' | 'like' | 'dislike', number>;
  skipped: number;
  /** The pairs answered "similar" (a tie), as query and the two photos. */
  ties: PreferencePair[];
  /** The taste trained from scratch on the first n picks, for n = every RETRAIN_EVERY. */
  adapters: Map<number, TasteModel>;
}

/**
 * The person gives `total` picks on train/val photos for the train/val queries. `modelFor(n)`
 * is the adapter trained on the first n picks (the chooser sees only that), retrained every
 * RETRAIN_EVERY picks. Every TASTE_EVERY-th pick is a like (a photo of theirs lower than one
 * they like less) or, failing that, a dislike; the rest answer "Which of these two?".
 */
export async function givePicks(
  world: TinyWorld,
  person: SimulatedPerson,
  options: {
    strategy: Strategy;
    seed: number;
    total: number;
    train: (
      pairs: readonly PreferencePair[],
      ties?: readonly PreferencePair[],
    ) => Promise<TasteModel>;
    /**
     * How 'active' measures doubt: 'margin' (the chooser's smallest score gap under the current
     * order) or 'laplace' (the head's posterior: the pair with the largest chance of being
     * ordered wrong, |margin| / sd smallest). Default 'margin'.
     */
    doubt?: 'margin' | 'laplace' | 'info';
    /**
     * With doubt 'info': the logit per unit of base relevance (rerank's: 0 at the mean cosine,
     * 1 at the best) that the answer owes to relevance, not taste; a pair far apart in relevance
     * is then worth little. 0 = the head's own information only.
     */
    relevanceLogit?: number;
    /** Only pairs whose photos both pass the relevance cutoff (where the head acts). */
    cutoffPairs?: boolean;
    /** How many of each query's top results are paired (default the page's CHOOSER_TOP). */
    chooserTop?: number;
    /**
     * The taste "Which of these two?" sees, refit before every question from all picks so far
     * (the page refits the head in the worker's nextPair: milliseconds). Without it the chooser
     * sees the model retrained every RETRAIN_EVERY picks.
     */
    chooser?: (
      pairs: readonly PreferencePair[],
      ties?: readonly PreferencePair[],
    ) => Promise<TasteModel>;
    /** Only "Which of these two?" answers, no likes or dislikes (as e2e/taste.spec.ts). */
    chosenOnly?: boolean;
    /** The queries asked about (default: every train and val query). */
    queries?: readonly TruthQuery[];
    /** Queries whose pairs the person skips ("Similar: skip"), as the e2e does for some. */
    skips?: (query: TruthQuery) => boolean;
  },
): Promise<PickLog> {
  const queries = options.queries ?? [
    ...queriesOfSplit(world.truth, 'train'),
    ...queriesOfSplit(world.truth, 'val'),
  ];
  const pool = idsOfSplits(world, ['train', 'val']);
  const embedded = await world.embedQueries(queries.map((q) => q.text));
  const relevance =
    options.doubt === 'info' || options.cutoffPairs
      ? await relevanceOver(
          world,
          pool,
          queries.map((q) => q.text),
        )
      : undefined;
  const asked = new Set<string>();
  const liked = new Set<string>();
  const log: PickLog = {
    picks: 0,
    pairs: [],
    pairsAfter: [],
    kinds: { chosen: 0, like: 0, dislike: 0 },
    skipped: 0,
    ties: [],
    adapters: new Map(),
  };
  let model: TasteModel = {};
  let chooserAt = 0;
  let rankings: Map<string, Ranked> | undefined;
  let round = 0;
  while (log.picks < options.total && round < options.total * 20) {
    round++;
    if (!rankings) {
      const ranker = new PoolRanker(world, model, pool);
      rankings = new Map(queries.map((q) => [q.text, ranker.rank(embedded.get(q.text)!)]));
    }
    const made =
      !options.chosenOnly && (log.picks + 1) % TASTE_EVERY === 0
        ? tasteOf(
            world,
            person,
            queries[Math.floor(log.picks / TASTE_EVERY) % queries.length]!,
            rankings,
            liked,
          )
        : undefined;
    let pairs = made?.pairs;
    if (made) log.kinds[made.kind]++;
    else {
      if (options.chooser && log.pairs.length > 0 && chooserAt !== log.pairs.length) {
        chooserAt = log.pairs.length;
        model = await options.chooser(log.pairs, log.ties);
        const ranker = new PoolRanker(world, model, pool);
        rankings = new Map(queries.map((q) => [q.text, ranker.rank(embedded.get(q.text)!)]));
      }
      const candidates: QueryCandidates[] = queries.map((q) => {
        const r = rankings!.get(q.text)!;
        const n = Math.max(20, options.chooserTop ?? 0);
        return { query: q.text, ids: r.ids.slice(0, n), scores: r.scores.slice(0, n) };
      });
      const head = model.head;
      const solver =
        (options.doubt === 'laplace' || options.doubt === 'info') && head
          ? laplaceSolver(head)
          : undefined;
      const cut = DEFAULT_RANK.strictness;
      const outside = (q: string, a: number, b: number) =>
        !!options.cutoffPairs && (relevance!(q, a) < cut || relevance!(q, b) < cut);
      const kappa = options.relevanceLogit ?? 0;
      const doubt =
        solver && head
          ? options.doubt === 'info'
            ? (q: string, a: number, b: number) =>
                outside(q, a, b)
                  ? Infinity
                  : -headInformation(
                      head,
                      headInput(world, a, model.features),
                      headInput(world, b, model.features),
                      kappa * (relevance!(q, a) - relevance!(q, b)),
                      solver,
                    )
            : (q: string, a: number, b: number) =>
                outside(q, a, b)
                  ? Infinity
                  : headDoubt(
                      head,
                      headInput(world, a, model.features),
                      headInput(world, b, model.features),
                      solver,
                    )
          : options.cutoffPairs && options.strategy === 'active'
            ? (q: string, a: number, b: number) => (outside(q, a, b) ? Infinity : 0)
            : undefined;
      const duo = choosePair(candidates, {
        strategy: options.strategy,
        seed: options.seed * 7919 + round,
        asked,
        ...(options.chooserTop ? { top: options.chooserTop } : {}),
        ...(doubt ? { doubt } : {}),
      });
      if (!duo) break;
      asked.add(duoKeyOf(duo.query, duo.a, duo.b));
      const query = queries.find((q) => q.text === duo.query)!;
      const side = options.skips?.(query)
        ? null
        : prefer(person, query, world.truth.images[duo.a - 1]!, world.truth.images[duo.b - 1]!);
      if (side === null) {
        log.skipped++;
        log.ties.push({ ...chosenPair(duo.query, duo.a, duo.b), weight: 1 });
        continue;
      }
      const [winner, loser] = side === 0 ? [duo.a, duo.b] : [duo.b, duo.a];
      pairs = [chosenPair(duo.query, winner, loser)];
      log.kinds.chosen++;
    }
    log.pairs.push(...pairs!);
    log.picks++;
    log.pairsAfter.push(log.pairs.length);
    if (log.picks % RETRAIN_EVERY === 0 || log.picks === options.total) {
      model = await options.train(log.pairs, log.ties);
      log.adapters.set(log.picks, model);
      rankings = undefined;
    }
  }
  return log;
}

/** A like or a dislike on one query's results, with the pairs the page makes of it. */
function tasteOf(
  world: TinyWorld,
  person: SimulatedPerson,
  query: TruthQuery,
  rankings: Map<string, Ranked>,
  liked: Set<string>,
): { kind: 'like' | 'dislike'; pairs: PreferencePair[] } | undefined {
  const ids = rankings.get(query.text)!.ids.slice(0, 20);
  const img = (id: number) => world.truth.images[id - 1]!;
  const mine = (id: number) => isRelevant(img(id), query);
  const taste = (id: number) => person.score(img(id));
  // A like: the relevant photo they like best, if something they like less is above it.
  const best = ids
    .filter((id, i) => i > 0 && mine(id) && !liked.has(`${query.text}|${id}`))
    .sort((a, b) => taste(b) - taste(a))[0];
  if (best !== undefined && ids.slice(0, ids.indexOf(best)).some((id) => taste(id) < taste(best))) {
    liked.add(`${query.text}|${best}`);
    const alsoLiked = new Set(ids.filter((id) => liked.has(`${query.text}|${id}`)));
    return { kind: 'like', pairs: likePairs(query.text, ids, best, alsoLiked) };
  }
  // A dislike: the top-10 photo they like least, if another there is liked more.
  const top = ids.slice(0, DISLIKE_TOP);
  const worst = [...top].sort((a, b) => taste(a) - taste(b))[0];
  if (worst === undefined || !top.some((id) => taste(id) > taste(worst))) return undefined;
  return { kind: 'dislike', pairs: dislikePairs(query.text, ids, worst, new Set()) };
}

function dotOf(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

/** Few-pick training: the pairs only (no automatic pairs), the KL over train/val photos. */
export function pickTrainer(world: TinyWorld, settings: Partial<TrainSettings>) {
  const klPool = idsOfSplits(world, ['train', 'val']);
  return async (pairs: readonly PreferencePair[]): Promise<TasteModel> => ({
    adapter: (await trainOnWorld(world, pairs, klPool, settings)).weights,
  });
}

/** The adapter and the head, both trained on the picks (the head on base embeddings). */
export function adapterHeadTrainer(
  world: TinyWorld,
  settings: Partial<TrainSettings>,
  lambda: number,
  head: Partial<HeadSettings>,
) {
  const adapter = pickTrainer(world, settings);
  const heads = headTrainer(world, lambda, head);
  return async (pairs: readonly PreferencePair[]): Promise<TasteModel> => ({
    ...(await heads(pairs)),
    ...(await adapter(pairs)),
  });
}

/** The picks as the head's pairs: winner and loser base embeddings, origin weights. */
export function headPairs(
  world: TinyWorld,
  pairs: readonly PreferencePair[],
  relevance?: (query: string, id: number) => number,
  features?: number,
) {
  return pairs.map((p) => ({
    winner: headInput(world, p.winner, features),
    loser: headInput(world, p.loser, features),
    weight: p.weight ?? 1,
    ...(relevance
      ? { gap: relevance(p.queryText, p.winner) - relevance(p.queryText, p.loser) }
      : {}),
  }));
}

async function withOffsets<P extends { winner: Float32Array; loser: Float32Array }>(
  world: TinyWorld,
  head: P[],
  pairs: readonly PreferencePair[],
  embedded: Promise<Map<string, Float32Array>> | undefined,
  scale: number | undefined,
): Promise<(P & { offset?: number })[]> {
  if (!embedded || !scale) return head;
  const queries = await embedded;
  return head.map((h, i) => {
    const q = queries.get(pairs[i]!.queryText);
    return q ? { ...h, offset: scale * (dotOf(q, h.winner) - dotOf(q, h.loser)) } : h;
  });
}

/** Base relevance (rerank's: 0 at the pool's mean cosine, 1 at the best) of a photo for a query. */
export async function relevanceOver(
  world: TinyWorld,
  pool: readonly number[],
  queries: readonly string[],
): Promise<(query: string, id: number) => number> {
  const embeddedText = await world.embedQueries(queries);
  const cache = new Map<string, { mean: number; span: number; q: Float32Array }>();
  return (query, id) => {
    let c = cache.get(query);
    if (!c) {
      const q = embeddedText.get(query)!;
      const scores = pool.map((p) => dotOf(q, world.vectorOf(p)));
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const span = Math.max(...scores) - mean || 1;
      c = { mean, span, q };
      cache.set(query, c);
    }
    return (dotOf(c.q, world.vectorOf(id)) - c.mean) / c.span;
  };
}

/** A preference head on the picks (base embeddings), applied with weight `lambda`. */
export function headTrainer(
  world: TinyWorld,
  lambda: number,
  settings: Partial<HeadSettings>,
  extra: Pick<TasteModel, 'gap' | 'features'> & { ties?: number; offset?: number } = {},
) {
  const pool = idsOfSplits(world, ['train', 'val']);
  const dim = headInput(world, pool[0]!, extra.features).length;
  const texts = [...queriesOfSplit(world.truth, 'train'), ...queriesOfSplit(world.truth, 'val')];
  const relevance = extra.gap
    ? relevanceOver(
        world,
        pool,
        texts.map((q) => q.text),
      )
    : undefined;
  // { offset: s }: each pick starts from the base model's logit s·(cos w − cos l) for its query.
  const embedded = extra.offset ? world.embedQueries(texts.map((q) => q.text)) : undefined;
  return async (
    pairs: readonly PreferencePair[],
    ties: readonly PreferencePair[] = [],
  ): Promise<TasteModel> => ({
    head: trainTasteHead(
      [
        ...(await withOffsets(
          world,
          headPairs(world, pairs, relevance && (await relevance), extra.features),
          pairs,
          embedded,
          extra.offset,
        )),
        // { ties: τ }: "similar" answers pull the head's margin on their pair toward 0.
        ...(extra.ties
          ? headPairs(world, ties, undefined, extra.features).map((p) => ({ ...p, tie: true }))
          : []),
      ],
      dim,
      { ...settings, ...(extra.ties ? { tieWeight: extra.ties } : {}) },
    ),
    lambda,
    ...extra,
  });
}
