import { getProfile, modelKey, type Profile } from '../../core/manifest';
import { activeAdapterId } from '../../core/store/adapter-store';
import { errorMessage } from '../../core/errors';
import type { LumenDb } from '../../core/store/db';
import { queueJob, unqueueJob } from '../../core/store/job-queue';
import { AestheticsClient } from '../clients/aesthetics-client';
import { EmbeddingClient } from '../clients/embedding-client';
import { LibraryIoClient } from '../clients/library-io-client';
import { LlmClient } from '../clients/llm-client';
import { SearchClient } from '../clients/search-client';
import { TuningClient } from '../clients/tuning-client';
import { MomentsClient } from '../clients/moments-client';
import { holdWorkersUntil } from '../clients/worker-bridge';
import { AppShell } from './app-shell.svelte';
import { FoldersManager } from './folders.svelte';
import { IndexingManager } from './indexing.svelte';
import { JudgeManager } from './judge.svelte';
import { JudgeSystems } from './judge-systems.svelte';
import { noticedConnection } from './library-connection';
import { LibraryIoManager } from './library-io.svelte';
import { LAST_QUERY_KEY, LastQuery } from './last-query';
import { LibraryManager } from './library.svelte';
import { MetadataFillState } from './metadata-fill.svelte';
import { photosMissingMetadata } from './missing-metadata';
import { ModelsManager } from './models.svelte';
import { MomentsState } from './moments.svelte';
import { Notice } from './notice.svelte';
import { PhotoSelection } from './photo-selection.svelte';
import { PersistedSetting, textCodec } from './persisted-setting.svelte';
import { RankingSettings } from './ranking.svelte';
import { RephraseSettings } from './rephrase-settings.svelte';
import { RephraseState } from './rephrase.svelte';
import type { SampleLibrary } from './sample.svelte';
import { pageSample } from './sample-wiring';
import { ScoringManager, storedPrompts } from './scoring.svelte';
import { judgeRephraser, searchRephraser } from './rephrase-views';
import { SearchManager } from './search.svelte';
import { SearchFilters } from './search-filters.svelte';
import type { StartupSettings } from './settings';
import { StorageInfo } from './storage-info.svelte';
import { coalesced, TabChannel } from './tab-channel';
import { browserLocks, LOCKS, runExclusive, runIfFree } from './tab-locks';
import { ThumbnailCache } from './thumbnail-cache';
import { workerPolicyReady } from './worker-policy';
import { storedRephrasings, TuningState } from './tuning.svelte';

/**
 * Where the page's managers are made and wired together; the only place that creates
 * clients (and so workers). Components receive the managers they render.
 */
export class AppState {
  readonly profile: Profile;
  /** The library database; it steps aside when another tab upgrades it, and reopens on use. */
  readonly db: () => Promise<LumenDb>;
  readonly notice = new Notice();
  readonly shell = new AppShell();
  readonly storage = new StorageInfo();
  readonly thumbnails: ThumbnailCache;
  readonly ranking = new RankingSettings();
  readonly models: ModelsManager;
  readonly library: LibraryManager;
  readonly libraryIo: LibraryIoManager;
  readonly folders: FoldersManager;
  /** Dates and places for photos stored without them, read again from their files. */
  readonly metadataFill: MetadataFillState;
  /** Photos picked in the grid, to remove together. */
  readonly selection = new PhotoSelection();
  readonly indexing: IndexingManager;
  readonly scoring: ScoringManager;
  readonly search: SearchManager;
  readonly rephrase: RephraseState;
  readonly judgeSystems: JudgeSystems;
  readonly judge: JudgeManager;
  readonly tuning: TuningState;
  /** The culling view: moments and copies, and the person's keep/reject decisions. */
  readonly moments: MomentsState;
  /** "Try it on sample photos" and leaving the sample again (docs/sample-library.md). */
  readonly sample: SampleLibrary;
  readonly #searchClient: SearchClient;
  /** News between this library's tabs (what changed, another tab's indexing progress). */
  readonly tabs = new TabChannel();
  readonly #locks = browserLocks();

  constructor(settings: StartupSettings, appBase: string) {
    const profile = (this.profile = getProfile(settings.profileId));
    const request = { profileId: profile.id, appBase, device: settings.device };
    const connection = noticedConnection(this.notice);
    this.db = () => connection.get();
    this.thumbnails = new ThumbnailCache(this.db);
    // A dead worker is replaced on the next call; what it had loaded must load again.
    const stopped = (what: string, then: () => void) => (message: string) => {
      this.notice.show(
        `The ${what} worker stopped unexpectedly (${message}). It restarts when next needed; nothing stored was lost.`,
      );
      then();
    };
    const embedding = new EmbeddingClient(stopped('indexing', () => this.models.forget('vision')));
    const search = new SearchClient(stopped('search', () => this.models.forget('text')));
    this.#searchClient = search;
    const embedTexts = async (texts: string[]) => {
      await this.models.textModel();
      return search.embedTexts(texts);
    };
    const aesthetics = new AestheticsClient(stopped('aesthetics', () => undefined));
    const llm = new LlmClient((message) => this.rephrase.workerStopped(message));

    this.models = new ModelsManager({ vision: embedding, text: search }, request);
    this.library = new LibraryManager(this.db, modelKey(profile.clip), (tab) =>
      runIfFree(this.#locks, LOCKS.tab(tab), () => Promise.resolve()).then((r) => r !== undefined),
    );
    // Held while this tab lives: tells the others whether a folder it queued is orphaned.
    void this.#locks.request(LOCKS.tab(this.tabs.tab), {}, () => new Promise<void>(() => {}));
    this.rephrase = new RephraseState(new RephraseSettings(), llm, request, this.db, {
      locks: this.#locks,
      channel: this.tabs,
    });
    this.search = new SearchManager({
      client: search,
      models: this.models,
      ranking: this.ranking,
      rephraser: searchRephraser(() => this.rephrase),
      embedded: () => this.library.stats.embedded,
      lastQuery: new LastQuery(
        new PersistedSetting({
          key: LAST_QUERY_KEY,
          fallback: '',
          codec: textCodec,
          validate: (v) => (typeof v === 'string' ? v : undefined),
        }),
      ),
      filters: new SearchFilters(),
      profileId: profile.id,
      remember: (text) => this.tuning.remember(text),
    });
    this.tuning = new TuningState({
      client: new TuningClient(stopped('tuning', () => undefined)),
      profile,
      db: this.db,
      embedTexts,
      rephraser: storedRephrasings(this.rephrase, this.db),
      search: {
        currentQuery: () => (this.search.mode === 'text' ? this.search.query.trim() : null),
        shown: () => this.search.hits.flatMap((h) => (h ? [h.id] : [])),
        // Called after every change of the tuned model in use: the other tabs search with it too.
        refresh: () => {
          this.tabs.post({ kind: 'adapter-changed', model: modelKey(profile.clip) });
          return this.search.refresh();
        },
      },
    });
    this.scoring = new ScoringManager(
      aesthetics,
      search,
      this.models,
      { profileId: profile.id, appBase },
      () => {
        this.tabs.post({ kind: 'library-changed' });
        return this.search.refresh();
      },
      storedPrompts(this.db, modelKey(profile.clip)),
      // One tab scores at a time; a second one's turn finds the photos already scored.
      (task) => runExclusive(this.#locks, LOCKS.scoring(profile.id), task),
    );
    this.folders = new FoldersManager({
      db: this.db,
      blocked: () =>
        this.indexing.isIndexing || this.libraryIo.job !== null
          ? 'Wait until indexing, an import or an export has finished, then try again.'
          : null,
      onRemoved: async () => {
        this.selection.stop();
        // Pairs naming removed photos went with them.
        void this.tuning.pairs.refresh();
        // The photo that "more like this" started from may be gone: show the library instead.
        if (this.search.mode === 'similar') await this.search.clearSearch();
        await this.#libraryChanged();
      },
      notify: (message) => this.notice.show(message),
      exclusive: (task) => runExclusive(this.#locks, LOCKS.libraryWrite, task),
    });
    this.indexing = new IndexingManager(
      embedding,
      this.models,
      this.library,
      this.notice,
      {
        onStart: (sources) => {
          // Files gone from a folder added again are reported, to be removed in one step.
          void this.folders.folderCollected(sources).catch(() => undefined);
        },
        onIndexed: (sources, handle) => {
          // A folder is indexed: now the library is worth keeping, ask the browser not to evict it.
          void this.storage.libraryGrew().catch(() => undefined);
          return this.folders.folderIndexed(sources, handle);
        },
        onBatches: () => {
          this.tabs.post({ kind: 'library-changed' });
          void this.library.refresh();
          if (this.search.mode === 'library') void this.search.showLibrary(false, true);
          // Scoring follows indexing batch by batch.
          void this.scoring.scoreLibrary();
        },
        onFinished: () => this.#libraryChanged(),
        // A folder waiting for another tab's job is recorded, to offer it again if this tab closes.
        onQueued: (run) =>
          void this.db()
            .then((db) =>
              run
                ? queueJob(db, this.tabs.tab, { ...run, total: run.sources.length })
                : unqueueJob(db, this.tabs.tab),
            )
            .catch(() => undefined),
      },
      { locks: this.#locks, channel: this.tabs },
    );
    this.tabs.on((m) => {
      if (m.kind === 'library-changed') this.#changedElsewhere();
      else if (m.kind === 'adapter-changed' && m.model === modelKey(profile.clip)) {
        void this.tuning.adapters.refresh().catch(() => undefined);
        void this.search.refresh();
      }
    });
    // The systems the judge view compares; +rephrase asks the same model the search box uses.
    this.judgeSystems = new JudgeSystems({
      client: search,
      textModel: () => this.models.textModel(),
      ranking: this.ranking,
      rephraser: judgeRephraser(() => this.rephrase),
      hasAdapter: async () =>
        (await activeAdapterId(await this.db(), modelKey(profile.clip))) !== undefined,
    });
    this.judge = new JudgeManager({
      db: this.db,
      profileId: profile.id,
      model: modelKey(profile.clip),
      builtInQueries: profile.tuning?.judgingQueries ?? [],
      systems: this.judgeSystems,
      proxy: {
        embedTexts,
        photoVectors: (ids) => search.photoVectors(ids),
        searchText: (q, o) => search.searchText(q, o),
      },
    });
    this.libraryIo = new LibraryIoManager({
      client: new LibraryIoClient(),
      profileId: profile.id,
      modelKey: modelKey(profile.clip),
      blocked: () =>
        this.indexing.isIndexing || this.folders.removing
          ? 'Wait until indexing or removing has finished, then try again.'
          : null,
      // Photos that came without scores (or with another head's) are scored here.
      onImported: () => {
        void this.storage.libraryGrew().catch(() => undefined);
        return this.#libraryChanged();
      },
    });
    this.metadataFill = new MetadataFillState({
      client: embedding,
      missing: async () => photosMissingMetadata(await this.db()),
      blocked: () =>
        this.indexing.isIndexing || this.folders.removing || this.libraryIo.job !== null
          ? 'Wait until indexing, removing, an import or an export has finished, then try again.'
          : null,
      // The library-changed path re-reads months, places and cameras, in every tab.
      onFilled: () => this.#libraryChanged(),
      exclusive: (task) => runExclusive(this.#locks, LOCKS.libraryWrite, task),
    });
    this.moments = new MomentsState({
      client: new MomentsClient(stopped('moments', () => undefined)),
      db: this.db,
      profileId: profile.id,
      model: modelKey(profile.clip),
      // Culling pairs are the active taste's picks: its counts are read again.
      onDecided: () => void this.tuning.pairs.refresh(),
    });
    this.sample = pageSample({
      profileId: profile.id,
      appBase,
      libraryIo: this.libraryIo,
      library: this.library,
      folders: this.folders,
    });
    if (settings.warning) this.notice.show(settings.warning);
  }

  /** After indexing or an import: counts, results and storage anew, and score what is new. */
  async #libraryChanged(): Promise<void> {
    this.tabs.post({ kind: 'library-changed' });
    await this.library.refresh();
    await this.search.refresh();
    void this.storage.refresh();
    void this.folders.refresh().catch(() => undefined);
    void this.metadataFill.refresh().catch(() => undefined);
    void this.scoring.scoreLibrary();
    // Groups are regrouped incrementally from what changed (the moments worker).
    void this.moments.load();
  }

  /**
   * Another tab changed the library: counts, results and folders anew; news arriving meanwhile
   * makes one more pass. Results after counts: an empty library shows no grid. Scoring is
   * that tab's.
   */
  readonly #changedElsewhere = coalesced(() =>
    Promise.all([
      this.library.refresh().then(() => this.search.refresh()),
      this.library.refreshPendingJob(),
      this.folders.refresh(),
      this.storage.refresh(),
      this.metadataFill.refresh(),
    ]),
  );

  async start(): Promise<void> {
    this.shell.start();
    // No worker without its Content-Security-Policy (worker-policy.ts): every worker start,
    // including one asked for by the person meanwhile, waits for it.
    const policy = workerPolicyReady();
    holdWorkersUntil(policy);
    await policy;
    void this.storage.refresh();
    await this.library.refreshPendingJob();
    await this.library.refresh();
    await this.search.start();
    void this.moments.load();
    // The folder list tells whether the sample is loaded; `?sample=try` imports it now.
    void this.folders
      .refresh()
      .catch(() => undefined)
      .then(() => this.sample.resume());
    void this.metadataFill.refresh().catch(() => undefined);
    // A removal a closed tab left half-done carries on: the person confirmed it then.
    void this.folders.resumePending().catch(() => undefined);
    // A library stored before compact vectors is rewritten in the background, resumably.
    // One tab compacts; another waits its turn, which finds the work done (or carries on).
    void this.library
      .compactVectors((onProgress) =>
        runExclusive(this.#locks, LOCKS.compaction, () =>
          this.#searchClient.compactLibrary(onProgress),
        ),
      )
      .catch((e: unknown) =>
        this.notice.show(
          `Compacting the stored vectors stopped (${errorMessage(e)}). Search still works, and it carries on at the next start.`,
        ),
      );
    // Backfill: photos indexed before (or by an older scorer) get their scores now.
    if (this.library.stats.embedded > 0) void this.scoring.scoreLibrary();
  }
}
