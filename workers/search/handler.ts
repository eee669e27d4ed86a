import { getProfile, modelKey, type Profile } from '../../src/core/manifest';
import { activeAdapterId, getAdapter } from '../../src/core/store/adapter-store';
import { LibraryConnection, getLibraryVersion, type LumenDb } from '../../src/core/store/db';
import { decodeRow } from '../../src/core/int8-codec';
import { compactLibrary, loadCompactMatrix } from '../../src/core/store/embedding-store';
import { repackScores } from '../../src/core/store/score-store';
import { DEFAULT_NEGATION_WEIGHT } from '../../src/core/query/concept-arithmetic';
import { blend } from '../../src/core/vectors';
import { scorerKey } from '../aesthetics/scorer';
import type { LoadRequest, LoadedModel, ModelLoadProgress } from '../embedding/protocol';
import { loadWorkerTower, type ClipText } from '../shared/clip-models';
import { transformQuery, tunedEmbedding, tunedScales } from '../tuning/adapter';
import { decodeAdapter } from '../tuning/adapter-codec';
import { headZInt8 } from '../../src/core/tuning/taste-head';
import type { AdapterWeights } from '../tuning/protocol';
import { getMetadataVersion } from '../../src/core/store/metadata-store';
import { MetaColumns } from './meta-columns';
import { photoWithWords, withoutNegatives } from './query-vector';
import {
  filters,
  type BrowseOptions,
  type BrowseRanking,
  type CompactionProgress,
  type Facets,
  type RankedHit,
  type SearchApi,
  type SearchOptions,
  type SearchResponse,
  type TextQuery,
} from './protocol';
import { ScoreIndex, rerank } from './rerank';
import { LibraryScan } from './scan/library-scan';
import { browseOrder } from './browse-order';
import { inOrder } from './time-order';

interface TunedView {
  version: number;
  weights: AdapterWeights;
  scales: Float32Array;
  /** The taste head's z per scan row and its weight, when the adapter file carries one. */
  taste?: { z: Float32Array; lambda: number };
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
  #matrix: { version: number; scan: LibraryScan } | undefined;
  /** Capture metadata aligned to the scan's rows, for the scan and metadata version read. */
  #meta: { scan: LibraryScan; version: number; columns: MetaColumns } | undefined;
  /**
   * Tuned adapters as folded per-photo scales, by adapter id, for the library version they were
   * computed at: switching between base and tuned swaps an array instead of re-scoring.
   */
  #adapters = new Map<number, TunedView>();
  /** The latest browse's order, whose pages the page fetches as the person scrolls. */
  #browsed:
    | { ranking: number; ids: number[]; scores: ScoreIndex; meta: MetaColumns; scan: LibraryScan }
    | undefined;
  #browseCount = 0;
  /** Brought up to date from the score blocks written since it was read (`refresh`). */
  #scores: ScoreIndex | undefined;

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

  async #library(): Promise<{
    scan: LibraryScan;
    scores: ScoreIndex;
    meta: MetaColumns;
    tuned?: TunedView;
  }> {
    const profile = this.#profile;
    if (!profile) throw new Error('No model profile selected.');
    const db = await this.#openDb();
    const version = await getLibraryVersion(db);
    const model = modelKey(profile.clip);
    if (this.#matrix?.version !== version || this.#matrix.scan.matrix.model !== model) {
      const matrix = await loadCompactMatrix(db, model, profile.clip.embeddingSize);
      this.#matrix = { version, scan: new LibraryScan(matrix, this.#matrix?.scan) };
    }
    const key = scorerKey(profile);
    const current = this.#scores?.key === key ? this.#scores : undefined;
    const scores = await (current ? current.refresh(db) : ScoreIndex.load(db, key));
    this.#scores = scores;
    const { scan } = this.#matrix;
    const tuned = await this.#tunedView(db, model, version, scan);
    const meta = await this.#metaColumns(db, scan);
    return { scan, scores, meta, ...(tuned ? { tuned } : {}) };
  }

  /** The metadata columns, read again when the scan (the library) or the metadata changed. */
  async #metaColumns(db: LumenDb, scan: LibraryScan): Promise<MetaColumns> {
    const version = await getMetadataVersion(db);
    if (this.#meta?.scan !== scan || this.#meta.version !== version) {
      const columns = await MetaColumns.load(db, scan.matrix.ids, (id) => scan.rowOf(id));
      this.#meta = { scan, version, columns };
    }
    return this.#meta.columns;
  }

  async #tunedView(
    db: LumenDb,
    model: string,
    version: number,
    scan: LibraryScan,
  ): Promise<TunedView | undefined> {
    const id = await activeAdapterId(db, model);
    if (id === undefined) return undefined;
    const cached = this.#adapters.get(id);
    if (cached?.version === version) return cached;
    const record = await getAdapter(db, id);
    if (!record || record.baseModel !== model) return undefined;
    const { weights, summary } = decodeAdapter(record.bytes);
    // From the int8 codes: each photo's scale cancels, so the folded norm replaces it.
    const { codes, dim } = scan.matrix;
    const view: TunedView = {
      version,
      weights,
      scales: tunedScales(weights, codes, scan.size, dim),
    };
    // A taste's head (issue 22): its z over the base vectors of this library, once per version.
    if (summary.head && summary.head.w.length === dim) {
      const z = headZInt8(summary.head.w, codes, scan.matrix.scales, scan.size, dim);
      view.taste = { z, lambda: summary.head.lambda };
    }
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
    const { scan, scores, meta, tuned: active } = await this.#library();
    const tuned = options.adapter === 'none' ? undefined : active;
    const excludeRow = exclude === undefined ? -1 : scan.rowOf(exclude);
    // The filter is a list of rows before the scan picks any candidate.
    const rows = filters(options.filter) ? meta.rows(options.filter) : undefined;
    let hits: { id: number; score: number; tuned?: RankedHit['tuned']; taste?: number }[];
    let mean: number;
    let best: number | undefined;
    if (tuned) {
      // An image query lives on the image side, so it is tuned too; a text query is not.
      const q = exclude === undefined ? query : tunedEmbedding(tuned.weights, query);
      const ranked = scan.search(
        transformQuery(tuned.weights, q),
        options.limit,
        tuned.scales,
        excludeRow,
        rows,
      );
      const base = scan.search(query, options.limit, undefined, excludeRow, rows);
      const baseRank = new Map(base.hits.map((h, i) => [h.id, i + 1]));
      ({ mean, best } = ranked);
      const z = tuned.taste?.z;
      hits = ranked.hits.map((h, i) => ({
        ...h,
        tuned: { rank: i + 1, baseRank: baseRank.get(h.id) ?? null },
        ...(z ? { taste: z[scan.rowOf(h.id)] ?? 0 } : {}),
      }));
    } else {
      ({ hits, mean, best } = scan.search(query, options.limit, undefined, excludeRow, rows));
    }
    const nudge = tuned?.taste ? { weight: tuned.taste.lambda } : undefined;
    const ranked = rerank(hits, mean, scores, options.rank, best, nudge);
    for (const h of ranked) {
      const t = meta.takenAt[scan.rowOf(h.id)]!;
      if (!Number.isNaN(t)) h.takenAt = t;
    }
    const { hits: ordered, sections } = inOrder(ranked, options.rank.order);
    return {
      hits: ordered,
      searched: rows?.length ?? scan.size,
      scored: scores.size,
      tookMs: performance.now() - started,
      ...(sections ? { sections } : {}),
    };
  }

  /** The query less its `-word`s, by the profile's λ. */
  #withoutNegatives(query: Float32Array, negatives: string[] | undefined) {
    const text = this.#text;
    if (!text) return Promise.resolve(query);
    const lambda = this.#profile?.negationWeight ?? DEFAULT_NEGATION_WEIGHT;
    return withoutNegatives(query, negatives, (t) => text.embed(t), lambda);
  }

  async searchText(query: TextQuery, options: SearchOptions): Promise<SearchResponse> {
    if (!this.#text) throw new Error('The search model is not loaded yet.');
    const started = performance.now();
    const rephrased = query.rephrased?.trim();
    const texts = rephrased ? [query.text, rephrased] : [query.text];
    const [original, extra] = await this.#text.embed(texts);
    const blended = extra ? blend(original!, extra, query.blend ?? 0.5) : original!;
    const vector = await this.#withoutNegatives(blended, query.negatives);
    const res = await this.#searchVector(vector, options);
    const unknown = this.#text.unknownWords(query.text);
    return {
      ...res,
      tookMs: performance.now() - started,
      ...(unknown.length ? { unknownWords: unknown } : {}),
    };
  }

  async searchSimilar(
    photoId: number,
    options: SearchOptions,
    text?: Omit<TextQuery, 'rephrased' | 'blend'>,
  ): Promise<SearchResponse> {
    const { scan } = await this.#library();
    const row = scan.rowOf(photoId);
    if (row < 0) throw new Error('This photo has no embedding for the current model.');
    const { codes, fine, scales, dim } = scan.matrix;
    let query = decodeRow(codes, fine, scales, row, dim);
    const words = text?.text.trim();
    if (words || text?.negatives?.length) {
      if (!this.#text) throw new Error('The search model is not loaded yet.');
      if (words) query = photoWithWords(query, (await this.#text.embed([words]))[0]!);
      query = await this.#withoutNegatives(query, text?.negatives);
    }
    return this.#searchVector(query, options, photoId);
  }

  async facets(): Promise<Facets> {
    const { meta } = await this.#library();
    return meta.facets();
  }

  async photoVectors(ids: number[]): Promise<(Float32Array | null)[]> {
    const { scan } = await this.#library();
    const { codes, fine, scales, dim } = scan.matrix;
    return ids.map((id) => {
      const row = scan.rowOf(id);
      return row < 0 ? null : decodeRow(codes, fine, scales, row, dim);
    });
  }

  async compactLibrary(onProgress: (p: CompactionProgress) => void): Promise<number> {
    const db = await this.#openDb();
    const blocks = await compactLibrary(db, onProgress);
    // Per-photo score records of older libraries are packed the same resumable way.
    return blocks + (await repackScores(db, onProgress));
  }

  async browse(options: BrowseOptions): Promise<SearchResponse & { paged: BrowseRanking }> {
    const started = performance.now();
    const { scan, scores, meta } = await this.#library();
    const { ids, sections } = browseOrder(options, scan, scores, meta);
    const ranking = ++this.#browseCount;
    this.#browsed = { ranking, ids, scores, meta, scan };
    return {
      hits: this.#browseHits(ids, 0, options.pageSize ?? ids.length),
      paged: { ranking, total: ids.length },
      searched: scan.size,
      scored: scores.size,
      tookMs: performance.now() - started,
      ...(sections ? { sections } : {}),
    };
  }

  browsePage(ranking: number, from: number, count: number): Promise<RankedHit[] | null> {
    const browsed = this.#browsed;
    // Only the latest order is kept: an older one's pages would mix two orders on screen.
    // Its ids stay valid photos while the library changes; the page browses again after.
    if (browsed?.ranking !== ranking) return Promise.resolve(null);
    return Promise.resolve(this.#browseHits(browsed.ids, from, count));
  }

  #browseHits(ids: number[], from: number, count: number): RankedHit[] {
    const { scores, meta, scan } = this.#browsed!;
    return ids.slice(Math.max(0, from), Math.max(0, from + count)).map((id) => {
      const aesthetic = scores.view(id);
      const takenAt = meta.takenAt[scan.rowOf(id)] ?? Number.NaN;
      return {
        id,
        score: Number.NaN,
        relevance: Number.NaN,
        inHead: false,
        final: aesthetic?.combined ?? Number.NaN,
        ...(aesthetic ? { aesthetic } : {}),
        ...(Number.isNaN(takenAt) ? {} : { takenAt }),
      };
    });
  }
}
