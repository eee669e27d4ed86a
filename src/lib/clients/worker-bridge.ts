import { wrap, type Remote } from 'comlink';

/**
 * Starts a worker on first use and hands out its Comlink proxy. A worker that dies
 * (out of memory, a crash in WASM) is reported through onCrash and replaced on the
 * next call instead of leaving every later call hanging.
 */
export class WorkerBridge<T> {
  #worker: Worker | undefined;
  #remote: Remote<T> | undefined;

  constructor(
    private readonly create: () => Worker,
    private readonly onCrash: (message: string) => void = () => {},
  ) {}

  get remote(): Remote<T> {
    if (!this.#remote) {
      const worker = this.create();
      worker.addEventListener('error', (e) => {
        this.onCrash(e.message || 'The background worker stopped unexpectedly.');
        this.terminate();
      });
      this.#worker = worker;
      this.#remote = wrap<T>(worker);
    }
    return this.#remote;
  }

  get started(): boolean {
    return this.#worker !== undefined;
  }

  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#remote = undefined;
  }
}

/** Runs a worker call; aborting the signal asks the worker to cancel it. */
export async function cancellable<T>(
  call: () => Promise<T>,
  cancel: () => unknown,
  signal?: AbortSignal,
): Promise<T> {
  const onAbort = () => void cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
