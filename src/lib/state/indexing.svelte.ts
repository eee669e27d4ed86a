import {
  startingProgress,
  type FileSource,
  type IndexRequest,
  type IndexingProgress,
} from '../../../workers/embedding/protocol';
import { errorMessage } from '../../core/errors';
import { sourcesFromDirectoryHandle } from '../files/collect-files';
import { canRead } from '../files/handle-permission';
import type { LibraryManager } from './library.svelte';
import type { ModelsManager } from './models.svelte';
import type { Notice } from './notice.svelte';
import type { TabChannel } from './tab-channel';
import { browserLocks, isAbort, LOCKS, runExclusive, type LockRequester } from './tab-locks';

/** What indexing needs of the embedding worker (EmbeddingClient; a fake in specs). */
export interface IndexingClient {
  index: (
    request: IndexRequest,
    onProgress: (p: IndexingProgress) => void,
    signal?: AbortSignal,
  ) => Promise<IndexingProgress>;
  pause: () => Promise<void>;
  resume: () => Promise<void>;
}

export interface IndexingHooks {
  /** Called as indexing starts (the library is about to grow), with the files to index. */
  onStart?: (sources: FileSource[]) => void;
  /** Called when every file was gone through (not cancelled, not failed). */
  onIndexed?: (sources: FileSource[], handle?: FileSystemDirectoryHandle) => Promise<void>;
  /** Called every few seconds while batches land, so the page can show them. */
  onBatches?: () => void;
  /** Called once indexing ended, however it ended. */
  onFinished?: () => Promise<void>;
  /** Called when the files wait for another tab's job, and with null when they stop waiting. */
  onQueued?: (run: UnstartedRun | null) => void;
}

const BATCH_REFRESH_MS = 2000;

/** Files picked while the image model could not load: kept so that one click tries them again. */
export interface UnstartedRun {
  sources: FileSource[];
  rootName: string;
  handle?: FileSystemDirectoryHandle;
}

/** Another tab's indexing job, as its progress messages tell it. */
export interface ElsewhereJob {
  rootName: string;
  progress: IndexingProgress;
}

/** The library's other tabs: one indexing job at a time, and its progress shown in every tab. */
export interface IndexingTabs {
  locks: LockRequester;
  channel?: TabChannel;
}

/** Turning picked files into searchable photos: progress, pause, cancel, resume after a reload. */
export class IndexingManager {
  #progress = $state<IndexingProgress | null>(null);
  // Raw: the files go to the worker as they are, and a deep proxy cannot be posted.
  #unstarted = $state.raw<UnstartedRun | null>(null);
  #abort: AbortController | undefined;
  #lastRefresh = 0;
  #rootName = '';
  /** The folder this tab's job is for, while it waits for another tab's job to end. */
  #waiting = $state<string | null>(null);
  #elsewhere = $state<ElsewhereJob | null>(null);
  /** A place in the lock's line that tells when another tab's job ended (closed tabs send nothing). */
  #watching = false;

  constructor(
    private readonly client: IndexingClient,
    private readonly models: Pick<ModelsManager, 'visionModel' | 'forget'>,
    private readonly library: Pick<
      LibraryManager,
      'rememberOriginals' | 'refreshPendingJob' | 'pendingJob'
    >,
    private readonly notice: Notice,
    private readonly hooks: IndexingHooks = {},
    private readonly tabs: IndexingTabs = { locks: browserLocks() },
  ) {
    tabs.channel?.on((m) => {
      if (m.kind !== 'indexing') return;
      const ended = m.progress.state !== 'running' && m.progress.state !== 'paused';
      this.#elsewhere = ended ? null : { rootName: m.rootName, progress: m.progress };
      if (!ended) this.#watchElsewhere();
    });
  }

  /** The folder this tab will index once another tab's job ends; null when not waiting. */
  get waiting(): string | null {
    return this.#waiting;
  }

  /** The job another tab is running, while it runs. */
  get elsewhere(): ElsewhereJob | null {
    return this.#elsewhere;
  }

  #watchElsewhere() {
    if (this.#watching) return;
    this.#watching = true;
    void this.tabs.locks
      .request(LOCKS.libraryWrite, {}, () => {
        this.#elsewhere = null;
        this.#watching = false;
        return Promise.resolve();
      })
      .catch(() => (this.#watching = false));
  }

  get progress(): IndexingProgress | null {
    return this.#progress;
  }

  /** The last picked files, when the image model failed before indexing could start. */
  get unstarted(): UnstartedRun | null {
    return this.#unstarted;
  }

  /** Indexes the files that waited on the image model, loading it again first. */
  async retryUnstarted(): Promise<void> {
    const run = this.#unstarted;
    if (run) await this.addSources(run.sources, run.rootName, run.handle);
  }

  dismissUnstarted(): void {
    this.#unstarted = null;
  }

  get isIndexing(): boolean {
    const state = this.#progress?.state;
    return state === 'running' || state === 'paused';
  }

  async addSources(sources: FileSource[], rootName: string, handle?: FileSystemDirectoryHandle) {
    if (this.isIndexing) {
      this.notice.show('Indexing is already running; add more when it finishes.');
      return;
    }
    if (sources.length === 0) {
      this.notice.show('No files found there (hidden and system files are skipped).');
      return;
    }
    this.#unstarted = null;
    this.library.rememberOriginals(sources);
    this.notice.clear();
    this.#progress = startingProgress(sources.length);
    // Cancel works from the first moment, even while waiting for another tab or the model.
    const abort = new AbortController();
    this.#abort = abort;
    // One job at a time across tabs: two jobs on one library would race for the same photos.
    // The files stay in this tab (a File cannot travel to another), which runs them in turn.
    try {
      await runExclusive(
        this.tabs.locks,
        LOCKS.libraryWrite,
        () => {
          if (this.#waiting !== null) this.hooks.onQueued?.(null);
          this.#waiting = null;
          this.#elsewhere = null;
          return this.#run(sources, rootName, abort, handle);
        },
        {
          onWait: () => {
            this.#waiting = rootName;
            this.hooks.onQueued?.({ sources, rootName, ...(handle ? { handle } : {}) });
          },
          signal: abort.signal,
        },
      );
    } catch (e) {
      // Only a wait can end here: #run reports its own failures.
      if (this.#waiting !== null) this.hooks.onQueued?.(null);
      this.#waiting = null;
      this.#abort = undefined;
      if (isAbort(e) && abort.signal.aborted)
        this.#progress = { ...startingProgress(sources.length), state: 'cancelled' };
      else this.#failed(e, sources.length);
    }
  }

  async #run(
    sources: FileSource[],
    rootName: string,
    abort: AbortController,
    handle?: FileSystemDirectoryHandle,
  ): Promise<void> {
    this.hooks.onStart?.(sources);
    this.#rootName = rootName;
    // The other tabs show the job from its start, while the image model loads.
    if (this.#progress) this.#tell(this.#progress);
    try {
      await this.models.visionModel();
    } catch {
      // The models manager shows why the model failed; indexing never started, and the files
      // wait for another try (a connection back, a model put in place).
      this.#progress = null;
      this.#abort = undefined;
      if (!abort.signal.aborted)
        this.#unstarted = { sources, rootName, ...(handle ? { handle } : {}) };
      return;
    }
    if (abort.signal.aborted) {
      this.#progress = { ...startingProgress(sources.length), state: 'cancelled' };
      this.#abort = undefined;
      return;
    }
    try {
      const request = { sources, rootName, ...(handle ? { handle } : {}) };
      const result = await this.client.index(request, (p) => this.#onProgress(p), abort.signal);
      this.#progress = result;
      this.#tell(result);
      if (result.message) this.notice.show(result.message);
      if (result.state === 'done') await this.hooks.onIndexed?.(sources, handle);
    } catch (e) {
      this.#failed(e, sources.length);
    }
    if (this.#progress) this.#tell(this.#progress);
    this.#abort = undefined;
    await this.library.refreshPendingJob();
    await this.hooks.onFinished?.();
  }

  /** A rejected call (the worker died, most likely) ends this run, never the next one. */
  #failed(e: unknown, total: number) {
    const reason = errorMessage(e).replace(/\.$/, '');
    const message = `Indexing failed: ${reason}. Everything stored so far is kept.`;
    this.#progress = { ...(this.#progress ?? startingProgress(total)), state: 'failed', message };
    this.notice.show(message);
    // The replacement worker starts without the image model.
    this.models.forget('vision');
  }

  #tell(progress: IndexingProgress) {
    this.tabs.channel?.post({ kind: 'indexing', rootName: this.#rootName, progress });
  }

  #onProgress(p: IndexingProgress) {
    this.#progress = p;
    this.#tell(p);
    const now = Date.now();
    if (p.state === 'running' && now - this.#lastRefresh > BATCH_REFRESH_MS) {
      this.#lastRefresh = now;
      this.hooks.onBatches?.();
    }
  }

  pause() {
    void this.client.pause().catch(() => undefined);
    if (this.#progress?.state === 'running')
      this.#progress = { ...this.#progress, state: 'paused' };
  }

  resume() {
    void this.client.resume().catch(() => undefined);
    if (this.#progress?.state === 'paused')
      this.#progress = { ...this.#progress, state: 'running' };
  }

  cancel() {
    this.#abort?.abort();
  }

  /** Hides the finished run's panel. */
  close() {
    if (!this.isIndexing) this.#progress = null;
  }

  async resumePending(): Promise<'resumed' | 'pick-again'> {
    const job = this.library.pendingJob;
    if (!job?.handle) return 'pick-again';
    if (!(await canRead(job.handle, true))) return 'pick-again';
    await this.addSources(await sourcesFromDirectoryHandle(job.handle), job.rootName, job.handle);
    return 'resumed';
  }
}
