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

/**
 * 'taken-newest' and 'taken-oldest' sort the results that pass the relevance cutoff by when
 * they were taken (photos without a time last), with day or month sections.
 */
export type Order = 'fusion' | 'cascade' | 'beauty' | 'taken-newest' | 'taken-oldest';

/**
 * What a search or browse is narrowed to. Applied in the search worker before any candidate
 * is chosen. Times are wall-clock ms as MetaBlock.takenAt, `to` exclusive; places are
 * placeKey()s; countries ISO codes; cameras as stored. Empty or absent fields do not narrow.
 */
export interface SearchFilter {
  from?: number;
  to?: number;
  places?: string[];
  countries?: string[];
  cameras?: string[];
}

/** A place's key in filters and facets: its country, region and city, which name it uniquely. */
export function placeKey(place: string, region: string, country: string): string {
  return `${country}|${region}|${place}`;
}

/** Whether a filter narrows anything. */
export function filters(filter: SearchFilter | undefined): filter is SearchFilter {
  if (!filter) return false;
  const { from, to, places, countries, cameras } = filter;
  return (
    from !== undefined ||
    to !== undefined ||
    !!places?.length ||
    !!countries?.length ||
    !!cameras?.length
  );
}

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
  /** When the photo was taken (MetaBlock.takenAt), where known. */
  takenAt?: number;
}

/**
 * A run of time-ordered results taken the same day or month, which the grid heads with a row:
 * hits [start, start + count). `at` is the day's or month's first wall-clock ms (NaN for the
 * photos without a time, which come last).
 */
export interface TimeSection {
  start: number;
  count: number;
  at: number;
  unit: 'day' | 'month';
}

/** What the library holds, for the filter bar: from the search worker's metadata columns. */
export interface Facets {
  /** Photos per month taken, as [year, month 1–12, count], oldest first. */
  months: [number, number, number][];
  /** Places by count, most first. */
  places: { key: string; place: string; region: string; country: string; count: number }[];
  countries: { country: string; count: number }[];
  cameras: { camera: string; count: number }[];
  /** Photos with no known time. */
  undated: number;
}

export interface SearchOptions {
  limit: number;
  rank: RankOptions;
  /**
   * Which model ranks: the active tuned adapter, if any ('active', the default), or the base
   * model whatever is active ('none'), so that a side-by-side judge can compare the two.
   */
  adapter?: 'active' | 'none';
  filter?: SearchFilter;
}

/** A text query, optionally with an LLM rephrasing blended into its embedding. */
export interface TextQuery {
  text: string;
  rephrased?: string;
  /** Weight of the rephrasing in the blended query embedding, 0..1. */
  blend?: number;
  /** Concepts to subtract ("-red"): q − λ·t(word), renormalised, λ the profile's. */
  negatives?: string[];
}

export interface BrowseOptions {
  /** Newest added, most beautiful, or newest taken first (with sections). */
  order: 'recent' | 'beauty' | 'taken';
  filter?: SearchFilter;
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
  /** Set when the order is by time taken: the grid's headings. */
  sections?: TimeSection[];
}

/**
 * Weight of the words in "more like this" with words, against the photo's 1: an even,
 * normalised sum of the two unit vectors, the plainest blend (not tuned on any set). The photo
 * still leads, since photos of a library lie nearer one another than words lie to any photo.
 */
export const SIMILAR_TEXT_WEIGHT = 1;

/** The search worker's interface; the page reaches it through Comlink. */
export interface SearchApi {
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
  /** Selects the profile whose vectors and scores are read, without loading the text tower. */
  useProfile(profileId: string): void;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse>;
  /**
   * Photos like this one; with `text`, like it and the words: the photo's vector plus
   * SIMILAR_TEXT_WEIGHT of the text's (both unit length), renormalised, less its negatives.
   */
  searchSimilar(
    photoId: number,
    options: SearchOptions,
    text?: Omit<TextQuery, 'rephrased' | 'blend'>,
  ): Promise<SearchResponse>;
  /** Years, months, places and cameras present in the library, with counts. */
  facets(): Promise<Facets>;
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
