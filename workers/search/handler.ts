import { getProfile, modelKey, type Profile } from '../../src/core/manifest';
import {
  getLibraryVersion,
  getScoresVersion,
  openLibraryDb,
  type LumenDb,
} from '../../src/core/store/db';
import { loadMatrix, type VectorMatrix } from '../../src/core/store/embedding-store';
import { scorerKey } from '../aesthetics/scorer';
import type { LoadRequest, LoadedModel, ModelLoadProgress } from '../embedding/protocol';
import { ClipText, configureHosting, pickDevice } from '../shared/clip-models';
import { browserHosting } from '../shared/hosting';
import type {
  BrowseOptions,
  RankedHit,
  SearchApi,
  SearchOptions,
  SearchResponse,
  TextQuery,
} from './protocol';
import { ScoreIndex, rerank } from './rerank';
import { topK } from './top-k';

/** A weighted mix of two unit vectors, scaled back to unit length. */
export function blendEmbeddings(a: Float32Array, b: Float32Array, weightOfB: number): Float32Array {
  const w = Math.min(1, Math.max(0, weightOfB));
  const out = new Float32Array(a.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    out[i] = (1 - w) * a[i]! + w * b[i]!;
    sum += out[i]! * out[i]!;
  }
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/**
 * Text embedding, exact search and re-ranking. The packed vectors and the score index
 * stay in this worker and are reloaded only when the library or its scores changed, so
 * no search loops on the main thread.
 */
export class SearchHandler implements SearchApi {
  #text: ClipText | undefined;
  #profile: Profile | undefined;
  #db: Promise<LumenDb> | undefined;
  #matrix: { version: number; matrix: VectorMatrix } | undefined;
  #scores: { version: number; key: string; index: ScoreIndex } | undefined;

  constructor(private readonly openDb: () => Promise<LumenDb> = () => openLibraryDb()) {}

  async load(
    request: LoadRequest,
    onProgress: (p: ModelLoadProgress) => void,
  ): Promise<LoadedModel> {
    this.useProfile(request.profileId);
    const { clip } = this.#profile!;
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
    onProgress({ state: 'ready', loaded: 0, total: 0 });
    return {
      device,
      model: modelKey(clip),
      dim: clip.embeddingSize,
      threads: hosting.threads ?? 1,
    };
  }

  useProfile(profileId: string): void {
    if (this.#profile?.id === profileId) return;
    this.#profile = getProfile(profileId);
    this.#text = undefined;
    this.#matrix = undefined;
    this.#scores = undefined;
  }

  async #library(): Promise<{ matrix: VectorMatrix; scores: ScoreIndex }> {
    const profile = this.#profile;
    if (!profile) throw new Error('No model profile selected.');
    this.#db ??= this.openDb();
    const db = await this.#db;
    const [version, scoresVersion] = await Promise.all([
      getLibraryVersion(db),
      getScoresVersion(db),
    ]);
    const model = modelKey(profile.clip);
    if (this.#matrix?.version !== version || this.#matrix.matrix.model !== model) {
      this.#matrix = { version, matrix: await loadMatrix(db, model, profile.clip.embeddingSize) };
    }
    const key = scorerKey(profile);
    if (this.#scores?.version !== scoresVersion + version || this.#scores.key !== key) {
      this.#scores = {
        version: scoresVersion + version,
        key,
        index: ScoreIndex.build(await db.getAll('scores'), key),
      };
    }
    return { matrix: this.#matrix.matrix, scores: this.#scores.index };
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    if (!this.#text) throw new Error('The search model is not loaded yet.');
    return this.#text.embed(texts);
  }

  async searchVector(
    query: Float32Array,
    options: SearchOptions,
    exclude?: number,
  ): Promise<SearchResponse> {
    const started = performance.now();
    const { matrix: m, scores } = await this.#library();
    const stats = { sum: 0, count: 0 };
    const hits = topK(
      m.vectors,
      m.dim,
      m.ids,
      query,
      options.limit,
      exclude === undefined ? undefined : (id) => id === exclude,
      stats,
    );
    const mean = stats.count ? stats.sum / stats.count : 0;
    return {
      hits: rerank(hits, mean, scores, options.rank),
      searched: m.ids.length,
      scored: scores.size,
      tookMs: performance.now() - started,
    };
  }

  async searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse> {
    if (!this.#text) throw new Error('The search model is not loaded yet.');
    const started = performance.now();
    const rephrased = query.rephrased?.trim();
    const texts = rephrased ? [query.text, rephrased] : [query.text];
    const [original, extra] = await this.#text.embed(texts);
    const vector = extra ? blendEmbeddings(original!, extra, query.blend ?? 0.5) : original!;
    const res = await this.searchVector(vector, options);
    return { ...res, tookMs: performance.now() - started };
  }

  async searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse> {
    const { matrix: m } = await this.#library();
    const row = m.ids.indexOf(photoId);
    if (row < 0) throw new Error('This photo has no embedding for the current model.');
    const query = m.vectors.slice(row * m.dim, (row + 1) * m.dim);
    return this.searchVector(query, options, photoId);
  }

  async browse(options: BrowseOptions): Promise<SearchResponse> {
    const started = performance.now();
    const { matrix: m, scores } = await this.#library();
    const ids =
      options.order === 'beauty' ? scores.bestFirst() : Array.from(m.ids).sort((a, b) => b - a);
    const hits: RankedHit[] = [];
    for (const id of ids) {
      const aesthetic = scores.view(id);
      if (options.minBeauty > 0 && (aesthetic?.combined ?? 1) < options.minBeauty) continue;
      hits.push({
        id,
        score: Number.NaN,
        relevance: Number.NaN,
        inHead: false,
        final: aesthetic?.combined ?? Number.NaN,
        ...(aesthetic ? { aesthetic } : {}),
      });
    }
    return {
      hits,
      searched: m.ids.length,
      scored: scores.size,
      tookMs: performance.now() - started,
    };
  }
}
