import { getProfile, modelKey } from '../../src/lib/models/manifest';
import { getLibraryVersion, openLibraryDb, type LumenDb } from '../../src/lib/store/db';
import { loadMatrix, type VectorMatrix } from '../../src/lib/store/embedding-store';
import type { LoadRequest, LoadedModel } from '../embedding/protocol';
import { ClipText, configureHosting, pickDevice } from '../shared/clip-models';
import { browserHosting } from '../shared/hosting';
import type { ModelLoadProgress } from '../shared/model-progress';
import type { SearchApi, SearchOptions, SearchResponse } from './protocol';
import { topK } from './top-k';

/**
 * Text embedding and exact search. The packed vectors stay in this worker and are
 * reloaded only when the library changed, so no search loops on the main thread.
 */
export class SearchHandler implements SearchApi {
  #text: ClipText | undefined;
  #loaded: LoadedModel | undefined;
  #db: Promise<LumenDb> | undefined;
  #matrix: { version: number; matrix: VectorMatrix } | undefined;

  constructor(private readonly openDb: () => Promise<LumenDb> = () => openLibraryDb()) {}

  async load(
    request: LoadRequest,
    onProgress: (p: ModelLoadProgress) => void,
  ): Promise<LoadedModel> {
    const { clip } = getProfile(request.profileId);
    const hosting = browserHosting(request.appBase);
    configureHosting(clip, hosting);
    let device = await pickDevice(request.device);
    try {
      this.#text = await ClipText.load(clip, device, onProgress);
    } catch (e) {
      if (device !== 'webgpu' || request.device === 'webgpu') throw e;
      device = 'wasm';
      this.#text = await ClipText.load(clip, device, onProgress);
    }
    this.#loaded = {
      device,
      model: modelKey(clip),
      dim: clip.embeddingSize,
      threads: hosting.threads ?? 1,
    };
    this.#matrix = undefined;
    onProgress({ state: 'ready', loaded: 0, total: 0 });
    return this.#loaded;
  }

  useModel(model: string, dim: number): void {
    if (this.#loaded?.model === model && this.#loaded.dim === dim) return;
    this.#loaded = { device: 'wasm', model, dim, threads: 1 };
    this.#matrix = undefined;
  }

  async #vectors(): Promise<VectorMatrix> {
    const loaded = this.#loaded;
    if (!loaded) throw new Error('The search model is not loaded yet.');
    this.#db ??= this.openDb();
    const db = await this.#db;
    const version = await getLibraryVersion(db);
    if (this.#matrix?.version !== version || this.#matrix.matrix.model !== loaded.model) {
      this.#matrix = { version, matrix: await loadMatrix(db, loaded.model, loaded.dim) };
    }
    return this.#matrix.matrix;
  }

  async searchVector(query: Float32Array, options: SearchOptions, exclude?: number) {
    const started = performance.now();
    const m = await this.#vectors();
    const hits = topK(
      m.vectors,
      m.dim,
      m.ids,
      query,
      options.limit,
      exclude === undefined ? undefined : (id) => id === exclude,
    );
    return { hits, searched: m.ids.length, tookMs: performance.now() - started };
  }

  async searchText(text: string, options: SearchOptions): Promise<SearchResponse> {
    if (!this.#text) throw new Error('The search model is not loaded yet.');
    const started = performance.now();
    const [query] = await this.#text.embed([text]);
    const res = await this.searchVector(query!, options);
    return { ...res, tookMs: performance.now() - started };
  }

  async searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse> {
    const m = await this.#vectors();
    const row = m.ids.indexOf(photoId);
    if (row < 0) throw new Error('This photo has no embedding for the current model.');
    const query = m.vectors.slice(row * m.dim, (row + 1) * m.dim);
    return this.searchVector(query, options, photoId);
  }

  async browse(): Promise<number[]> {
    const m = await this.#vectors();
    return Array.from(m.ids).sort((a, b) => b - a);
  }
}
