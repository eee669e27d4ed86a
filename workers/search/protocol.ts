import type { LoadRequest, LoadedModel } from '../embedding/protocol';
import type { ModelLoadProgress } from '../shared/model-progress';
import type { Hit } from './top-k';

export interface SearchOptions {
  limit: number;
}

export interface SearchResponse {
  hits: Hit[];
  /** How many vectors were searched. */
  searched: number;
  tookMs: number;
}

/** The search worker's interface; the page reaches it through Comlink. */
export interface SearchApi {
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
  searchText(text: string, options: SearchOptions): Promise<SearchResponse>;
  searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse>;
  /** Selects which model's vectors to read, without loading the text tower (browsing). */
  useModel(model: string, dim: number): void;
  /** Every searchable photo id, newest first (the library view). */
  browse(): Promise<number[]>;
}
