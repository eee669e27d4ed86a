// What SearchManager (search.svelte.ts) needs from the rest of the app.
import type {
  BrowseOptions,
  BrowseRanking,
  Facets,
  RankOptions,
  RankedHit,
  SearchOptions,
  SearchResponse,
  TextQuery,
} from '../../../workers/search/protocol';
import type { ModelsManager } from './models.svelte';
import type { LastQuery } from './last-query';
import type { SearchFilters } from './search-filters.svelte';

/** What search needs of the search worker (SearchClient; a fake in specs). */
export interface SearchWorker {
  useProfile: (profileId: string) => Promise<void>;
  browse: (options: BrowseOptions) => Promise<SearchResponse & { paged: BrowseRanking }>;
  browsePage: (ranking: number, from: number, count: number) => Promise<RankedHit[] | null>;
  searchText: (query: TextQuery, options: SearchOptions) => Promise<SearchResponse>;
  searchSimilar: (
    photoId: number,
    options: SearchOptions,
    text?: Omit<TextQuery, 'rephrased' | 'blend'>,
  ) => Promise<SearchResponse>;
  facets: () => Promise<Facets>;
}

/**
 * The words to search for: the person's own, blended with a rephrasing where there is one, less
 * the concepts typed as `-word`.
 */
export function textQuery(
  text: string,
  rephrased: string | null,
  blend: number,
  negatives: string[] = [],
): TextQuery {
  const query: TextQuery = rephrased ? { text, rephrased, blend } : { text };
  return negatives.length ? { ...query, negatives } : query;
}

/** The rephrasing as search sees it: whether to ask for one, and the one in use. */
export interface QueryRephraser {
  readonly enabled: boolean;
  readonly blend: number;
  /** The rephrasing in use for this query, or null. */
  appliedFor(query: string): string | null;
  /** Whether a rephrasing (or the decision to use none) already exists for this query. */
  decidedFor(query: string): boolean;
  run(query: string): Promise<string | null>;
}

export interface SearchDeps {
  client: SearchWorker;
  models: Pick<ModelsManager, 'textModel' | 'forget'>;
  ranking: { readonly options: RankOptions };
  rephraser: QueryRephraser;
  /** How many photos have vectors: with none, there is nothing to browse. */
  embedded: () => number;
  /** The words last searched for, restored at start unless the person took the box first. */
  lastQuery: LastQuery;
  /** The filter bar's filters (remembered) and the library's facets the words may name. */
  filters: SearchFilters;
  profileId: string;
  /** Keeps each searched text in the query history (training queries for tuning). */
  remember?: (text: string) => Promise<void>;
}
