import type { IndexingProgress } from '../../../workers/embedding/protocol';

/** What one tab tells the others of the same library (BroadcastChannel `lumen`). */
export type TabNews =
  /** A job's progress in the tab that holds the indexing lock; the last one has a final state. */
  | { kind: 'indexing'; rootName: string; progress: IndexingProgress }
  /** Photos were added, removed, imported or scored: counts and results are stale elsewhere. */
  | { kind: 'library-changed' }
  /** A tuned model was trained, chosen or dropped for this model key. */
  | { kind: 'adapter-changed'; model: string }
  /** Asks the tab holding the language model to let it go (another tab takes it over). */
  | { kind: 'llm-release' };

export type TabMessage = TabNews & { tab: string };

const KINDS = new Set(['indexing', 'library-changed', 'adapter-changed', 'llm-release']);

/** Anything may arrive on a channel (another version of the app); only well-formed news counts. */
export function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== 'object' || data === null) return false;
  if (!('tab' in data && typeof data.tab === 'string')) return false;
  if (!('kind' in data && typeof data.kind === 'string' && KINDS.has(data.kind))) return false;
  if (data.kind === 'indexing')
    return (
      'rootName' in data &&
      typeof data.rootName === 'string' &&
      'progress' in data &&
      isProgress(data.progress)
    );
  if (data.kind === 'adapter-changed') return 'model' in data && typeof data.model === 'string';
  return true;
}

const COUNTS = ['total', 'processed', 'indexed', 'unchanged', 'duplicates', 'skipped', 'rate'];
const STATES = new Set(['running', 'paused', 'done', 'cancelled', 'failed']);

function isProgress(p: unknown): p is IndexingProgress {
  if (typeof p !== 'object' || p === null) return false;
  if (!('state' in p && typeof p.state === 'string' && STATES.has(p.state))) return false;
  const fields = new Map(Object.entries(p));
  return COUNTS.every((k) => typeof fields.get(k) === 'number');
}

/** The part of BroadcastChannel used here. */
export interface ChannelPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  close(): void;
}

function browserChannel(name: string): ChannelPort | undefined {
  return typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(name);
}

/** News between this library's tabs; without BroadcastChannel a tab simply hears nothing. */
export class TabChannel {
  /** This tab's id: its own messages are not echoed back, but ids tell senders apart. */
  readonly tab: string = crypto.randomUUID();
  readonly #port: ChannelPort | undefined;
  readonly #listeners = new Set<(m: TabMessage) => void>();

  constructor(name = 'lumen', open: (name: string) => ChannelPort | undefined = browserChannel) {
    this.#port = open(name);
    this.#port?.addEventListener('message', (e) => {
      const data: unknown = e.data;
      if (!isTabMessage(data) || data.tab === this.tab) return;
      for (const listener of this.#listeners) listener(data);
    });
  }

  post(news: TabNews): void {
    // A closed channel (the page is going away) throws; the news no longer matters then.
    try {
      this.#port?.postMessage({ ...news, tab: this.tab });
    } catch {
      // Nothing to tell anyone.
    }
  }

  /** Listens to the other tabs; returns the way to stop. */
  on(listener: (m: TabMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
    this.#port?.close();
  }
}

/**
 * `run` at most once at a time: calls while it runs make one more run after it (news in a burst
 * costs two re-reads, not one per message). Failures are dropped: the next news reads again.
 */
export function coalesced(run: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const call = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void run()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          call();
        }
      });
  };
  return call;
}
