import { wrap, type Remote } from 'comlink';

/** What the bridge needs of a Worker; a fake one stands in for it in Node. */
export interface WorkerEndpoint extends EventTarget {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
}

/**
 * Learns that a worker died. The worker holds a Web Lock named `name` for its whole life
 * (see workers/shared/lifeline.ts); the lock is released only when the worker is gone.
 */
export type Lifeline = (name: string, signal: AbortSignal) => Promise<void>;

/** Resolves once nobody holds the lock `name` any more, that is once its worker is gone. */
export const webLockLifeline: Lifeline = async (name, signal) => {
  await navigator.locks.request(name, { signal }, () => undefined);
};

/** A worker died with calls in flight: they reject with this. */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';

  constructor(
    readonly worker: string,
    readonly reason: string,
  ) {
    super(`The ${worker} worker stopped unexpectedly (${reason}).`);
  }
}

export interface WorkerBridgeOptions {
  /** Names the worker in messages: "The indexing worker stopped unexpectedly". */
  label: string;
  /** Told once per death, with the reason and the error the pending calls rejected with. */
  onCrash?: (reason: string, error: WorkerCrashedError) => void;
  /** How death is noticed; no lifeline (no Web Locks here) leaves only the error event. */
  lifeline?: Lifeline | null;
}

export interface CallOptions<T> {
  signal?: AbortSignal;
  /** Asks the worker to stop the call when the signal aborts; the call then settles as the worker says. */
  cancel?: (remote: Remote<T>) => unknown;
}

interface Running<T> {
  readonly id: number;
  readonly worker: WorkerEndpoint;
  readonly remote: Remote<T>;
  readonly pending: Set<(error: Error) => void>;
  /** Withdraws the lifeline's own lock request when the bridge ends the worker itself. */
  readonly detach: AbortController;
}

let lifelines = 0;

function lifelineName(label: string): string {
  const unique =
    typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${++lifelines}`;
  return `lumen-${label.replace(/\W+/g, '-')}:${unique}`;
}

let gate: Promise<void> | undefined;

/**
 * Holds back the start of every worker until `ready` settles: a dedicated worker takes its
 * Content-Security-Policy from its own script's response, which on a host without headers
 * only the service worker adds (src/lib/state/worker-policy.ts). Calls made meanwhile (a
 * folder dropped in the first seconds of a first visit) wait, then run.
 */
export function holdWorkersUntil(ready: Promise<void>): void {
  const held: Promise<void> = ready
    .catch(() => undefined)
    .finally(() => {
      if (gate === held) gate = undefined;
    });
  gate = held;
}

/**
 * Starts a worker on first use and runs calls on it. Every call settles: when the worker
 * errors, dies (out of memory, a crash in WASM, closed from outside) or is terminated,
 * its pending calls reject, because Comlink would leave them waiting for ever. The next
 * call starts a fresh worker.
 */
export class WorkerBridge<T> {
  readonly #create: (name: string) => WorkerEndpoint;
  readonly #options: WorkerBridgeOptions;
  #running: Running<T> | undefined;
  #started = 0;

  /** `create` must pass `name` to the worker (the Worker `name` option): it names its lifeline. */
  constructor(create: (name: string) => WorkerEndpoint, options: WorkerBridgeOptions) {
    this.#create = create;
    this.#options = options;
  }

  /** Which worker runs now (each start counts up); undefined while none does. */
  get workerId(): number | undefined {
    return this.#running?.id;
  }

  /** Runs `fn` on the worker, starting one if needed. */
  call<R>(fn: (remote: Remote<T>) => Promise<R>, options: CallOptions<T> = {}): Promise<R> {
    const { signal, cancel } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (gate && !this.#running) return gate.then(() => this.call(fn, options));
    const running = this.#start();
    return new Promise<R>((resolve, reject) => {
      running.pending.add(reject);
      const onAbort = () => {
        if (cancel) void Promise.resolve(cancel(running.remote)).catch(() => undefined);
        else reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      fn(running.remote)
        .then(resolve, reject)
        .finally(() => {
          running.pending.delete(reject);
          signal?.removeEventListener('abort', onAbort);
        });
    });
  }

  /** Runs `fn` only on a worker already running (a pause needs no fresh worker). */
  async ifRunning(fn: (remote: Remote<T>) => Promise<void>): Promise<void> {
    if (this.#running) await this.call(fn);
  }

  /** Ends the worker; its pending calls reject with an AbortError. The next call starts another. */
  terminate(): void {
    this.#end(new DOMException(`The ${this.#options.label} worker was stopped.`, 'AbortError'));
  }

  #start(): Running<T> {
    if (this.#running) return this.#running;
    const name = lifelineName(this.#options.label);
    const worker = this.#create(name);
    const running: Running<T> = {
      id: ++this.#started,
      worker,
      remote: wrap<T>(worker),
      pending: new Set(),
      detach: new AbortController(),
    };
    this.#running = running;
    const crash = (reason: string) => this.#crash(running, reason);
    worker.addEventListener('error', (e) => {
      // A worker in an unknown state is not trusted with further calls.
      const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
      crash(message || 'it failed to start or threw an error it did not catch');
    });
    worker.addEventListener('messageerror', () => crash('a message it sent could not be read'));
    const lifeline =
      this.#options.lifeline === undefined ? webLockLifeline : this.#options.lifeline;
    if (lifeline) {
      // The worker says it holds its lock; asking for the lock before that would take it first.
      const onHeld = (e: Event) => {
        if (!(e instanceof MessageEvent) || e.data !== name) return;
        worker.removeEventListener('message', onHeld);
        lifeline(name, running.detach.signal).then(
          () => crash('it ran out of memory, crashed or was closed'),
          () => undefined,
        );
      };
      worker.addEventListener('message', onHeld);
    }
    return running;
  }

  #crash(running: Running<T>, reason: string): void {
    if (this.#running !== running) return;
    const error = new WorkerCrashedError(this.#options.label, reason);
    this.#end(error);
    this.#options.onCrash?.(reason, error);
  }

  #end(error: Error): void {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    running.detach.abort();
    running.worker.terminate();
    for (const reject of running.pending) reject(error);
    running.pending.clear();
  }
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const message = typeof reason === 'string' ? reason : 'The call was aborted.';
  return new DOMException(message, 'AbortError');
}
