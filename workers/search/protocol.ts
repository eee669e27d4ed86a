import type { LoadRequest, LoadedModel } from '../embedding/protocol';
import type { ModelLoadProgress } from '../shared/model-progress';
import type { RankOptions, RankedHit } from './rerank';

export interface SearchOptions {
  limit: number;
  rank: RankOptions;
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
}

export interface SearchResponse {
  hits: RankedHit[];
  /** How many vectors were searched. */
  searched: number;
  /** How many of the library's photos have aesthetic scores from the current scorers. */
  scored: number;
  tookMs: number;
}

/** The search worker's interface; the page reaches it through Comlink. */
export interface SearchApi {
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
  /** Selects the profile whose vectors and scores are read, without loading the text tower. */
  useProfile(profileId: string): void;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse>;
  searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse>;
  /** The whole library: newest first, or most beautiful first ("best shots"). */
  browse(options: BrowseOptions): Promise<SearchResponse>;
}
