import type { LlmLoadReport } from '../../../workers/llm/protocol';
import { DEFAULT_STYLE, isPromptStyle, type PromptStyle } from '../../../workers/llm/protocol';
import type { LlmInfo } from '../../../workers/llm/protocol';
import { LlmClient } from '../clients/llm-client';
import type { Device } from '../../core/manifest';
import type { LumenDb } from '../../core/store/db';

const KEY = 'lumen.rephrase';
export const REPHRASE_TIMEOUT_MS = 45_000;

interface Stored {
  enabled: boolean;
  style: PromptStyle;
  blend: number;
}

export function parseRephraseSettings(raw: string | null): Stored {
  const fallback: Stored = { enabled: false, style: DEFAULT_STYLE, blend: 0.5 };
  try {
    const v = JSON.parse(raw ?? '{}') as Partial<Record<keyof Stored, unknown>>;
    return {
      enabled: typeof v.enabled === 'boolean' ? v.enabled : fallback.enabled,
      style: isPromptStyle(v.style) ? v.style : fallback.style,
      blend: typeof v.blend === 'number' && v.blend >= 0 && v.blend <= 1 ? v.blend : fallback.blend,
    };
  } catch {
    return fallback;
  }
}

/**
 * Query rephrasing by a local language model: loaded lazily (the page works without
 * it), streamed, cached per model/style/query, editable and undoable.
 */
export class RephraseState {
  enabled = $state(false);
  style = $state<PromptStyle>(DEFAULT_STYLE);
  /** Weight of the rephrasing against the person's own words in the query embedding. */
  blend = $state(0.5);

  status = $state<'idle' | 'loading' | 'ready' | 'unavailable'>('idle');
  progress = $state<LlmLoadReport | null>(null);
  info = $state<LlmInfo | null>(null);
  error = $state<string | null>(null);

  /** What the model wrote (streaming) or what the person typed over it. */
  draft = $state('');
  streaming = $state(false);
  /** The rephrasing the current results use, and the query it belongs to. */
  applied = $state<string | null>(null);
  forQuery = $state<string | null>(null);
  /** Why the last rephrasing was not used. */
  fallback = $state<string | null>(null);
  #history = $state<(string | null)[]>([]);

  readonly #client: LlmClient;
  #ready: Promise<LlmInfo> | undefined;
  #abort: AbortController | undefined;

  constructor(
    private readonly profileId: string,
    private readonly appBase: string,
    private readonly device: Device | 'auto',
    private readonly db: Promise<LumenDb>,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'>,
  ) {
    Object.assign(this, parseRephraseSettings(storage.getItem(KEY)));
    this.#client = new LlmClient((message) => {
      this.status = 'unavailable';
      this.error = `The language model stopped (${message}).`;
      this.#ready = undefined;
    });
  }

  save() {
    this.storage.setItem(
      KEY,
      JSON.stringify({ enabled: this.enabled, style: this.style, blend: this.blend }),
    );
  }

  load(): Promise<LlmInfo> {
    if (!this.#ready) {
      this.status = 'loading';
      this.error = null;
      const request = {
        profileId: this.profileId,
        appBase: this.appBase,
        backend: 'auto' as const,
        device: this.device,
      };
      this.#ready = this.#client
        .load(request, (p) => (this.progress = p))
        .then(
          (info) => {
            this.info = info;
            this.status = 'ready';
            return info;
          },
          (e: unknown) => {
            this.status = 'unavailable';
            this.error = `No language model can run here, so search uses your words as typed. ${e instanceof Error ? e.message : String(e)}`;
            this.#ready = undefined;
            throw e;
          },
        );
    }
    return this.#ready;
  }

  #cacheKey(query: string): string {
    return `${this.info?.model ?? this.profileId}|${this.style}|${query.trim().toLowerCase()}`;
  }

  /** Rephrases a query (from the cache when possible); null means "search with the words alone". */
  async run(query: string): Promise<string | null> {
    this.fallback = null;
    try {
      await this.load();
    } catch {
      return null;
    }
    const db = await this.db;
    const cached = await db.get('rephrasings', this.#cacheKey(query));
    if (cached) {
      this.draft = cached.text;
      this.#apply(query, cached.text);
      return cached.text;
    }
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.draft = '';
    this.streaming = true;
    try {
      const call = { query, style: this.style, timeoutMs: REPHRASE_TIMEOUT_MS };
      const outcome = await this.#client.rephrase(
        call,
        (piece) => (this.draft += piece),
        abort.signal,
      );
      if (outcome.status === 'fallback') {
        this.fallback = outcome.message;
        this.draft = outcome.raw.trim();
        this.#apply(query, null);
        return null;
      }
      this.draft = outcome.text;
      await db.put('rephrasings', {
        key: this.#cacheKey(query),
        text: outcome.text,
        at: Date.now(),
      });
      this.#apply(query, outcome.text);
      return outcome.text;
    } catch (e) {
      this.fallback = `Rephrasing failed (${e instanceof Error ? e.message : String(e)}); searching with your words only.`;
      this.#apply(query, null);
      return null;
    } finally {
      this.streaming = false;
      if (this.#abort === abort) this.#abort = undefined;
    }
  }

  cancel() {
    this.#abort?.abort();
  }

  #apply(query: string, text: string | null) {
    if (this.forQuery === query && this.applied !== text) this.#history.push(this.applied);
    else if (this.forQuery !== query) this.#history = [];
    this.forQuery = query;
    this.applied = text;
  }

  /** Uses the edited draft; it replaces the cached rephrasing for this query. */
  async applyDraft(query: string): Promise<string | null> {
    const text = this.draft.trim();
    this.#apply(query, text || null);
    if (text) {
      const db = await this.db;
      await db.put('rephrasings', { key: this.#cacheKey(query), text, at: Date.now() });
    }
    return this.applied;
  }

  /** Searches with the person's words alone (undoable). */
  useOwnWords(query: string) {
    this.#apply(query, null);
  }

  get canUndo(): boolean {
    return this.#history.length > 0;
  }

  /** Goes back to the previous rephrasing (or to none). */
  undo(): string | null {
    if (!this.#history.length) return this.applied;
    this.applied = this.#history.pop() ?? null;
    this.draft = this.applied ?? '';
    return this.applied;
  }

  async deleteDownloads(): Promise<string[]> {
    const deleted = await this.#client.deleteDownloads(this.profileId);
    this.#client.terminate();
    this.#ready = undefined;
    this.status = 'idle';
    this.info = null;
    return deleted;
  }
}
