import { proxy } from 'comlink';
import type { LoadRequest, LoadedModel } from '../../../workers/embedding/protocol';
import type {
  BrowseOptions,
  SearchApi,
  SearchOptions,
  SearchResponse,
  TextQuery,
} from '../../../workers/search/protocol';
import type { ModelLoadProgress } from '../../../workers/embedding/protocol';
import { WorkerBridge } from './worker-bridge';

/** The page's handle on the search worker. */
export class SearchClient {
  readonly #bridge: WorkerBridge<SearchApi>;

  constructor(onCrash?: (message: string) => void) {
    this.#bridge = new WorkerBridge<SearchApi>(
      () =>
        new Worker(new URL('../../../workers/search/worker.ts', import.meta.url), {
          type: 'module',
          name: 'lumen-search',
        }),
      onCrash,
    );
  }

  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel> {
    return this.#bridge.remote.load(request, proxy(onProgress));
  }

  useProfile(profileId: string): Promise<void> {
    return this.#bridge.remote.useProfile(profileId);
  }

  embedTexts(texts: string[]): Promise<Float32Array[]> {
    return this.#bridge.remote.embedTexts(texts);
  }

  searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse> {
    return this.#bridge.remote.searchText(query, options);
  }

  searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse> {
    return this.#bridge.remote.searchSimilar(photoId, options);
  }

  browse(options: BrowseOptions): Promise<SearchResponse> {
    return this.#bridge.remote.browse(options);
  }
}
