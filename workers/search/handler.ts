import { getProfile, modelKey, type Profile } from '../../src/core/manifest';
import { activeAdapterId, getAdapter } from '../../src/core/store/adapter-store';
import {
  LibraryConnection,
  getLibraryVersion,
  getScoresVersion,
  type LumenDb,
} from '../../src/core/store/db';
import { loadMatrix, type VectorMatrix } from '../../src/core/store/embedding-store';
import { blend } from '../../src/core/vectors';
import { scorerKey } from '../aesthetics/scorer';
import type { LoadRequest, LoadedModel, ModelLoadProgress } from '../embedding/protocol';
import { loadWorkerTower, type ClipText } from '../shared/clip-models';
import { transformQuery, tunedEmbedding, tunedScales } from '../tuning/adapter';
import { decodeAdapter } from '../tuning/adapter-codec';
import type { AdapterWeights } from '../tuning/protocol';
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

interface TunedView {
  version: number;
  weights: AdapterWeights;
  scales: Float32Array;
}

/**
 * Text embedding, exact search and re-ranking. The packed vectors and the score index
 * stay in this worker and are reloaded only when the library or its scores changed, so
 * no search loops on the main thread.
 */
export class SearchHandler implements SearchApi {
  #text: ClipText | undefined;
  #profile: Profile | undefined;
  #openDb: () => Promise<LumenDb>;
  #matrix: { version: number; matrix: VectorMatrix } | undefined;
  /**
   * Tuned adapters as folded per-photo scales, by adapter id, for the library version they were
   * computed at: switching between base and tuned swaps an array instead of re-scoring.
   */
  #adapters = new Map<number, TunedView>();
  /** Keyed by both counters: each only grows, but both restart when the library is recreated. */
  #scores: { version: number; scoresVersion: number; key: string; index: ScoreIndex } | undefined;

  /** `openDb` defaults to a connection that steps aside for other tabs; specs pass their own. */
  constructor(openDb?: () => Promise<LumenDb>) {
    const library = new LibraryConnection();
    this.#openDb = openDb ?? (() => library.get());
  }

  async load(
    request: LoadRequest,
    onProgress: (p: ModelLoadProgress) => void,
  ): Promise<LoadedModel> {
    this.useProfile(request.profileId);
    const { tower, model } = await loadWorkerTower('text', request, onProgress);
    this.#text = tower;
    return model;
  }

  useProfile(profileId: string): void {
    if (this.#profile?.id === profileId) return;
    this.#profile = getProfile(profileId);
    this.#text = undefined;
    this.#matrix = undefined;
    this.#scores = undefined;
    this.#adapters.clear();
  }

  async #library(): Promise<{ matrix: VectorMatrix; scores: ScoreIndex; tuned?: TunedView }> {
    const profile = this.#profile;
    if (!profile) throw new Error('No model profile selected.');
    const db = await this.#openDb();
    const [version, scoresVersion] = await Promise.all([
      getLibraryVersion(db),
      getScoresVersion(db),
    ]);
    const model = modelKey(profile.clip);
    if (this.#matrix?.version !== version || this.#matrix.matrix.model !== model) {
      this.#matrix = { version, matrix: await loadMatrix(db, model, profile.clip.embeddingSize) };
    }
    const key = scorerKey(profile);
    let scores = this.#scores;
    if (
      scores?.version !== version ||
      scores.scoresVersion !== scoresVersion ||
      scores.key !== key
    ) {
      const index = ScoreIndex.build(await db.getAll('scores'), key);
      scores = { version, scoresVersion, key, index };
      this.#scores = scores;
    }
    const tuned = await this.#tunedView(db, model, version, this.#matrix.matrix);
    return { matrix: this.#matrix.matrix, scores: scores.index, ...(tuned ? { tuned } : {}) };
  }

  async #tunedView(
    db: LumenDb,
    model: string,
    version: number,
    m: VectorMatrix,
  ): Promise<TunedView | undefined> {
    const id = await activeAdapterId(db, model);
    if (id === undefined) return undefined;
    const cached = this.#adapters.get(id);
    if (cached?.version === version) return cached;
    const record = await getAdapter(db, id);
    if (!record || record.baseModel !== model) return undefined;
    const { weights } = decodeAdapter(record.bytes);
    const view = { version, weights, scales: tunedScales(weights, m.vectors, m.ids.length, m.dim) };
    // Views of an older library version are stale; keep the rest for instant switching.
    for (const [key, v] of this.#adapters) if (v.version !== version) this.#adapters.delete(key);
    this.#adapters.set(id, view);
    return view;
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    if (!this.#text) throw new Error('The search model is not loaded yet.');
    return this.#text.embed(texts);
  }

  async #searchVector(
    query: Float32Array,
    options: SearchOptions,
    exclude?: number,
  ): Promise<SearchResponse> {
    const started = performance.now();
    const { matrix: m, scores, tuned: active } = await this.#library();
    const tuned = options.adapter === 'none' ? undefined : active;
    const stats = { sum: 0, count: 0 };
    const skip = exclude === undefined ? undefined : (id: number) => id === exclude;
    let hits: { id: number; score: number; tuned?: RankedHit['tuned'] }[];
    if (tuned) {
      // An image query lives on the image side, so it is tuned too; a text query is not.
      const q = exclude === undefined ? query : tunedEmbedding(tuned.weights, query);
      const folded = transformQuery(tuned.weights, q);
      const ranked = topK(
        m.vectors,
        m.dim,
        m.ids,
        folded,
        options.limit,
        skip,
        stats,
        tuned.scales,
      );
      const base = topK(m.vectors, m.dim, m.ids, query, options.limit, skip);
      const baseRank = new Map(base.map((h, i) => [h.id, i + 1]));
      hits = ranked.map((h, i) => ({
        ...h,
        tuned: { rank: i + 1, baseRank: baseRank.get(h.id) ?? null },
      }));
    } else {
      hits = topK(m.vectors, m.dim, m.ids, query, options.limit, skip, stats);
    }
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
    const vector = extra ? blend(original!, extra, query.blend ?? 0.5) : original!;
    const res = await this.#searchVector(vector, options);
    return { ...res, tookMs: performance.now() - started };
  }

  async searchSimilar(photoId: number, options: SearchOptions): Promise<SearchResponse> {
    const { matrix: m } = await this.#library();
    const row = m.ids.indexOf(photoId);
    if (row < 0) throw new Error('This photo has no embedding for the current model.');
    const query = m.vectors.slice(row * m.dim, (row + 1) * m.dim);
    return this.#searchVector(query, options, photoId);
  }

  async photoVectors(ids: number[]): Promise<(Float32Array | null)[]> {
    const { matrix: m } = await this.#library();
    const rows = new Map(Array.from(m.ids, (id, row) => [id, row]));
    return ids.map((id) => {
      const row = rows.get(id);
      return row === undefined ? null : m.vectors.slice(row * m.dim, (row + 1) * m.dim);
    });
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
