import {
  startingProgress,
  type FileSource,
  type IndexingProgress,
  type LoadedModel,
} from '../../../workers/embedding/protocol';
import type { ModelLoadProgress } from '../../../workers/embedding/protocol';
import { promptTexts } from '../../../workers/aesthetics/protocol';
import type { ScoringProgress } from '../../../workers/aesthetics/protocol';
import type { SearchResponse } from '../../../workers/search/protocol';
import type { RankedHit } from '../../../workers/search/protocol';
import { AestheticsClient } from '../clients/aesthetics-client';
import { EmbeddingClient } from '../clients/embedding-client';
import { SearchClient } from '../clients/search-client';
import { sourcesFromDirectoryHandle } from '../files/collect-files';
import { canRead } from '../files/handle-permission';
import { getProfile, modelKey, type Profile } from '../../core/manifest';
import { openLibraryDb, type JobRecord, type LumenDb, type SkippedRecord } from '../../core/store/db';
import { clearSkipped, libraryStats, listSkipped, type LibraryStats } from '../../core/store/photo-store';
import { AppShell } from './app-shell.svelte';
import { RankingSettings } from './ranking.svelte';
import { StorageInfo } from './storage-info.svelte';
import { RephraseState } from './rephrase.svelte';
import type { StartupSettings } from './settings';
import { ThumbnailCache } from './thumbnail-cache';

export interface TowerStatus {
  state: 'idle' | 'loading' | 'ready' | 'failed';
  progress?: ModelLoadProgress;
  message?: string;
  loaded?: LoadedModel;
}

export type ResultMode = 'library' | 'best' | 'text' | 'similar';

const LAST_QUERY_KEY = 'lumen.lastQuery';
export const RESULT_LIMIT = 500;

/** The page's state: models, the library, indexing and search. Components only render it. */
export class Lumen {
  readonly profile: Profile;
  readonly db: Promise<LumenDb>;
  readonly thumbnails: ThumbnailCache;
  readonly #embedding: EmbeddingClient;
  readonly #search: SearchClient;
  readonly #aesthetics: AestheticsClient;
  readonly #appBase: string;
  #prompts: Promise<Float32Array[]> | undefined;
  #scoringAgain = false;
  #abort: AbortController | undefined;
  #visionReady: Promise<LoadedModel> | undefined;
  #textReady: Promise<LoadedModel> | undefined;
  #lastRefresh = 0;

  vision = $state<TowerStatus>({ state: 'idle' });
  text = $state<TowerStatus>({ state: 'idle' });
  stats = $state<LibraryStats>({ photos: 0, duplicates: 0, embedded: 0, skipped: 0 });
  indexing = $state<IndexingProgress | null>(null);
  pendingJob = $state<JobRecord | null>(null);
  skipped = $state<SkippedRecord[]>([]);
  notice = $state<string | null>(null);

  query = $state('');
  mode = $state<ResultMode>('library');
  similarTo = $state<number | null>(null);
  hits = $state<RankedHit[]>([]);
  readonly ranking = new RankingSettings(localStorage);
  scoring = $state<ScoringProgress | null>(null);
  scoringError = $state<string | null>(null);
  /** How many photos carry aesthetic scores from the current scorers. */
  scored = $state(0);
  searching = $state(false);
  searchError = $state<string | null>(null);
  searchMs = $state<number | null>(null);

  /** Originals picked in this session, for opening large without a stored file handle. */
  // Not reactive on purpose: nothing renders from it, and it can hold 100k entries.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly originals = new Map<string, File>();

  constructor(settings: StartupSettings, appBase: string) {
    this.profile = getProfile(settings.profileId);
    this.#appBase = appBase;
    this.db = openLibraryDb();
    this.thumbnails = new ThumbnailCache(this.db);
    const crashed = (what: string) => (message: string) => {
      this.notice = `The ${what} worker stopped unexpectedly (${message}). Reload the page; nothing stored was lost.`;
    };
    this.#embedding = new EmbeddingClient(crashed('indexing'));
    this.#search = new SearchClient(crashed('search'));
    this.#aesthetics = new AestheticsClient(crashed('aesthetics'));
    this.device = settings.device;
    this.rephrase = new RephraseState(
      this.profile.id,
      appBase,
      settings.device,
      this.db,
      localStorage,
    );
    if (settings.warning) this.notice = settings.warning;
  }

  readonly device: StartupSettings['device'];
  readonly rephrase: RephraseState;
  readonly shell = new AppShell();
  readonly storage = new StorageInfo();

  get modelKey(): string {
    return modelKey(this.profile.clip);
  }

  get isIndexing(): boolean {
    return this.indexing?.state === 'running' || this.indexing?.state === 'paused';
  }

  async start(): Promise<void> {
    this.shell.start();
    void this.storage.refresh();
    const db = await this.db;
    this.pendingJob = (await db.get('jobs', 'current')) ?? null;
    await this.refreshLibrary();
    const last = localStorage.getItem(LAST_QUERY_KEY);
    // The text model loads lazily: browsing the library needs no model at all.
    if (last) {
      this.query = last;
      await this.runSearch();
    } else if (this.stats.embedded > 0) {
      await this.showLibrary();
    }
    // Backfill: photos indexed before (or by an older scorer) get their scores now.
    if (this.stats.embedded > 0) void this.scoreLibrary();
  }

  #loadTower(tower: 'vision' | 'text'): Promise<LoadedModel> {
    const set = (s: TowerStatus) => (tower === 'vision' ? (this.vision = s) : (this.text = s));
    set({ state: 'loading' });
    const request = { profileId: this.profile.id, appBase: this.#appBase, device: this.device };
    const onProgress = (progress: ModelLoadProgress) => set({ state: 'loading', progress });
    const client = tower === 'vision' ? this.#embedding : this.#search;
    const ready = client.load(request, onProgress).then(
      (loaded) => {
        set({ state: 'ready', loaded });
        return loaded;
      },
      (e: unknown) => {
        set({ state: 'failed', message: e instanceof Error ? e.message : String(e) });
        if (tower === 'vision') this.#visionReady = undefined;
        else this.#textReady = undefined;
        throw e;
      },
    );
    return ready;
  }

  visionModel(): Promise<LoadedModel> {
    return (this.#visionReady ??= this.#loadTower('vision'));
  }

  textModel(): Promise<LoadedModel> {
    return (this.#textReady ??= this.#loadTower('text'));
  }

  async refreshLibrary(): Promise<void> {
    const db = await this.db;
    this.stats = await libraryStats(db, this.modelKey);
    this.skipped = (await listSkipped(db)).sort((a, b) => a.path.localeCompare(b.path));
  }

  async addSources(sources: FileSource[], rootName: string, handle?: FileSystemDirectoryHandle) {
    if (this.isIndexing) {
      this.notice = 'Indexing is already running; add more when it finishes.';
      return;
    }
    if (sources.length === 0) {
      this.notice = 'No files found there (hidden and system files are skipped).';
      return;
    }
    for (const s of sources) this.originals.set(s.path, s.file);
    this.notice = null;
    // The library is worth keeping: ask the browser not to evict it under pressure.
    if (this.storage.persisted === false) void this.storage.persist().catch(() => false);
    this.indexing = startingProgress(sources.length);
    // Cancel works from the first moment, even while the image model is still loading.
    const abort = new AbortController();
    this.#abort = abort;
    try {
      await this.visionModel();
    } catch {
      this.indexing = null;
      this.#abort = undefined;
      return;
    }
    if (abort.signal.aborted) {
      this.indexing = { ...startingProgress(sources.length), state: 'cancelled' };
      this.#abort = undefined;
      return;
    }
    try {
      const request = { sources, rootName, ...(handle ? { handle } : {}) };
      const result = await this.#embedding.index(
        request,
        (p) => this.#onProgress(p),
        this.#abort.signal,
      );
      this.indexing = result;
      if (result.message) this.notice = result.message;
    } catch (e) {
      this.notice = `Indexing failed: ${e instanceof Error ? e.message : String(e)}. Everything stored so far is kept.`;
      this.indexing = null;
    }
    this.#abort = undefined;
    const db = await this.db;
    this.pendingJob = (await db.get('jobs', 'current')) ?? null;
    await this.refreshLibrary();
    await this.#refreshResults();
    void this.storage.refresh();
    void this.scoreLibrary();
  }

  #onProgress(p: IndexingProgress) {
    this.indexing = p;
    const now = Date.now();
    if (p.state === 'running' && now - this.#lastRefresh > 2000) {
      this.#lastRefresh = now;
      void this.refreshLibrary();
      if (this.mode === 'library') void this.showLibrary();
      // Scoring follows indexing batch by batch.
      void this.scoreLibrary();
    }
  }

  /** Scores every photo that lacks aesthetic scores; safe to call often. */
  async scoreLibrary(): Promise<void> {
    if (this.scoring?.state === 'running') {
      this.#scoringAgain = true;
      return;
    }
    this.scoring = { state: 'running', done: 0, total: 0 };
    this.scoringError = null;
    try {
      await this.textModel();
      this.#prompts ??= this.#search.embedTexts(promptTexts());
      const prompts = await this.#prompts;
      const request = { profileId: this.profile.id, appBase: this.#appBase, prompts };
      this.scoring = await this.#aesthetics.score(request, (p) => (this.scoring = p));
    } catch (e) {
      this.#prompts = undefined;
      this.scoringError = `Aesthetic scores are unavailable: ${e instanceof Error ? e.message : String(e)} Search still works, ordered by relevance.`;
      this.scoring = null;
      return;
    }
    if (this.scoring.total > 0) await this.#refreshResults();
    if (this.#scoringAgain) {
      this.#scoringAgain = false;
      await this.scoreLibrary();
    }
  }

  pause() {
    void this.#embedding.pause();
    if (this.indexing?.state === 'running') this.indexing = { ...this.indexing, state: 'paused' };
  }

  resume() {
    void this.#embedding.resume();
    if (this.indexing?.state === 'paused') this.indexing = { ...this.indexing, state: 'running' };
  }

  cancel() {
    this.#abort?.abort();
  }

  async resumePending(): Promise<'resumed' | 'pick-again'> {
    const job = this.pendingJob;
    if (!job?.handle) return 'pick-again';
    if (!(await canRead(job.handle, true))) return 'pick-again';
    await this.addSources(await sourcesFromDirectoryHandle(job.handle), job.rootName, job.handle);
    return 'resumed';
  }

  async dismissPending() {
    const db = await this.db;
    await db.delete('jobs', 'current');
    this.pendingJob = null;
  }

  async clearSkippedList() {
    await clearSkipped(await this.db);
    await this.refreshLibrary();
  }

  async #refreshResults() {
    if (this.mode === 'library' || this.mode === 'best')
      await this.showLibrary(this.mode === 'best');
    else if (this.mode === 'text' && this.query.trim()) await this.searchWithRephrasing();
    else if (this.mode === 'similar' && this.similarTo !== null)
      await this.moreLikeThis(this.similarTo);
  }

  /** Re-orders what is shown after a ranking setting changed. */
  async rerank(): Promise<void> {
    this.ranking.save();
    await this.#refreshResults();
  }

  /** The whole library, newest first, or most beautiful first ("best shots"). */
  async showLibrary(best = false) {
    this.mode = best ? 'best' : 'library';
    this.similarTo = null;
    this.searchError = null;
    if (this.stats.embedded === 0) {
      this.hits = [];
      return;
    }
    // Browsing reads stored vectors only; the search worker opens without its model.
    await this.#search.useProfile(this.profile.id);
    const res = await this.#search
      .browse({ order: best ? 'beauty' : 'recent', minBeauty: this.ranking.minBeauty })
      .catch(() => null);
    if (res) {
      this.hits = res.hits;
      this.scored = res.scored;
    }
  }

  async runSearch(): Promise<void> {
    const text = this.query.trim();
    localStorage.setItem(LAST_QUERY_KEY, text);
    if (!text) {
      await this.showLibrary();
      return;
    }
    this.mode = 'text';
    this.similarTo = null;
    // The person's own words answer at once; a rephrasing refines the results when it arrives.
    const known = this.rephrase.forQuery === text ? this.rephrase.applied : null;
    await this.#searchText(text, known);
    if (this.rephrase.enabled && this.rephrase.forQuery !== text) {
      const rephrased = await this.rephrase.run(text);
      if (rephrased && this.query.trim() === text) await this.#searchText(text, rephrased);
    }
  }

  /** Searches again after the person edited, applied or undid a rephrasing. */
  async searchWithRephrasing(): Promise<void> {
    const text = this.query.trim();
    if (text)
      await this.#searchText(text, this.rephrase.forQuery === text ? this.rephrase.applied : null);
  }

  #searchText(text: string, rephrased: string | null) {
    const query = rephrased ? { text, rephrased, blend: this.rephrase.blend } : { text };
    return this.#run(() =>
      this.#search.searchText(query, { limit: RESULT_LIMIT, rank: this.ranking.options }),
    );
  }

  async clearSearch(): Promise<void> {
    this.query = '';
    await this.runSearch();
  }

  async moreLikeThis(photoId: number): Promise<void> {
    this.mode = 'similar';
    this.similarTo = photoId;
    await this.#run(() =>
      this.#search.searchSimilar(photoId, { limit: RESULT_LIMIT, rank: this.ranking.options }),
    );
  }

  async #run(search: () => Promise<SearchResponse>) {
    this.searching = true;
    this.searchError = null;
    try {
      await this.textModel();
      const res = await search();
      this.hits = res.hits;
      this.scored = res.scored;
      this.searchMs = res.tookMs;
    } catch (e) {
      this.searchError = e instanceof Error ? e.message : String(e);
      this.hits = [];
    } finally {
      this.searching = false;
    }
  }

  /** The original file for the large view: from this session, else the stored handle. */
  async openOriginal(path: string, handle?: FileSystemFileHandle): Promise<string | null> {
    let file = this.originals.get(path);
    if (!file && handle) {
      file = (await canRead(handle, false))
        ? await handle.getFile().catch(() => undefined)
        : undefined;
    }
    return file ? URL.createObjectURL(file) : null;
  }
}
