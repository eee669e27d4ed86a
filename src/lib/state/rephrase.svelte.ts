import type {
  LlmInfo,
  LlmLoadReport,
  LlmLoadRequest,
  RephraseCall,
  RephraseOutcome,
} from '../../../workers/llm/protocol';
import { errorMessage } from '../../core/errors';
import type { LumenDb } from '../../core/store/db';
import { AppliedRephrasing } from './applied-rephrasing.svelte';
import type { RephraseSettings } from './rephrase-settings.svelte';
import { rephrasingKey } from './rephrasing-key';
import type { TabChannel } from './tab-channel';
import { LOCKS, type LockRequester } from './tab-locks';

export const REPHRASE_TIMEOUT_MS = 45_000;

/** What the rephrasing needs of the LLM worker (LlmClient; a fake in specs). */
export interface RephraseClient {
  load: (request: LlmLoadRequest, onProgress: (r: LlmLoadReport) => void) => Promise<LlmInfo>;
  rephrase: (
    call: RephraseCall,
    onText: (piece: string) => void,
    signal?: AbortSignal,
  ) => Promise<RephraseOutcome>;
  deleteDownloads: (profileId: string) => Promise<string[]>;
  terminate: () => void;
}

export type LlmStatus = 'idle' | 'loading' | 'ready' | 'unavailable';

/** One copy of the language model across tabs: the tab holding the lock has it loaded. */
export interface LlmTabs {
  locks: LockRequester;
  channel?: TabChannel;
}

/** Another tab holds the language model; this one searches with the words as typed. */
class HeldElsewhereError extends Error {
  override name = 'HeldElsewhereError';
}

const HELD_ELSEWHERE =
  'Another Lumen tab has the language model loaded (one copy on the GPU is enough), so search here uses your words as typed. “Use it in this tab” moves it here.';
const TAKEN_OVER =
  'Another Lumen tab took over the language model; it loads here again on your next search.';

/**
 * Query rephrasing by a local language model: loaded lazily (the page works without
 * it), streamed, cached per model/style/query, editable and undoable.
 */
export class RephraseState {
  #status = $state<LlmStatus>('idle');
  #progress = $state<LlmLoadReport | null>(null);
  #info = $state<LlmInfo | null>(null);
  #error = $state<string | null>(null);
  #streaming = $state(false);
  #fallback = $state<string | null>(null);
  /** What the model wrote (streaming) or what the person typed over it. */
  draft = $state('');
  readonly applied = new AppliedRephrasing();
  #ready: Promise<LlmInfo> | undefined;
  #abort: AbortController | undefined;
  #elsewhere = $state(false);
  /** Lets go of the cross-tab model lock; set while this tab holds it. */
  #letGo: (() => void) | undefined;

  constructor(
    readonly settings: RephraseSettings,
    private readonly client: RephraseClient,
    private readonly request: Omit<LlmLoadRequest, 'backend'>,
    /** Opens (or reopens, after another tab's upgrade) the library database. */
    private readonly db: () => Promise<LumenDb>,
    private readonly tabs?: LlmTabs,
  ) {
    tabs?.channel?.on((m) => {
      if (m.kind !== 'llm-release' || !this.#letGo) return;
      // Another tab takes the model over: free this tab's copy (and its GPU memory) first.
      this.client.terminate();
      this.#ready = undefined;
      this.#info = null;
      this.#status = 'idle';
      this.#error = TAKEN_OVER;
      this.#release();
    });
  }

  /** Another tab has the language model; `takeOver` moves it here. */
  get elsewhere(): boolean {
    return this.#elsewhere;
  }

  /** Asks the tab holding the language model to let it go, then loads it here. */
  takeOver(): Promise<LlmInfo> {
    this.tabs?.channel?.post({ kind: 'llm-release' });
    this.#ready = undefined;
    return this.load(true);
  }

  #release() {
    const letGo = this.#letGo;
    this.#letGo = undefined;
    letGo?.();
  }

  /** Resolves once this tab holds the model lock (waiting for it when asked to). */
  #hold(wait: boolean): Promise<void> {
    const tabs = this.tabs;
    if (!tabs || this.#letGo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      tabs.locks
        .request(LOCKS.llm, wait ? {} : { ifAvailable: true }, (lock) => {
          if (!lock) {
            reject(new HeldElsewhereError(HELD_ELSEWHERE));
            return Promise.resolve();
          }
          this.#elsewhere = false;
          resolve();
          // Held until this tab lets the model go (or closes).
          return new Promise<void>((letGo) => (this.#letGo = letGo));
        })
        .catch(reject);
    });
  }

  get status(): LlmStatus {
    return this.#status;
  }
  get progress(): LlmLoadReport | null {
    return this.#progress;
  }
  get info(): LlmInfo | null {
    return this.#info;
  }
  get error(): string | null {
    return this.#error;
  }
  get streaming(): boolean {
    return this.#streaming;
  }
  /** Why the last rephrasing was not used. */
  get fallback(): string | null {
    return this.#fallback;
  }

  /** The worker died: the model must load again in its replacement. */
  workerStopped(message: string): void {
    this.#status = 'unavailable';
    this.#error = `The language model stopped (${message}).`;
    this.#ready = undefined;
    this.#release();
  }

  /** Loads the model once; `wait` waits for another tab to let it go instead of giving up. */
  load(wait = false): Promise<LlmInfo> {
    if (!this.#ready) {
      this.#status = 'loading';
      this.#error = null;
      // A block body: the callback's return value travels back to the worker, and an
      // assignment to $state would hand it the reactive proxy, which cannot be cloned.
      const onProgress = (p: LlmLoadReport) => {
        this.#progress = p;
      };
      this.#ready = this.#hold(wait)
        .then(() => this.client.load({ ...this.request, backend: 'auto' }, onProgress))
        .then(
          (info) => {
            this.#info = info;
            this.#status = 'ready';
            return info;
          },
          (e: unknown) => {
            this.#status = 'unavailable';
            this.#ready = undefined;
            if (e instanceof HeldElsewhereError) {
              this.#elsewhere = true;
              this.#error = e.message;
            } else {
              this.#release();
              this.#error = `No language model can run here, so search uses your words as typed. ${errorMessage(e)}`;
            }
            throw e;
          },
        );
    }
    return this.#ready;
  }

  #cacheKey(query: string): string {
    return rephrasingKey(this.#info?.model ?? this.request.profileId, this.settings.style, query);
  }

  /** Rephrases a query (from the cache when possible); null means "search with the words alone". */
  async run(query: string): Promise<string | null> {
    this.#fallback = null;
    try {
      await this.load();
    } catch {
      return null;
    }
    const db = await this.db();
    const cached = await db.get('rephrasings', this.#cacheKey(query));
    if (cached) {
      this.draft = cached.text;
      this.applied.use(query, cached.text);
      return cached.text;
    }
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.draft = '';
    this.#streaming = true;
    try {
      const call = { query, style: this.settings.style, timeoutMs: REPHRASE_TIMEOUT_MS };
      const onText = (piece: string) => {
        this.draft += piece;
      };
      const outcome = await this.client.rephrase(call, onText, abort.signal);
      if (outcome.status === 'fallback') {
        this.#fallback = outcome.message;
        this.draft = outcome.raw.trim();
        this.applied.use(query, null);
        return null;
      }
      this.draft = outcome.text;
      await db.put('rephrasings', {
        key: this.#cacheKey(query),
        text: outcome.text,
        at: Date.now(),
      });
      this.applied.use(query, outcome.text);
      return outcome.text;
    } catch (e) {
      // Unless the person cancelled, the worker may have died with the model in it.
      if (!abort.signal.aborted) this.#ready = undefined;
      this.#fallback = `Rephrasing failed (${errorMessage(e)}); searching with your words only.`;
      this.applied.use(query, null);
      return null;
    } finally {
      this.#streaming = false;
      if (this.#abort === abort) this.#abort = undefined;
    }
  }

  cancel() {
    this.#abort?.abort();
  }

  /** Uses the edited draft; it replaces the cached rephrasing for this query. */
  async applyDraft(query: string): Promise<string | null> {
    const text = this.draft.trim();
    this.applied.use(query, text || null);
    if (text) {
      const db = await this.db();
      await db.put('rephrasings', { key: this.#cacheKey(query), text, at: Date.now() });
    }
    return this.applied.text;
  }

  /** Searches with the person's words alone (undoable). */
  useOwnWords(query: string) {
    this.applied.use(query, null);
  }

  /** Goes back to the previous rephrasing (or to none). */
  undo(): string | null {
    const text = this.applied.undo();
    this.draft = text ?? '';
    return text;
  }

  async deleteDownloads(): Promise<string[]> {
    const deleted = await this.client.deleteDownloads(this.request.profileId);
    this.client.terminate();
    this.#ready = undefined;
    this.#status = 'idle';
    this.#info = null;
    this.#release();
    return deleted;
  }
}
