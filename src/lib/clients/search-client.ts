import { proxy } from 'comlink';
import type {
  LoadRequest,
  LoadedModel,
  ModelLoadProgress,
} from '../../../workers/embedding/protocol';
import type {
  BrowseOptions,
  BrowseRanking,
  CompactionProgress,
  Facets,
  RankedHit,
  SearchApi,
  SearchOptions,
  SearchResponse,
  TextQuery,
} from '../../../workers/search/protocol';
import { WorkerBridge, type WorkerCrashedError } from './worker-bridge';
import { WorkerSetup } from './worker-setup';

/** The page's handle on the search worker. */
export class SearchClient {
  readonly #bridge: WorkerBridge<SearchApi>;
  readonly #model: WorkerSetup<SearchApi, LoadRequest, LoadedModel, ModelLoadProgress>;
  readonly #profile: WorkerSetup<SearchApi, { profileId: string }, void>;

  constructor(onCrash?: (reason: string, error: WorkerCrashedError) => void) {
    this.#bridge = new WorkerBridge<SearchApi>(
      (name) =>
        new Worker(new URL('../../../workers/search/worker.ts', import.meta.url), {
          type: 'module',
          name,
        }),
      { label: 'search', ...(onCrash ? { onCrash } : {}) },
    );
    this.#model = new WorkerSetup(this.#bridge, (remote, request, onProgress) =>
      remote.load(request, proxy(onProgress)),
    );
    this.#profile = new WorkerSetup(this.#bridge, (remote, { profileId }) =>
      remote.useProfile(profileId),
    );
  }

  /** Loads the text model once per worker; a replacement worker loads it again by itself. */
  load(request: LoadRequest, onProgress: (p: ModelLoadProgress) => void): Promise<LoadedModel> {
    return this.#model.apply(request, onProgress);
  }

  useProfile(profileId: string): Promise<void> {
    return this.#profile.apply({ profileId });
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    await this.#model.ensure();
    return this.#bridge.call((remote) => remote.embedTexts(texts));
  }

  async searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse> {
    await this.#model.ensure();
    return this.#bridge.call((remote) => remote.searchText(query, options));
  }

  async searchSimilar(
    photoId: number,
    options: SearchOptions,
    text?: Omit<TextQuery, 'rephrased' | 'blend'>,
  ): Promise<SearchResponse> {
    await this.#model.ensure();
    return this.#bridge.call((remote) => remote.searchSimilar(photoId, options, text));
  }

  /** The library's months, places and cameras, with counts (no model needed). */
  async facets(): Promise<Facets> {
    await this.#profile.ensure();
    return this.#bridge.call((remote) => remote.facets());
  }

  async photoVectors(ids: number[]): Promise<(Float32Array | null)[]> {
    await this.#profile.ensure();
    return this.#bridge.call((remote) => remote.photoVectors(ids));
  }

  /** Compacts a library stored with float vectors; nothing to do resolves at once with 0. */
  async compactLibrary(onProgress: (p: CompactionProgress) => void): Promise<number> {
    return this.#bridge.call((remote) => remote.compactLibrary(proxy(onProgress)));
  }

  async browse(options: BrowseOptions): Promise<SearchResponse & { paged: BrowseRanking }> {
    await this.#profile.ensure();
    return this.#bridge.call((remote) => remote.browse(options));
  }

  /** More of the latest browse; null when that order is gone (a newer browse, a new worker). */
  async browsePage(ranking: number, from: number, count: number): Promise<RankedHit[] | null> {
    await this.#profile.ensure();
    return this.#bridge.call((remote) => remote.browsePage(ranking, from, count));
  }
}
