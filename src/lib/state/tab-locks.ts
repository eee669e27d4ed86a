/**
 * One job of each kind at a time across every tab of this origin (Web Locks). A lock is
 * released when its task settles or its tab closes, so a crashed tab never blocks the others.
 */

/** The cross-tab locks. Removal takes the same lock as indexing: both rewrite the photo set. */
export const LOCKS = {
  /** Indexing, folder removal and any other change of which photos the library holds. */
  libraryWrite: 'lumen:library-write',
  /** Aesthetic scoring; per profile, since each profile scores with its own models. */
  scoring: (profileId: string) => `lumen:scoring:${profileId}`,
  /** Rewriting float vectors compactly. */
  compaction: 'lumen:compaction',
  /** The language model on the GPU: one copy, in one tab. */
  llm: 'lumen:llm',
  /** Held by each tab for its whole life: a free one means that tab has closed. */
  tab: (tabId: string) => `lumen:tab:${tabId}`,
} as const;

/** The part of the Web Locks API used here (`navigator.locks`; a same-page stand-in elsewhere). */
export interface LockRequester {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    task: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/**
 * Locks that live in this page only: where the browser has no Web Locks, and in specs (two
 * "tabs" sharing one instance see each other's locks). Grants in request order, like the API.
 */
export class PageLocks implements LockRequester {
  readonly #held = new Set<string>();
  readonly #queues = new Map<string, (() => void)[]>();

  async request<T>(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    task: (lock: unknown) => Promise<T>,
  ): Promise<T> {
    if (this.#held.has(name)) {
      if (options.ifAvailable) return task(null);
      await this.#wait(name, options.signal);
    }
    this.#held.add(name);
    try {
      return await task({ name });
    } finally {
      const next = this.#queues.get(name)?.shift();
      if (next) next();
      else this.#held.delete(name);
    }
  }

  #wait(name: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      const granted = () => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        queue.splice(queue.indexOf(granted), 1);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', aborted, { once: true });
      queue.push(granted);
    });
  }
}

function abortReason(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('Aborted', 'AbortError');
}

/** The browser's Web Locks where it has them, else locks of this page alone. */
export function browserLocks(): LockRequester {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ?? new PageLocks();
}

/** Thrown when a wait for a lock was cancelled; callers report it as a cancelled job. */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/**
 * Runs `task` holding `name`. When another tab holds it, `onWait` is told first and the task
 * runs once the lock is granted; a `signal` abort while waiting rejects with an AbortError.
 */
export async function runExclusive<T>(
  locks: LockRequester,
  name: string,
  task: () => Promise<T>,
  options: { onWait?: () => void; signal?: AbortSignal } = {},
): Promise<T> {
  const free = await locks.request(name, { ifAvailable: true }, async (lock) =>
    lock ? { value: await task() } : null,
  );
  if (free) return free.value;
  options.onWait?.();
  return locks.request(name, options.signal ? { signal: options.signal } : {}, () => task());
}

/** Runs `task` only if no other tab holds `name` right now; else resolves to `undefined`. */
export function runIfFree<T>(
  locks: LockRequester,
  name: string,
  task: () => Promise<T>,
): Promise<{ value: T } | undefined> {
  return locks.request(name, { ifAvailable: true }, async (lock) =>
    lock ? { value: await task() } : undefined,
  );
}
