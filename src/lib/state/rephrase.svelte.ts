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

  constructor(
    readonly settings: RephraseSettings,
    private readonly client: RephraseClient,
    private readonly request: Omit<LlmLoadRequest, 'backend'>,
    /** Opens (or reopens, after another tab's upgrade) the library database. */
    private readonly db: () => Promise<LumenDb>,
  ) {}

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
  }

  load(): Promise<LlmInfo> {
    if (!this.#ready) {
      this.#status = 'loading';
      this.#error = null;
      // A block body: the callback's return value travels back to the worker, and an
      // assignment to $state would hand it the reactive proxy, which cannot be cloned.
      const onProgress = (p: LlmLoadReport) => {
        this.#progress = p;
      };
      this.#ready = this.client.load({ ...this.request, backend: 'auto' }, onProgress).then(
        (info) => {
          this.#info = info;
          this.#status = 'ready';
          return info;
        },
        (e: unknown) => {
          this.#status = 'unavailable';
          this.#error = `No language model can run here, so search uses your words as typed. ${errorMessage(e)}`;
          this.#ready = undefined;
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
    return deleted;
  }
}
