import type { AppealScores } from '../../src/core/store/pixel-scores';
import type { LoadRequest, LoadedModel, ModelLoadProgress } from '../embedding/protocol';

/** One photo's aesthetic scores, raw and as percentiles of this library. */
export interface AestheticView {
  laion: number;
  clipIqa: number;
  clipIqaPairs: Record<string, number>;
  pixel: number | null;
  pixelParts: AppealScores | null;
  /** Each family's percentile in the library (0 = worst, 1 = best). */
  percentiles: { laion: number; clipIqa: number; pixel: number | null };
  /** Mean of the family percentiles: the beauty that ranking uses. */
  combined: number;
}

export type Order = 'fusion' | 'cascade' | 'beauty';

export interface RankOptions {
  /** 0 = pure relevance, 1 = pure beauty (within the relevant head). */
  beauty: number;
  order: Order;
  /**
   * Relevance cutoff: a photo is in the relevant head when its similarity is at least
   * this fraction of the way from the library's typical similarity to the best match.
   */
  strictness: number;
  /** Head size for the cascade (the paper's semantic top-K). */
  cascadeK: number;
  /** Hide photos whose combined beauty percentile is below this (0 shows all). */
  minBeauty: number;
}

export const DEFAULT_RANK: RankOptions = {
  beauty: 0,
  order: 'fusion',
  strictness: 0.5,
  cascadeK: 20,
  minBeauty: 0,
};

export interface RankedHit {
  id: number;
  /** Raw cosine similarity to the query. */
  score: number;
  /** Similarity scaled so the library's mean is 0 and the best match is 1. */
  relevance: number;
  inHead: boolean;
  aesthetic?: AestheticView;
  /** The value the order used (higher first). */
  final: number;
  /**
   * Set when a tuned adapter is active: where this photo stands by similarity under the tuned
   * model and under the base model (1-based; null when the base model ranks it beyond the
   * results it returns), so "Why?" can say how far tuning moved it.
   */
  tuned?: { rank: number; baseRank: number | null };
}

export interface SearchOptions {
  limit: number;
  rank: RankOptions;
  /**
   * Which model ranks: the active tuned adapter, if any ('active', the default), or the base
   * model whatever is active ('none'), so that a side-by-side judge can compare the two.
   */
  adapter?: 'active' | 'none';
}

/** A text query, optionally with an LLM rephrasing blended into its embedding. */
export interface TextQuery {
  text: string;
  rephrased?: string;
  /** Weight of the rephrasing in the blended query embedding, 0..1. */
  blend?: number;
}

export interface BrowseOptions {
  order: 'recent' | 'beauty';
  minBeauty: number;
  /**
   * Hits sent with the answer (the first page; default all). The worker keeps the whole
   * order, and the page asks for more with `browsePage` as the person scrolls: a 100k
   * library never crosses postMessage in one piece.
   */
  pageSize?: number;
}

/** Where a paged browse stands: its id for `browsePage`, and how many hits it holds. */
export interface BrowseRanking {
  ranking: number;
  total: number;
}

export interface SearchResponse {
  hits: RankedHit[];
  /** How many vectors were searched. */
  searched: number;
  /** How many of the library's photos have aesthetic scores from the current scorers. */
  scored: number;
  tookMs: number;
  /** Words of a text query the model does not know (see ClipText.unknownWords); absent if none. */
  unknownWords?: string[];
}

/** The search worker's interface; the page reaches it through Comlink. */
export interface SearchApi {
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
  /** Selects the profile whose vectors and scores are read, without loading the text tower. */
  useProfile(profileId: string): void;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse>;
  searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse>;
  /**
   * The whole library: newest first, or most beautiful first ("best shots"). `hits` holds
   * the first `pageSize` photos; `paged` says how many there are in all.
   */
  browse(options: BrowseOptions): Promise<SearchResponse & { paged: BrowseRanking }>;
  /**
   * Hits [from, from + count) of a browse; null once a newer browse (or a library change)
   * replaced that order, so the page asks again rather than mixing two orders.
   */
  browsePage(ranking: number, from: number, count: number): Promise<RankedHit[] | null>;
  /**
   * The stored (base-model) embeddings of these photos, in order; null for a photo without one.
   * For judges that must not share the tuned model's view of a row.
   */
  photoVectors(ids: number[]): Promise<(Float32Array | null)[]>;
  /**
   * Rewrites a library stored with float vectors (before compact vectors) in the compact
   * format, block by block, then its per-photo score records (before packed scores) as score
   * blocks; resumable, and searchable throughout. Resolves to the number of vector blocks and
   * score records rewritten (0 when there was nothing to do).
   */
  compactLibrary(onProgress: (p: CompactionProgress) => void): Promise<number>;
}

/** Blocks of vectors rewritten so far, of those that were stored as floats. */
export interface CompactionProgress {
  done: number;
  total: number;
}
